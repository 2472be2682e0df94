"""公開：包括連携協定一覧 and its open data (透明性): without signing in, and with nothing from the deliberation.

The case is driven with a marker in every internal field a clerk or partner can type, then the page, the CSV
and the JSON are searched for each marker.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pytest

from engine.agreements.public_register import PUBLIC_FIELDS
from engine.agreements.service import AgreementRegister
from engine.domain.japan_time import today_in_japan
from engine.domain.validity import initial_period
from engine.domain.wareki import format_wareki
from tests.integration.flow import NOT_APPLIES, Flow, project

PROJECTS = [
    project("子ども見守りアプリ", "1", department="kodomo"),
    project("商店街のキャッシュレス化", "2", department="shiminkatsudo"),
    project("海岸清掃ボランティア", "5", department="kankyo"),
    project("除外された健康食品の販売事業", "3", department="kenko"),  # excluded under ①
]
# Signed today on the real clock (a signing is not dated before its case began, nor after today).
TODAY = today_in_japan(datetime.now(UTC))
UNTIL = initial_period(TODAY).valid_until
INTERNAL = {
    "proposal_summary": "【内部】提案の概要メモ",
    "record_notes": "【内部】過去の経緯メモ",
    "needs_survey": "【内部】庁内照会の結果",
    "feasibility_note": "【内部】実施可能性の協議メモ",
    "consultation_summary": "【内部】詳細協議の記録",
    "decision_reason": "【内部】実施判断の理由",
    "necessity_reason": "【内部】協定の必要性の判断理由",
    "agreement_terms": "【内部】協定書の条文案",
    "signing_notes": "【内部】締結式の段取り",
    "project_summary": "子ども見守りアプリの概要",
    "excluded_project": "除外された健康食品の販売事業",
    "partner_person": "湘南 花子",
    "city_person": "政策 一郎",
}


def concluded_with_internal_data(engine) -> Flow:
    """Proposed, judged and signed today."""
    flow = Flow(engine).start()
    flow.complete("propose", {"proposal_title": "地域課題の解決に向けた連携",
                              "proposal_summary": INTERNAL["proposal_summary"],
                              "projects": [{k: v for k, v in p.items() if k != "department"} for p in PROJECTS]})
    flow.complete("record_partnership", {"past_records": [], "record_notes": INTERNAL["record_notes"]})
    rows = [{**p, "id": f"P{i}"} for i, p in enumerate(PROJECTS, start=1)]
    flow.complete("assign_departments", {"needs_survey": INTERNAL["needs_survey"], "projects": rows})
    feasibility = [{"id": f"P{i}", "feasible": "yes", "note": INTERNAL["feasibility_note"]} for i in range(1, 5)]
    flow.complete("consult_feasibility", {"consultation_date": TODAY.isoformat(), "feasibility": feasibility})
    for key in ("P1", "P2", "P3", "P4"):
        decision = {"consultation_date": TODAY.isoformat(), "consultation_summary": INTERNAL["consultation_summary"],
                    "exclusions": ["1"] if key == "P4" else [],
                    "implementation": "not_implement" if key == "P4" else "implement",
                    "reason": INTERNAL["decision_reason"]}
        flow.complete("decide_implementation", {"project_decision": decision}, project_key=key)
    flow.complete("judge_necessity", {"r31_willingness": "yes", "r32_city_issues": "yes", **NOT_APPLIES,
                                      "necessity": "conclude", "necessity_reason": INTERNAL["necessity_reason"]})
    flow.complete("draft_agreement", {"agreement_title": "地域づくりに関する包括連携協定",
                                      "agreement_terms": INTERNAL["agreement_terms"],
                                      "planned_signing_date": TODAY.isoformat()})
    flow.complete("confirm_agreement", {"agreement_response": "confirm"})
    flow.complete("sign_agreement", {"signed_on": TODAY.isoformat(), "signing_notes": INTERNAL["signing_notes"]})
    return flow


@pytest.fixture
def published(engine):
    concluded_with_internal_data(engine)
    Flow(engine, "mirai").start().propose(PROJECTS[:3])  # still in deliberation: not public at all
    return engine


@pytest.mark.parametrize("path", ["/public/agreements", "/public/agreements.csv", "/public/agreements.json"])
def test_nothing_from_the_deliberation_reaches_the_public(client, published, path):
    response = client.get(path)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    if path.endswith(".json"):
        text = json.dumps(response.get_json(), ensure_ascii=False)
    leaked = {name: marker for name, marker in INTERNAL.items() if marker in text}
    assert leaked == {}
    assert "茅ヶ崎みらい大学" not in text  # a proposal under deliberation is not an agreement


def test_the_page_shows_partner_signing_date_validity_categories_and_projects_without_sign_in(client, published):
    page = client.get("/public/agreements").get_data(as_text=True)
    assert "<h1 class=\"heading-1\">公開：包括連携協定一覧</h1>" in page
    for expected in ("湘南サンプル株式会社", "地域づくりに関する包括連携協定", format_wareki(TODAY), TODAY.isoformat(),
                     f"{format_wareki(TODAY)}～{format_wareki(UNTIL)}", "② 地域活性化・シティプロモーション・ＤＸ",
                     "海岸清掃ボランティア", "環境政策課", "締結中の協定（1件）", "終了・解除した協定（0件）"):
        assert expected in page, expected


def test_the_csv_is_utf8_with_a_bom_and_the_documented_columns(client, published):
    response = client.get("/public/agreements.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    [header, row] = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert header == [label for _, label, _ in PUBLIC_FIELDS]
    record = dict(zip(header, row, strict=True))
    assert record["協定の相手方"] == "湘南サンプル株式会社"
    assert (record["締結日"], record["有効期間の終期"], record["状態"]) == (TODAY.isoformat(), UNTIL.isoformat(), "有効")
    assert record["連携事業"] == "子ども見守りアプリ（こども育成相談課）；商店街のキャッシュレス化（市民自治推進課）；海岸清掃ボランティア（環境政策課）"


def test_the_json_lists_its_columns_and_each_agreement_with_exactly_those_keys(client, published):
    document = client.get("/public/agreements.json").get_json()
    assert [c["key"] for c in document["columns"]] == [key for key, _, _ in PUBLIC_FIELDS]
    [agreement] = document["agreements"]
    assert list(agreement) == [key for key, _, _ in PUBLIC_FIELDS]
    assert agreement["valid_until"] == UNTIL.isoformat() and agreement["status"] == "有効"
    assert agreement["projects"][0] == {"title": "子ども見守りアプリ", "category": "① 子ども・若者・子育て支援・障がい者支援・高齢者支援",
                                        "department": "こども育成相談課", "fiscal_year": 2025}


def test_a_terminated_agreement_is_listed_apart_with_its_ground_but_not_the_internal_reasoning(client, published):
    register = AgreementRegister(published)
    [agreement] = register.search(published.actor("seisaku"))
    register.report_requirements_not_met(published.actor("seisaku"), agreement.id, ["r35_5"],
                                         "【内部】市税の滞納が判明したため")  # as 総合政策課 reports it
    page = client.get("/public/agreements").get_data(as_text=True)
    assert "締結中の協定（0件）" in page and "終了・解除した協定（1件）" in page
    assert "協定の解除：協定の要件を満たさなくなったため（ガイドライン第7条、R-9.2）" in page
    document = client.get("/public/agreements.json").get_json()
    assert document["agreements"][0]["status"] == "解除" and document["agreements"][0]["ended_on"]
    for text in (page, json.dumps(document, ensure_ascii=False), client.get("/public/agreements.csv").get_data(as_text=True)):
        assert "【内部】" not in text and "滞納" not in text
