"""Two timer workers on one PostgreSQL database: no double firing.

They run as two `renkei timers run --loop` would.

Each worker is a real operating-system process with its own connection pool. Both start at the same instant
on the same due cases; each firing holds its row lock a little longer than usual, so the workers contend.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from engine.bootstrap import bootstrap
from engine.demo import seed_people
from engine.persistence.models import AuditEvent, Case
from tests.conftest import ROOT, _reset_postgres
from tests.integration.timer_process import timer_bundle

CASES = 40
WORKER = """
import sys, time
from freezegun import freeze_time
from engine.bootstrap import bootstrap
from engine.cases import service as cases

fire = cases.fire_case_timers

def slowly(*args, **kwargs):
    fire(*args, **kwargs)
    time.sleep(0.02)  # keep the row locked a moment, as a slow workflow would

cases.fire_case_timers = slowly
engine = bootstrap(sys.argv[1])
time.sleep(max(0.0, float(sys.argv[2]) - time.time()))  # both start together
# the moment the timers are due, for the engine and SpiffWorkflow alike
with freeze_time(sys.argv[3], tick=True):
    print(engine.fire_due_timers())
"""


@pytest.mark.postgres
def test_two_worker_processes_never_fire_the_same_timer_twice(postgres_url):
    _reset_postgres(postgres_url)
    engine = bootstrap(postgres_url)
    engine.upgrade_schema()
    due = datetime.now(UTC) + timedelta(days=1)
    engine.deploy(timer_bundle(f'"{due.isoformat()}"'))
    seed_people(engine)
    seisaku, organisation = engine.actor("seisaku"), engine.actor("shonan").organisation_id
    ids = [engine.start_case(seisaku, "timed", organisation, "city", {"divisor": 1}).id for _ in range(CASES)]

    start_at, fire_at = str(time.time() + 3), (due + timedelta(seconds=1)).isoformat()
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, postgres_url, start_at, fire_at],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [worker.communicate(timeout=120) for worker in workers]
    assert [w.returncode for w in workers] == [0, 0], [err for _, err in outputs]
    fired = [int(out.strip().splitlines()[-1]) for out, _ in outputs]

    assert sum(fired) == CASES
    assert min(fired) > 0, f"the workers did not overlap: {fired}"
    with engine.unit_of_work() as session:
        firings = dict(
            session.execute(
                select(AuditEvent.case_id, func.count())
                .where(AuditEvent.action == "timer_fired")
                .group_by(AuditEvent.case_id)
            ).all()
        )
        statuses = set(session.scalars(select(Case.status).where(Case.id.in_(ids))))
    assert firings == {case_id: 1 for case_id in ids}
    assert statuses == {"completed"}
    engine.database.dispose()
