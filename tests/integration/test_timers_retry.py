"""A timer whose firing fails is recorded with its error and retried later with back-off; the others fire."""

from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from engine.cases.timers import TimerWorker, retry_delay
from engine.cli import cli
from engine.persistence.models import AuditEvent, Case
from engine.service import CaseEngine
from tests.integration.lifecycle_steps import frozen_engine
from tests.integration.timer_process import timer_bundle


@pytest.fixture
def timed(database_url):
    with frozen_engine(database_url, "2025-05-01T09:00:00+09:00", timer_bundle()) as (engine, clock):
        yield engine, clock


def start(engine: CaseEngine, divisor: int) -> int:
    seisaku = engine.actor("seisaku")
    return engine.start_case(
        seisaku, "timed", engine.actor("shonan").organisation_id, "city", {"divisor": divisor}
    ).id


def case_row(engine: CaseEngine, case_id: int) -> Case:
    with engine.unit_of_work() as session:
        return session.get(Case, case_id)


def audit_count(engine: CaseEngine, case_id: int, action: str) -> int:
    with engine.unit_of_work() as session:
        return session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.case_id == case_id, AuditEvent.action == action)
        )


def test_the_retry_waits_longer_after_each_failure_up_to_a_day():
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert retry_delay(30) == timedelta(days=1)


def test_a_failing_timer_is_recorded_and_retried_without_stopping_the_others(timed):
    engine, clock = timed
    broken, healthy, other = start(engine, 0), start(engine, 1), start(engine, 4)
    due_at = case_row(engine, broken).next_timer_at
    assert engine.fire_due_timers() == 0  # not due yet
    clock.move_to("2025-05-01T10:00:01+09:00")
    run = TimerWorker(engine).run()
    assert (run.fired, run.failed) == (2, [broken])
    for case_id in (healthy, other):
        assert (case_row(engine, case_id).status, case_row(engine, case_id).outcome) == (
            "completed",
            "concluded",
        )
    failed = case_row(engine, broken)
    assert (failed.status, failed.timer_attempts, failed.next_timer_at) == ("running", 1, due_at)
    assert "division by zero" in failed.timer_error
    assert failed.timer_retry_at == engine.clock() + timedelta(minutes=1)
    assert (audit_count(engine, broken, "timer_failed"), audit_count(engine, broken, "timer_fired")) == (1, 0)

    assert TimerWorker(engine).run().failed == []  # backing off: not tried again yet
    clock.tick(timedelta(seconds=61))
    assert TimerWorker(engine).run().failed == [broken]
    failed = case_row(engine, broken)
    assert failed.timer_attempts == 2
    assert failed.timer_retry_at == engine.clock() + timedelta(minutes=2)


def test_renkei_timers_run_fires_what_is_due_once_and_exits(timed, database_url, monkeypatch):
    engine, clock = timed
    case_id = start(engine, 5)
    clock.move_to("2025-05-01T10:00:01+09:00")
    monkeypatch.setenv("RENKEI_DATABASE_URL", database_url)
    result = CliRunner().invoke(cli, ["timers", "run"])
    assert result.exit_code == 0, result.output
    assert "1 件のタイマーを実行しました" in result.output
    assert case_row(engine, case_id).status == "completed"
