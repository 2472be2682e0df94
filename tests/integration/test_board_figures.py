"""集計 (issue #4 item 5): cases per fiscal year, time per step, projects per category and department."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.board.service import Board
from engine.errors import NotAllowedError
from tests.integration.board_cases import at_step_2, at_step_5, concluded, fallen_back, withdrawn


def test_cases_started_concluded_fallen_back_and_withdrawn_per_fiscal_year(engine, clock):
    at_step_2(engine)
    concluded(engine)
    fallen_back(engine)
    withdrawn(engine)
    clock.now = clock.now.replace(year=2026, month=5)  # 令和8年度
    at_step_5(engine)
    figures = Board(engine).figures(engine.actor("kanri"))
    by_year = {(y.fiscal_year): (y.started, y.concluded, y.fell_back, y.withdrawn) for y in figures.years}
    assert by_year == {2025: (4, 1, 1, 1), 2026: (1, 0, 0, 0)}
    assert figures.fiscal_years == [2026, 2025]


def test_a_case_started_before_april_counts_in_the_previous_fiscal_year(engine, clock):
    clock.now = clock.now.replace(month=3, day=31, hour=14)  # 2025-03-31 23:00 in Japan: 令和6年度
    at_step_2(engine)
    [year] = Board(engine).figures(engine.actor("kanri")).years
    assert (year.fiscal_year, year.started) == (2024, 1)


def test_median_and_longest_time_per_step_from_known_timings(engine, clock):
    for days in (1, 3, 8):  # ① takes 1, 3 and 8 days in three cases
        flow = at_step_2(engine)  # propose runs at once: ① took 0 days in each
        clock.now += timedelta(days=days)
        flow.record_partnership()
    steps = {s.bpmn_id: s for s in Board(engine).figures(engine.actor("kanri")).steps}
    record = steps["record_partnership"]
    assert record.step == "② 連携事業の実績を整理"
    assert record.completed == 3
    assert record.median_seconds == pytest.approx(timedelta(days=3).total_seconds(), abs=1)
    assert record.longest_seconds == pytest.approx(timedelta(days=8).total_seconds(), abs=1)


def test_the_median_of_an_even_number_of_steps_is_the_mean_of_the_middle_two(engine, clock):
    for days in (2, 4, 6, 100):
        flow = at_step_2(engine)
        clock.now += timedelta(days=days)
        flow.record_partnership()
    record = next(s for s in Board(engine).figures(engine.actor("kanri")).steps if s.bpmn_id == "record_partnership")
    assert record.median_seconds == pytest.approx(timedelta(days=5).total_seconds(), abs=1)


def test_projects_per_category_and_per_department(engine):
    concluded(engine)  # 4 projects: ① ② ⑤ ⑤, all implemented
    at_step_5(engine)  # 3 projects: ① ① ⑤, P1 implemented so far
    figures = Board(engine).figures(engine.actor("kanri"))
    categories = {row.key: (row.proposed, row.counted) for row in figures.categories}
    assert categories == {"1": (3, 2), "2": (1, 1), "3": (0, 0), "4": (0, 0), "5": (3, 2), "6": (0, 0), "7": (0, 0)}
    departments = {row.label: (row.proposed, row.counted) for row in figures.departments}
    assert departments == {"こども育成相談課": (3, 2), "市民自治推進課": (1, 1), "環境政策課": (3, 2)}


def test_the_figures_can_be_limited_to_one_proposal_year(engine, clock):
    concluded(engine)
    clock.now = clock.now.replace(year=2026, month=5)
    at_step_5(engine)
    figures = Board(engine).figures(engine.actor("kanri"), fiscal_year=2026)
    assert sum(row.proposed for row in figures.categories) == 3
    assert {s.bpmn_id for s in figures.steps} >= {"propose", "decide_implementation"}
    assert "sign_agreement" not in {s.bpmn_id for s in figures.steps}


@pytest.mark.parametrize("username", ["shonan", "kankyo"])
def test_figures_are_for_managers_and_the_coordinator_only(engine, username):
    with pytest.raises(NotAllowedError):
        Board(engine).figures(engine.actor(username))
    assert Board(engine).figures(engine.actor("seisaku")).years == []
