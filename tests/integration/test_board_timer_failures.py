"""A timer that fails to fire shows on the board, like an incident in a process cockpit: marked on its row,
found by one filter across every process, with its error on the case page (engine.cases.timers records it)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.board.filters import parse_query
from engine.board.service import Board
from engine.cases.timers import TimerWorker
from engine.persistence.models import Case
from tests.integration.lifecycle_steps import frozen_engine
from tests.integration.test_comprehensive_flow import concluded_on
from tests.integration.timer_process import timer_bundle


@pytest.fixture
def timed(database_url):
    with frozen_engine(database_url, "2025-05-01T09:00:00+09:00", timer_bundle()) as (engine, clock):
        yield engine, clock


def start(engine, divisor: int) -> int:
    """A case of the test process whose timer divides by ``divisor`` when it fires (0 fails)."""
    return engine.start_case(engine.actor("seisaku"), "timed", engine.actor("shonan").organisation_id, "city",
                             {"divisor": divisor}).id


def board(engine, **filters):
    query, errors = parse_query({k: str(v) for k, v in filters.items()})
    assert errors == {}
    return Board(engine).board(engine.actor("kanri"), query).rows


def test_a_failed_timer_is_marked_on_its_row_and_the_filter_finds_only_it(timed):
    engine, clock = timed
    broken, healthy = start(engine, 0), start(engine, 2)
    clock.move_to("2025-05-01T10:00:01+09:00")
    TimerWorker(engine).run()

    [failing] = board(engine, timer_failed=1)
    assert failing.id == broken
    assert failing.timer_problem.attempts == 1 and "division by zero" in failing.timer_problem.error
    assert failing.timer_problem.retry_at is not None
    everything = {row.id: row for row in board(engine, process="timed", status="running")}
    assert set(everything) == {broken}  # the healthy case fired and finished
    assert Board(engine).case_detail(engine.actor("kanri"), broken).row.timer_problem == failing.timer_problem


def test_the_filter_looks_across_processes_while_the_board_itself_lists_proposals(engine, clock):
    flow = concluded_on(engine, "2025-06-15", clock)  # signing started the agreement's lifecycle case
    with engine.unit_of_work() as session:
        lifecycle = session.scalar(select(Case).where(Case.process_id == "agreement_lifecycle"))
        lifecycle.timer_attempts, lifecycle.timer_error = 3, "WorkflowFailure: 期日の計算に失敗しました"
        lifecycle_id = lifecycle.id

    assert lifecycle_id not in {row.id for row in board(engine)}  # the board lists proposals
    assert [row.id for row in board(engine, timer_failed=1)] == [lifecycle_id]
    assert board(engine, timer_failed=1, process="comprehensive_agreement") == []
    assert flow.status().status == "completed"
