"""The guideline's flow ①–⑦ and its fallback, run through the engine on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest

from engine.access import SYSTEM
from tests.integration.flow import FOUR_PROJECTS_THREE_CATEGORIES, Flow, project


def concluded_on(engine, signed_on: str, clock=None) -> Flow:
    """Proposed on the clock's day, signed on ``signed_on``; with a test clock the signing is taken on that day
    (a signing after today is refused, engine.domain.plausible_dates)."""
    flow = Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES).record_partnership()
    flow.assign_departments(FOUR_PROJECTS_THREE_CATEGORIES).consult_feasibility()
    for key in ("P1", "P2", "P3", "P4"):
        flow.decide(key)
    flow.judge()
    if clock is not None:
        clock.move_to(f"{signed_on}T10:00:00+09:00")
    return flow.agree_and_sign(signed_on)


@pytest.mark.parametrize(("signed_on", "valid_until", "deadline"), [
    ("2025-06-15", date(2027, 3, 31), date(2027, 2, 28)),
    ("2026-04-01", date(2028, 3, 31), date(2028, 2, 29)),
])
def test_a_company_proposal_with_4_projects_in_3_categories_ends_in_a_signed_agreement(
        engine, clock, signed_on, valid_until, deadline):
    status = concluded_on(engine, signed_on, clock).status()
    assert (status.status, status.outcome) == ("completed", "concluded")
    [agreement] = status.agreements
    assert agreement.kind == "comprehensive"
    assert agreement.signed_on == date.fromisoformat(signed_on)
    assert (agreement.valid_until, agreement.notice_deadline) == (valid_until, deadline)
    assert [p.key for p in status.projects if p.counted] == ["P1", "P2", "P3", "P4"]
    assert status.open_tasks == []


def test_every_step_is_in_the_history_with_who_did_it(engine, clock):
    status = concluded_on(engine, "2025-06-15", clock).status()
    completed = [(h.step, h.lane, h.actor) for h in status.history if h.action == "task_completed"]
    assert completed[0] == ("① 連携事業の提案", "企業等", "湘南 花子（湘南サンプル株式会社）")
    assert ("⑤ 個別協議・事業実施の判断", "担当課", "環境政策課 職員") in completed
    assert completed[-1][0] == "⑦ 包括連携協定の締結"
    assert [h.action for h in status.history][0] == "case_started"


def test_projects_in_only_two_categories_fall_back_to_individual_agreements(engine):
    two_categories = [project("見守り", "1", department="kodomo"), project("子育て講座", "1", department="kodomo"),
                      project("海岸清掃", "5", department="kankyo")]
    flow = Flow(engine).start().propose(two_categories).record_partnership()
    flow.assign_departments(two_categories).consult_feasibility()
    for key in ("P1", "P2", "P3"):
        flow.decide(key)
    flow.judge(necessity="not_conclude", necessity_reason="分類数が要件を満たさないため")
    open_steps = sorted((t.bpmn_id, t.project_key, t.department_name) for t in flow.status().open_tasks)
    assert open_steps == [("negotiate_terms", "P1", "こども育成相談課"), ("negotiate_terms", "P2", "こども育成相談課"),
                          ("negotiate_terms", "P3", "環境政策課")]
    terms = {"individual_kind": "specific_project", "roles": "市: 周知、企業: 運営", "costs": "各自負担",
             "budget_required": "no"}
    for key in ("P1", "P2", "P3"):
        flow.complete("negotiate_terms", terms, project_key=key)
        flow.complete("confirm_terms", {"individual_response": "confirm"}, project_key=key)
    flow.complete("decide_individual", {"individual_decision": "conclude", "individual_signed_on": flow.today(),
                                        "individual_decision_reason": "合意"}, project_key="P3")
    assert [a.project_key for a in flow.status().agreements] == ["P3"]  # recorded as soon as it is concluded
    for key in ("P1", "P2"):
        flow.complete("decide_individual", {"individual_decision": "drop", "individual_decision_reason": "見送り"},
                      project_key=key)
    status = flow.status()
    assert (status.status, status.outcome) == ("completed", "individual_only")
    assert [(a.kind, a.project_key) for a in status.agreements] == [("specific_project", "P3")]


def test_the_two_category_proposal_cannot_be_judged_as_conclude_without_an_exception(engine):
    two_categories = [project("見守り", "1", department="kodomo"), project("海岸清掃", "5", department="kankyo"),
                      project("子育て講座", "1", department="kodomo")]
    flow = Flow(engine).start().propose(two_categories).record_partnership()
    flow.assign_departments(two_categories).consult_feasibility()
    for key in ("P1", "P2", "P3"):
        flow.decide(key)
    from engine.errors import FormDataError

    with pytest.raises(FormDataError) as error:
        flow.judge(necessity="conclude")
    assert set(error.value.errors) == {"necessity"}
    flow.judge(necessity="conclude", principle_exception=True, principle_exception_reason="重点分野の事業であるため")
    assert flow.task("draft_agreement")


def test_every_project_rejected_at_step_5_ends_without_any_agreement(engine):
    flow = Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES).record_partnership()
    flow.assign_departments(FOUR_PROJECTS_THREE_CATEGORIES).consult_feasibility()
    for key in ("P1", "P2", "P3", "P4"):
        flow.decide(key, implement=False)
    flow.judge(necessity="not_conclude", necessity_reason="実施する事業がないため")
    status = flow.status()
    assert (status.status, status.outcome, status.agreements) == ("completed", "no_partnership", [])
    assert {p.implementation for p in status.projects} == {"not_implement"}


def test_a_city_initiated_proposal_is_confirmed_by_the_organisation(engine):
    flow = Flow(engine).start(initiated_by="city")
    assert flow.task("enter_proposal").lane == "総合政策課"
    rows = [{k: v for k, v in p.items() if k != "department"} for p in FOUR_PROJECTS_THREE_CATEGORIES]
    flow.complete("enter_proposal", {"proposal_title": "市からの連携提案", "proposal_summary": "概要", "projects": rows})
    confirm = flow.task("confirm_proposal")
    assert (confirm.lane, confirm.organisation_name) == ("企業等", "湘南サンプル株式会社")
    flow.complete("confirm_proposal", {"proposal_response": "confirm"})
    assert flow.task("record_partnership")
    assert flow.status().initiated_by == "city"


def test_a_project_excluded_under_r36_is_not_counted(engine):
    flow = Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES).record_partnership()
    flow.assign_departments(FOUR_PROJECTS_THREE_CATEGORIES).consult_feasibility()
    # 専ら営業・広告宣伝 (R-3.6 ①): the only category-① project; 実施する is refused for it (test_plausible_records)
    flow.decide("P1", implement=False, exclusions=("1",))
    for key in ("P2", "P3", "P4"):
        flow.decide(key)
    status = flow.status()
    assert [p.key for p in status.projects if p.counted] == ["P2", "P3", "P4"]
    assert next(p for p in status.projects if p.key == "P1").exclusions == ["1"]
    detail = engine.get_task(engine.actor("seisaku"), flow.task("judge_necessity").id)
    assert (detail.data["project_count"], detail.data["category_count"], detail.data["eligible"]) == (3, 2, False)


def test_the_case_keeps_the_version_it_started_on(engine):
    flow = Flow(engine).start()
    status = engine.case_status(SYSTEM, flow.case_id)
    assert (status.process_id, status.process_version) == ("comprehensive_agreement", 1)
