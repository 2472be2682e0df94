"""The worker loops end only when told to, and then after the item in hand (issue #14 item 5)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from engine.bootstrap import bootstrap
from engine.cli import WorkerLoop
from engine.demo import seed_people
from engine.notifications.mail import Mailer, SmtpSettings, mail_pass
from engine.notifications.service import Notifications, NotificationSettings
from engine.persistence.models import Case, MailOutbox
from tests.conftest import ROOT, demo_engine
from tests.integration.flow import Flow
from tests.integration.timer_process import timer_bundle
from tests.mail_server import give_everyone_mail

SLOW_WORKER = """
import sys, time
from engine.cases import service as cases
from engine.cli import cli

fire = cases.fire_case_timers

def slowly(session, actor, case, now):
    print(f"firing {case.id}", flush=True)
    time.sleep(1.5)  # a long firing: SIGTERM arrives in the middle of it
    fire(session, actor, case, now)

cases.fire_case_timers = slowly
cli(["timers", "run", "--loop", "--interval", "0.2"])
"""


def test_sigterm_ends_the_timer_loop_after_the_case_in_hand(tmp_path):
    url = f"sqlite:///{tmp_path / 'stop.sqlite3'}"
    engine = bootstrap(url)
    engine.upgrade_schema()
    due = datetime.now(UTC) + timedelta(seconds=2)
    engine.deploy(timer_bundle(f'"{due.isoformat()}"'))
    seed_people(engine)
    seisaku, organisation = engine.actor("seisaku"), engine.actor("shonan").organisation_id
    ids = [engine.start_case(seisaku, "timed", organisation, "city", {"divisor": 1}).id for _ in range(4)]
    time.sleep(max(0.0, (due - datetime.now(UTC)).total_seconds() + 0.2))
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW_WORKER],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "RENKEI_DATABASE_URL": url},
    )
    try:
        first = process.stdout.readline()
        assert first.startswith("firing "), first
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert "SIGTERM received, stopping after the current item" in err
    assert out.count("firing ") == 0  # no other case was begun after the signal
    with engine.unit_of_work() as session:
        rows = {case.id: (case.status, case.timer_retry_at) for case in session.scalars(select(Case))}
    in_hand = int(first.split()[1])
    assert rows[in_hand] == ("completed", None)  # finished, not cut off
    assert {rows[i] for i in ids if i != in_hand} == {("running", None)}  # untouched, no claim left behind
    engine.database.dispose()


def test_without_a_mail_server_the_mail_loop_goes_on_and_the_mail_waits_in_the_outbox(tmp_path):
    url = f"sqlite:///{tmp_path / 'mail.sqlite3'}"
    engine = demo_engine(url)
    give_everyone_mail(engine)
    Flow(engine).start()
    notifications, mailer = (
        Notifications(engine, NotificationSettings()),
        Mailer(engine, SmtpSettings(host="")),
    )
    said: list[str] = []
    loop = WorkerLoop(
        lambda stopping: mail_pass(notifications, mailer, stopping=stopping),
        0.05,
        name="mail",
        report=said.append,
    )
    thread = threading.Thread(target=loop.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while loop.passes < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        Flow(engine, "mirai").start()  # more mail while the loop runs
        passes = loop.passes
        while loop.passes < passes + 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert thread.is_alive()
    finally:
        loop.stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive() and loop.failures == {}
    waiting = "メールは送信待ちのままです（2 通。メールサーバー RENKEI_SMTP_HOST が設定されていません）"
    assert waiting in said[-1]
    with engine.unit_of_work() as session:
        assert [(r.status, r.attempts) for r in session.scalars(select(MailOutbox))] == [("pending", 0)] * 2
    engine.database.dispose()
