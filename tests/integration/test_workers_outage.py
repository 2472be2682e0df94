"""The database goes away under running workers and comes back: they log, wait, carry on (issue #14 item 5).

``renkei timers run --loop`` and ``renkei mail send --loop`` run as real processes against a PostgreSQL server
of this test's own (tests/own_postgres.py), which the test stops for a few seconds — the shared test server is
never touched. While it is down a timer falls due; after the restart it must fire and new mail must go out,
with one log line for the outage and one for the recovery, and both workers must still answer SIGTERM.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from engine.persistence.models import Case
from tests.conftest import ROOT, demo_engine
from tests.integration.flow import Flow
from tests.integration.own_postgres import OwnPostgres
from tests.integration.timer_process import timer_bundle
from tests.mail_server import MailServer, give_everyone_mail

OUTAGE = 6.0  # seconds the database is down


@pytest.fixture
def own_postgres():
    server = OwnPostgres()
    server.start()
    yield server
    server.remove()


def wait_for(condition: Callable[[], bool], seconds: float) -> float:
    """Polls until ``condition`` holds; returns how long it took (fails the test after ``seconds``)."""
    began = time.monotonic()
    while not condition():
        assert time.monotonic() - began < seconds, "gave up waiting"
        time.sleep(0.1)
    return time.monotonic() - began


def worker(url: str, smtp: MailServer, *command: str) -> subprocess.Popen:
    environment = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "RENKEI_DATABASE_URL": url,
        "RENKEI_SMTP_HOST": "127.0.0.1",
        "RENKEI_SMTP_PORT": str(smtp.port),
        "RENKEI_SMTP_TLS": "none",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "engine.cli", *command, "--loop", "--interval", "0.2"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_timer_and_mail_workers_survive_a_database_outage_and_resume_after_the_restart(own_postgres):
    url = own_postgres.url
    engine = demo_engine(url)
    give_everyone_mail(engine)
    seisaku, organisation = engine.actor("seisaku"), engine.actor("shonan").organisation_id

    def timed_cases(due: datetime, count: int) -> list[int]:
        engine.deploy(timer_bundle(f'"{due.isoformat()}"'))
        return [
            engine.start_case(seisaku, "timed", organisation, "city", {"divisor": 1}).id for _ in range(count)
        ]

    def completed(ids: list[int]) -> bool:
        with engine.unit_of_work() as session:
            return set(session.scalars(select(Case.status).where(Case.id.in_(ids)))) == {"completed"}

    before = timed_cases(datetime.now(UTC) + timedelta(seconds=3), 3)
    during = timed_cases(datetime.now(UTC) + timedelta(seconds=12), 3)  # falls due while the database is down
    Flow(engine).start()  # one mail to the partner
    smtp = MailServer().start()
    workers = [worker(url, smtp, "timers", "run"), worker(url, smtp, "mail", "send")]
    try:
        wait_for(lambda: completed(before) and len(smtp.received) == 1, 30)
        engine.database.dispose()
        own_postgres.stop()
        time.sleep(OUTAGE)
        assert [w.poll() for w in workers] == [None, None], (
            "a worker left its loop when the database went away"
        )
        own_postgres.start()
        recovery = wait_for(lambda: completed(during), 90)
        Flow(engine).start()  # a new mail after the restart
        mail_recovery = wait_for(lambda: len(smtp.received) == 2, 90)
        mailed = recovery + mail_recovery
        print(f"after the restart: timers fired in {recovery:.1f} s, new mail went out in {mailed:.1f} s")
        for process in workers:
            process.send_signal(signal.SIGTERM)
        outputs = [process.communicate(timeout=30) for process in workers]
    finally:
        smtp.stop()
        for process in workers:
            if process.poll() is None:
                process.kill()
                process.communicate()
        engine.database.dispose()
    assert [w.returncode for w in workers] == [0, 0], [err for _, err in outputs]
    for _, log in outputs:
        assert log.count("pass failed (database unavailable)") == 1, log  # one line for the outage …
        assert log.count("working again after") == 1, log  # … and one for the recovery
        assert "SIGTERM received, stopping after the current item" in log
