"""The board (issue #4): where every proposal sits, who it waits for and since when, from indexed columns."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.board.filters import ANY_PROCESS, BoardQuery, parse_query
from engine.board.service import Board
from engine.errors import CaseNotFoundError
from engine.persistence.models import Case, UserAccount
from tests.integration.board_cases import at_step_2, at_step_5, concluded, fallen_back, withdrawn
from tests.integration.flow import FOUR_PROJECTS_THREE_CATEGORIES, Flow, project


def board_for(engine, username: str, **filters):
    query, errors = parse_query({k: str(v) for k, v in filters.items()})
    assert errors == {}
    return Board(engine).board(engine.actor(username), query)


def numbers(page) -> set[str]:
    return {row.number for row in page.rows}


def test_a_case_in_step_5_shows_how_many_parallel_decisions_are_done_and_whom_it_waits_for(engine):
    flow = at_step_5(engine)
    [row] = board_for(engine, "kanri").rows
    assert (row.id, row.column, row.column_label) == (flow.case_id, "5", "⑤ 個別協議・実施判断")
    assert (row.parallel_done, row.parallel_total) == (1, 3)  # ⑤ 3件中1件完了
    assert row.active_steps == ["⑤ 個別協議・事業実施の判断"]
    assert sorted((w.lane, w.party, w.tasks) for w in row.waiting) == [
        ("担当課", "こども育成相談課", 1), ("担当課", "環境政策課", 1)]
    # as ⑥ will count them: only P1 has been judged 実施する so far (3 proposed, 2 categories)
    assert (row.project_count, row.category_count, row.fiscal_year) == (1, 1, 2025)


def test_a_claimed_task_names_the_person_the_case_waits_for(engine):
    flow = at_step_2(engine)
    engine.claim(engine.actor("seisaku"), flow.task("record_partnership").id)
    [row] = board_for(engine, "kanri").rows
    assert [(w.lane, w.party, w.person) for w in row.waiting] == [("総合政策課", "総合政策課", "総合政策課 政策 一郎")]


def test_the_columns_follow_the_steps_fallback_and_end_states(engine):
    cases = {"2": at_step_2(engine), "5": at_step_5(engine), "individual": fallen_back(engine),
             "concluded": concluded(engine), "withdrawn": withdrawn(engine)}
    page = board_for(engine, "kanri", view="kanban")
    counts = {column.key: column.count for column in page.columns}
    assert counts == {"1": 0, "2": 1, "3": 0, "4": 0, "5": 1, "6": 0, "7": 0, "individual": 1, "concluded": 1,
                      "individual_only": 0, "no_partnership": 0, "withdrawn": 1}
    cards = {column.key: [row.id for row in column.rows] for column in page.columns}
    assert all(cards[key] == [flow.case_id] for key, flow in cases.items())


def test_the_department_filter_narrows_the_board_to_cases_involving_that_department(engine):
    kodomo_case, mirai_case = at_step_5(engine), at_step_2(engine)
    assert numbers(board_for(engine, "kanri")) == {kodomo_case.status().number, mirai_case.status().number}
    assert [r.id for r in board_for(engine, "kanri", department="kodomo").rows] == [kodomo_case.case_id]
    assert [r.id for r in board_for(engine, "kanri", department="kikaku").rows] == [mirai_case.case_id]
    assert board_for(engine, "kanri", department="bosai").rows == []


def test_filters_by_lane_organisation_status_step_and_fiscal_year(engine):
    in_step_5, in_step_2, done = at_step_5(engine), at_step_2(engine), concluded(engine)
    assert [r.id for r in board_for(engine, "kanri", lane="総合政策課").rows] == [in_step_2.case_id]
    organisation = engine.actor("umibe").organisation_id
    assert [r.id for r in board_for(engine, "kanri", organisation=organisation).rows] == [done.case_id]
    assert [r.id for r in board_for(engine, "kanri", status="completed").rows] == [done.case_id]
    assert [r.id for r in board_for(engine, "kanri", step="5").rows] == [in_step_5.case_id]
    assert len(board_for(engine, "kanri", fiscal_year=2025).rows) == 3
    assert board_for(engine, "kanri", fiscal_year=2024).rows == []


def test_overdue_lists_only_cases_waiting_longer_than_two_weeks(engine, clock):
    old = at_step_2(engine)
    clock.now += timedelta(days=10)
    recent = at_step_5(engine)
    clock.now += timedelta(days=5)  # the first has waited 15 days, the second 5
    page = board_for(engine, "kanri", overdue="1")
    assert [r.id for r in page.rows] == [old.case_id]
    assert page.rows[0].overdue
    assert recent.case_id not in [r.id for r in page.rows]


def test_sorting_by_waiting_since_and_by_number(engine, clock):
    first = at_step_2(engine)
    clock.now += timedelta(days=1)
    second = at_step_5(engine)
    assert [r.id for r in board_for(engine, "kanri", sort="waiting_since").rows] == [first.case_id, second.case_id]
    assert [r.id for r in board_for(engine, "kanri", sort="-number").rows] == [second.case_id, first.case_id]
    assert [r.id for r in board_for(engine, "kanri", sort="step").rows] == [first.case_id, second.case_id]


def test_an_organisation_sees_only_its_own_cases_on_the_board(engine):
    own, other = at_step_5(engine, "shonan"), at_step_2(engine, "mirai")
    page = board_for(engine, "shonan")
    assert [r.id for r in page.rows] == [own.case_id]
    assert [o.label for o in page.options.organisations] == ["湘南サンプル株式会社"]
    assert page.options.departments == []
    assert other.case_id not in [r.id for r in board_for(engine, "shonan", view="kanban").columns[1].rows]


def test_a_department_sees_the_cases_with_its_projects(engine):
    with_kankyo, without = at_step_5(engine), at_step_2(engine)
    assert [r.id for r in board_for(engine, "kankyo").rows] == [with_kankyo.case_id]
    assert board_for(engine, "bosai").rows == []
    assert without.case_id in [r.id for r in board_for(engine, "seisaku").rows]


def test_every_person_s_board_lists_exactly_the_cases_their_case_page_opens(engine):
    """The board's SQL rule (engine.access.readable_cases) and the case page's (may_read_case) agree for
    every demo account: through projects, tasks (open or done), ①'s attendance, an organisation's own cases,
    an agreement's lifecycle case, and for those who read everything."""
    at_step_5(engine), fallen_back(engine), concluded(engine), withdrawn(engine)
    # at ④: a project's 担当課 reads the case before it has a task of its own
    toshi = [project("駅前の緑化", "4", department="toshi")]
    at_step_4 = Flow(engine).start().propose(toshi).record_partnership().assign_departments(toshi)
    attended = Flow(engine).start("city")
    rows = [{k: v for k, v in p.items() if k != "department"} for p in FOUR_PROJECTS_THREE_CATEGORIES]
    attended.complete("enter_proposal", {"proposal_title": "市からの提案", "proposal_summary": "概要",
                                         "attending_departments": ["bosai"], "projects": rows})
    with engine.unit_of_work() as session:
        usernames = session.scalars(select(UserAccount.username).where(UserAccount.active)).all()
        case_ids = session.scalars(select(Case.id).order_by(Case.id)).all()

    def opens(actor, case_id: int) -> bool:
        try:
            return engine.case_status(actor, case_id).id == case_id
        except CaseNotFoundError:
            return False

    seen = {}
    for username in usernames:
        actor = engine.actor(username)
        listed = sorted(row.id for row in Board(engine).rows(actor, BoardQuery(process=ANY_PROCESS)))
        seen[username] = listed
        assert listed == [case_id for case_id in case_ids if opens(actor, case_id)], username
    assert seen["bosai"] == [attended.case_id]  # only through ①'s attendance
    assert seen["toshi"] == [at_step_4.case_id]  # only through its project
    assert 0 < len(seen["kankyo"]) < len(seen["kanri"]) == len(case_ids)


def test_paging_reports_the_total(engine):
    for _ in range(3):
        at_step_2(engine)
    page = Board(engine).board(engine.actor("kanri"), BoardQuery(per_page=2, page=2))
    assert (page.total, page.pages, len(page.rows)) == (3, 2, 1)


@pytest.mark.parametrize(("params", "field"), [
    ({"step": "8"}, "step"), ({"lane": "市民"}, "lane"), ({"fiscal_year": "令和7"}, "fiscal_year"),
    ({"status": "done"}, "status"), ({"sort": "title"}, "sort"), ({"page": "0"}, "page"),
])
def test_a_bad_filter_names_its_field(params, field):
    query, errors = parse_query(params)
    assert list(errors) == [field]
    assert query == BoardQuery()


def test_an_agreements_lifecycle_case_is_shown_only_when_its_process_is_chosen(engine):
    proposal = concluded(engine)  # signing starts the agreement's lifecycle case
    assert [r.id for r in board_for(engine, "kanri").rows] == [proposal.case_id]
    lifecycle = board_for(engine, "kanri", process="agreement_lifecycle", view="kanban")
    other = next(column for column in lifecycle.columns if column.key == "other")
    assert (other.label, other.count) == ("その他の手続き", 1)
    assert "agreement_lifecycle" in {o.value for o in lifecycle.options.processes}
