"""What the 企業等 sees (issue #12 item 8): its own input and what the city writes for it, never the city's
internal judgements — the R-3.5 checks at ⑥ (暴力団, 公租公課の滞納 …), ⑤'s R-3.6 exclusions, the city's reasons —
on the case page, the task page and its sidebar, the JSON API and the exports; city staff still see them all."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.accounts.api_tokens import ApiTokens
from engine.persistence.models import HumanTask
from tests.integration.flow import FOUR_PROJECTS_THREE_CATEGORIES, Flow

NECESSITY_REASON = "反社会的勢力の照会結果を踏まえて判断した"  # ⑥ 判断理由 (the city's)
IMPLEMENTATION_REASON = "庁内の予算見込みが立ったため"  # ⑤ 判断理由 (the 担当課's)
SURVEY = "庁内照会の結果、各課にニーズあり"  # ③ ニーズ調査 (the city's)
INTERNAL = [
    NECESSITY_REASON, IMPLEMENTATION_REASON, SURVEY,
    "暴力団員が役員",  # the ③ check's label, shown only with its answer
    "公租公課を滞納",  # ⑤
    "専ら企業等の直接的な営業",  # the ① exclusion ticked at ⑤ for P4
    "に該当（数えない）",  # the case page's tag for an excluded project
    "ガイドライン２⑹ 1 に該当",  # the task sidebar's ⑤ line for an excluded project
    "3件・3分類",  # counts: beside four projects judged 実施する they would tell one was excluded
]
SHARED = ["包括連携協定（案）", "第1条 目的 市と企業等は相互に協力する"]  # the ⑦ draft the 企業等 confirms


@pytest.fixture
def at_confirmation(engine) -> Flow:
    return drafted_after_internal_judgements(engine)


def drafted_after_internal_judgements(engine, organisation_user: str = "shonan") -> Flow:
    """⑦: the city drafted the 協定書 after judging R-3.5 at ⑥ and ticking an R-3.6 item for P4 at ⑤."""
    flow = Flow(engine, organisation_user).start().propose(FOUR_PROJECTS_THREE_CATEGORIES).record_partnership()
    flow.assign_departments(FOUR_PROJECTS_THREE_CATEGORIES).consult_feasibility()
    for key in ("P1", "P2", "P3"):
        flow.complete("decide_implementation", {"project_decision": {
            "consultation_date": flow.today(), "consultation_summary": "詳細協議を実施", "exclusions": [],
            "implementation": "implement", "reason": IMPLEMENTATION_REASON}}, project_key=key)
    flow.decide("P4", implement=False, exclusions=("1",))
    flow.judge(necessity_reason=NECESSITY_REASON)
    flow.complete("draft_agreement", {"agreement_title": SHARED[0], "agreement_terms": SHARED[1],
                                      "planned_signing_date": flow.today()})
    return flow


def _page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def test_the_partners_case_page_shows_no_internal_judgement_while_the_city_sees_them(as_user, at_confirmation):
    case_id = at_confirmation.case_id
    partner = _page(as_user("shonan"), f"/cases/{case_id}")
    assert [text for text in INTERNAL if text in partner] == []
    assert "湘南サンプル株式会社" in partner and "子ども見守りアプリ" in partner  # its own proposal is still there
    city = _page(as_user("seisaku"), f"/cases/{case_id}")
    assert [text for text in INTERNAL if text not in city] == ["ガイドライン２⑹ 1 に該当"]  # (the sidebar's words)
    board = _page(as_user("shonan"), "/board/")
    assert "3件・3分類" not in board and "3件・3分類" in _page(as_user("seisaku"), "/board/")


def test_the_partners_confirmation_task_shows_the_draft_and_nothing_internal(as_user, at_confirmation):
    task = at_confirmation.task("confirm_agreement")
    page = _page(as_user("shonan"), f"/tasks/{task.id}")
    assert [text for text in SHARED if text not in page] == []  # marked visibility: shared in agreement_draft.form
    assert [text for text in INTERNAL if text in page] == []  # the form, its context script and the sidebar


def test_city_staff_read_the_sidebar_with_the_exclusion(as_user, at_confirmation):
    task = at_confirmation.task("confirm_agreement")
    page = _page(as_user("seisaku"), f"/tasks/{task.id}")
    assert "ガイドライン２⑹ 1 に該当" in page


def test_the_partners_api_json_has_no_internal_judgement(client, engine, at_confirmation):
    partner = {"Authorization": f"Bearer {ApiTokens(engine).create('shonan', 'テスト').token}"}
    case = client.get(f"/api/cases/{at_confirmation.case_id}", headers=partner)
    text = case.get_data(as_text=True)
    assert case.status_code == 200 and [t for t in INTERNAL if t in text] == []
    assert (case.get_json()["case"]["project_count"], case.get_json()["case"]["category_count"]) == (None, None)
    assert {(p["key"], tuple(p["exclusions"]), p["counted"]) for p in case.get_json()["case"]["projects"]} == {
        ("P1", (), None), ("P2", (), None), ("P3", (), None), ("P4", (), None)}
    task = at_confirmation.task("confirm_agreement")
    detail = client.get(f"/api/tasks/{task.id}", headers=partner).get_json()
    assert detail["data"] == {"agreement_title": SHARED[0], "agreement_terms": SHARED[1]}
    city = {"Authorization": f"Bearer {ApiTokens(engine).create('seisaku', 'テスト').token}"}
    projects = client.get(f"/api/cases/{at_confirmation.case_id}", headers=city).get_json()["case"]["projects"]
    assert [(p["key"], p["exclusions"], p["counted"]) for p in projects][-1] == ("P4", ["1"], False)


def test_the_partners_export_has_no_internal_judgement(as_user, at_confirmation):
    client = as_user("shonan")
    for path in ("/board/export.csv", "/board/export.xlsx", "/agreements/export.csv"):
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.get_data().decode("utf-8", errors="replace") if path.endswith(".csv") else ""
        assert [text for text in INTERNAL if text in body] == [], path
    rows = client.get("/board/export.csv").get_data().decode("utf-8-sig").splitlines()
    heading, row = rows[0].split(","), rows[1].split(",")
    assert row[heading.index("連携事業数")] == "" and row[heading.index("分類数")] == ""


def test_a_completed_city_step_opened_by_its_partner_is_not_found(as_user, at_confirmation):
    """The ⑥ task itself (R-3.5 answers) is the city's lane: a 企業等 cannot open it at all."""
    with at_confirmation.engine.unit_of_work() as session:
        judged = session.scalar(select(HumanTask.id).where(HumanTask.bpmn_id == "judge_necessity"))
    assert as_user("shonan").get(f"/tasks/{judged}").status_code == 404
    assert "要件⑸③ 暴力団員が役員" in _page(as_user("seisaku"), f"/tasks/{judged}")
