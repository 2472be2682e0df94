"""No contradictory record and no implausible date is accepted (issue #12 items 2 and 4), on SQLite and PostgreSQL.

A ⑤ decision that ticks an R-3.6 exclusion cannot say 実施する (engine.domain.projects.decision_errors); free text
has a length limit; every date field is measured by engine.domain.plausible_dates against today in Japan, the
case's start and the agreement's signing. Each refusal names the field and changes nothing.
The engine's clock starts at 2025-05-01 (Japan), the day each case here starts.
"""

from __future__ import annotations

import pytest

from engine.errors import FormDataError
from tests.integration import lifecycle_steps
from tests.integration.flow import FOUR_PROJECTS_THREE_CATEGORIES, Flow, project

lifecycle = lifecycle_steps.lifecycle  # the fixture: a fresh database on a frozen clock

CONFIRMATION = "更新の確認（継続の意向）"
MEETING = "個別定例会議（R-8.1）"


def at_step_5(engine) -> Flow:
    flow = Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES).record_partnership()
    return flow.assign_departments(FOUR_PROJECTS_THREE_CATEGORIES).consult_feasibility()


def at_signing(engine) -> Flow:
    flow = at_step_5(engine)
    for key in ("P1", "P2", "P3", "P4"):
        flow.decide(key)
    flow.judge()
    flow.complete("draft_agreement", {"agreement_title": "包括連携協定", "agreement_terms": "協定書の内容",
                                      "planned_signing_date": "2025-06-15"})
    return flow.complete("confirm_agreement", {"agreement_response": "confirm"})


def refused(flow: Flow, bpmn_id: str, data: dict, project_key: str | None = None) -> dict[str, str]:
    """The field errors of a refused completion, after checking that the step is still open (nothing saved)."""
    before = flow.status().history
    with pytest.raises(FormDataError) as error:
        flow.complete(bpmn_id, data, project_key=project_key)
    assert flow.task(bpmn_id, project_key) and flow.status().history == before
    return error.value.errors


def decision(**changes) -> dict:
    return {"project_decision": {"consultation_date": "2025-05-01", "consultation_summary": "詳細協議を実施",
                                 "exclusions": [], "implementation": "implement", "reason": "効果が見込まれるため",
                                 **changes}}


def test_a_project_under_an_r36_exclusion_cannot_be_judged_implemented_at_step_5(engine):
    flow = at_step_5(engine)
    errors = refused(flow, "decide_implementation", decision(exclusions=["1"]), "P1")
    assert errors == {"project_decision.implementation": "ガイドライン２⑹に該当する事業は連携事業に当たらないため、"
                      "「実施する」は選べません（R-3.6）。該当の選択を見直すか、「実施しない」を選んでください"}
    p1 = next(p for p in flow.status().projects if p.key == "P1")
    assert (p1.implementation, p1.exclusions, p1.counted) == (None, [], False)

    flow.complete("decide_implementation", decision(exclusions=["1"], implementation="not_implement"),
                  project_key="P1")
    p1 = next(p for p in flow.status().projects if p.key == "P1")
    assert (p1.implementation, p1.exclusions, p1.counted) == ("not_implement", ["1"], False)


def test_a_ten_thousand_character_reason_is_refused_with_the_limit(engine):
    flow = at_step_5(engine)
    errors = refused(flow, "decide_implementation", decision(reason="理" * 10_000), "P1")
    assert errors == {"project_decision.reason": "2000文字以内で入力してください"}


@pytest.mark.parametrize(("day", "message"), [
    ("1900-01-01", "協議日は案件の開始日（令和7年5月1日）以降の日付を入力してください"),
    ("2099-01-01", "協議日は今日（令和7年5月1日）以前の日付を入力してください"),
])
def test_a_consultation_date_before_the_case_or_after_today_is_refused(engine, day, message):
    projects = [{**p, "id": f"P{i}"} for i, p in enumerate(FOUR_PROJECTS_THREE_CATEGORIES, start=1)]
    flow = Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES).record_partnership()
    flow.assign_departments(projects)
    rows = [{"id": p["id"], "feasible": "yes", "note": "協議済み"} for p in projects]
    assert refused(flow, "consult_feasibility", {"consultation_date": day, "feasibility": rows}) == {
        "consultation_date": message}


def test_a_signing_after_today_is_refused_and_no_agreement_exists_before_its_signing_day(engine, clock):
    flow = at_signing(engine)
    errors = refused(flow, "sign_agreement", {"signed_on": "2025-06-15", "signing_notes": "予定"})
    assert errors == {"signed_on": "締結日は今日（令和7年5月1日）以前の日付を入力してください"}
    assert flow.status().agreements == []
    clock.move_to("2025-06-15T10:00:00+09:00")
    flow.complete("sign_agreement", {"signed_on": "2025-06-15", "signing_notes": "市長室にて締結"})
    [agreement] = flow.status().agreements
    assert agreement.signed_on.isoformat() == "2025-06-15"


def test_a_signing_before_the_case_began_is_refused(engine):
    flow = at_signing(engine)
    errors = refused(flow, "sign_agreement", {"signed_on": "2025-04-30", "signing_notes": "市長室にて締結"})
    assert errors == {"signed_on": "締結日は案件の開始日（令和7年5月1日）以降の日付を入力してください"}


def test_a_planned_signing_date_in_the_past_is_refused(engine):
    flow = at_step_5(engine)
    for key in ("P1", "P2", "P3", "P4"):
        flow.decide(key)
    flow.judge()
    errors = refused(flow, "draft_agreement", {"agreement_title": "包括連携協定", "agreement_terms": "内容",
                                               "planned_signing_date": "2025-04-30"})
    assert errors == {"planned_signing_date": "締結予定日は今日（令和7年5月1日）以降の日付を入力してください"}


def test_an_individual_agreement_signed_before_its_case_is_refused_and_not_listed(engine, clock):
    two_categories = [project("見守り", "1", department="kodomo"), project("子育て講座", "1", department="kodomo"),
                      project("海岸清掃", "5", department="kankyo")]
    flow = Flow(engine).start().propose(two_categories).record_partnership()
    flow.assign_departments(two_categories).consult_feasibility()
    for key in ("P1", "P2", "P3"):
        flow.decide(key)
    flow.judge(necessity="not_conclude", necessity_reason="分類数が要件を満たさないため")
    flow.complete("negotiate_terms", {"individual_kind": "specific_project", "roles": "市: 周知、企業: 運営",
                                      "costs": "各自負担", "budget_required": "no"}, project_key="P3")
    flow.complete("confirm_terms", {"individual_response": "confirm"}, project_key="P3")
    data = {"individual_decision": "conclude", "individual_decision_reason": "合意"}
    errors = refused(flow, "decide_individual", {**data, "individual_signed_on": "2020-01-01"}, "P3")
    assert errors == {"individual_signed_on": "締結日は案件の開始日（令和7年5月1日）以降の日付を入力してください"}
    assert flow.status().agreements == []
    clock.move_to("2025-10-01T10:00:00+09:00")
    flow.complete("decide_individual", {**data, "individual_signed_on": "2025-10-01"}, project_key="P3")
    assert [a.signed_on.isoformat() for a in flow.status().agreements] == ["2025-10-01"]


def test_a_notice_dated_before_the_signing_is_refused_not_counted_in_time(lifecycle):
    lc = lifecycle.sign("2025-06-15")
    lc.at("2027-01-31T09:00:01")
    with pytest.raises(FormDataError) as error:
        lc.complete(CONFIRMATION, {"continuation": "organisation_notice", "notice_given_on": "2025-06-14",
                                   "continuation_note": "書面で受領"})
    assert error.value.errors == {
        "notice_given_on": "申出日は協定の締結日（令和7年6月15日）以降の日付を入力してください"}
    assert lc.detail().notices == [] and CONFIRMATION in [s for s, _ in lc.open_steps()]


def test_a_meeting_held_before_the_signing_is_refused(lifecycle):
    lc = lifecycle.sign("2025-06-15")
    lc.at("2026-05-01T09:00:01")
    rows = lc.task_data(MEETING, "環境政策課")["meeting_results"]
    with pytest.raises(FormDataError) as error:
        lc.complete(MEETING, {"meeting_held_on": "2025-06-01", "new_proposals": [], "meeting_notes": "振り返り",
                              "meeting_results": [{**r, "implemented": "no", "outcome": "未実施"} for r in rows]},
                    department="環境政策課")
    assert error.value.errors == {
        "meeting_held_on": "会議の開催日は協定の締結日（令和7年6月15日）以降の日付を入力してください"}
    assert lc.detail().meetings == []
