"""Two and three timer workers on one database, all polling the same failing timers (issue #14 item 5).

Each worker is its own engine (its own connection pool) running the worker loop of
``renkei timers run --loop`` in a thread. Every attempt at a failing timer must be counted once — one
``timer_failed`` audit row and one more ``timer_attempts`` — however many workers see it due at once, and no
worker may leave its loop.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from engine.bootstrap import bootstrap
from engine.cases.timers import TimerWorker, retry_delay
from engine.cli import WorkerLoop
from engine.demo import seed_people
from engine.persistence.models import AuditEvent, Case
from tests.conftest import _reset_postgres
from tests.integration.timer_process import timer_bundle

FAILING, HEALTHY, ATTEMPTS = 12, 6, 3


class SharedClock:
    """The engines' clock: the real time plus an offset the test moves past each retry."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset


def failures(engine, ids: list[int]) -> tuple[dict[int, int], dict[int, int]]:
    """Per case: its timer_attempts, and how many timer_failed rows the audit trail holds."""
    with engine.unit_of_work() as session:
        attempts = dict(session.execute(select(Case.id, Case.timer_attempts).where(Case.id.in_(ids))).all())
        audited = dict(session.execute(
            select(AuditEvent.case_id, func.count()).where(AuditEvent.action == "timer_failed",
                                                           AuditEvent.case_id.in_(ids))
            .group_by(AuditEvent.case_id)).all())
    return attempts, {case_id: audited.get(case_id, 0) for case_id in ids}


@pytest.mark.parametrize("workers", [2, 3])
def test_workers_sharing_failing_timers_count_each_attempt_once_and_keep_running(workers, database_url):
    if database_url.startswith("postgresql"):
        _reset_postgres(database_url)
    clock = SharedClock()
    setup = bootstrap(database_url, clock)
    setup.upgrade_schema()
    # far enough ahead that starting the cases (slower on a busy machine) ends before the timer is due: a case
    # started after it would run its failing script at once and the start itself would fail
    due = datetime.now(UTC) + timedelta(seconds=6)
    setup.deploy(timer_bundle(f'"{due.isoformat()}"'))
    seed_people(setup)
    seisaku, organisation = setup.actor("seisaku"), setup.actor("shonan").organisation_id
    def start(divisor: int) -> int:
        return setup.start_case(seisaku, "timed", organisation, "city", {"divisor": divisor}).id

    failing = [start(0) for _ in range(FAILING)]
    healthy = [start(1) for _ in range(HEALTHY)]
    time.sleep(max(0.0, (due - datetime.now(UTC)).total_seconds() + 0.2))  # SpiffWorkflow reads the real time

    engines = [bootstrap(database_url, clock) for _ in range(workers)]
    stop = threading.Event()
    loops = [WorkerLoop(TimerWorker(engine).run, interval=0.01, stop=stop, name=f"timers-{i}")
             for i, engine in enumerate(engines)]
    threads = [threading.Thread(target=loop.run, daemon=True) for loop in loops]
    for thread in threads:
        thread.start()
    try:
        for attempt in range(1, ATTEMPTS + 1):
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                attempts, audited = failures(setup, failing)
                if set(attempts.values()) == {attempt}:
                    break
                time.sleep(0.05)
            time.sleep(0.3)  # let every worker have another look at the same attempt
            attempts, audited = failures(setup, failing)
            assert attempts == {case_id: attempt for case_id in failing}
            assert audited == {case_id: attempt for case_id in failing}
            assert all(thread.is_alive() for thread in threads)
            clock.offset += retry_delay(attempt) + timedelta(seconds=1)  # the next attempt falls due
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    with setup.unit_of_work() as session:
        statuses = set(session.scalars(select(Case.status).where(Case.id.in_(healthy))))
        fired = session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "timer_fired", AuditEvent.case_id.in_(healthy)))
    assert (statuses, fired) == ({"completed"}, HEALTHY)
    assert sum(loop.passes for loop in loops) > 3 * workers  # each worker polled throughout
    for engine in (setup, *engines):
        engine.database.dispose()
