"""⑦ 協定書の内容を協議し、協定を締結 (R-5.7) with the 協定書 generated from the template (issue #16).

Each negotiation round keeps its 協定書（案）; the signed agreement's document names the parties, the R-4
fields of cooperation (never the projects, R-1), the 和暦 dates of R-6; a 個別協定 states roles and costs (R-2).
"""

from __future__ import annotations

import pytest

from engine.errors import NotFoundError
from tests.integration.flow import FOUR_PROJECTS_THREE_CATEGORIES, Flow, project
from tests.integration.papers_steps import docx_text, papers

DRAFT = {"agreement_title": "茅ヶ崎市と湘南サンプル株式会社との包括連携に関する協定",
         "agreement_terms": "甲と乙は、地域の課題の解決に向けて連携する。", "planned_signing_date": "2025-06-15",
         "representative_title": "代表取締役", "representative_name": "湘南 一郎"}


def judged(engine) -> Flow:
    flow = Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES).record_partnership()
    flow.assign_departments(FOUR_PROJECTS_THREE_CATEGORIES).consult_feasibility()
    for key in ("P1", "P2", "P3", "P4"):
        flow.decide(key)
    return flow.judge()


def test_each_round_of_negotiation_keeps_the_draft_that_was_proposed(engine):
    flow = judged(engine)
    flow.complete("draft_agreement", DRAFT)
    flow.complete("confirm_agreement", {"agreement_response": "revise",
                                        "agreement_response_comment": "第１条の表現を修正してください"})
    flow.complete("draft_agreement", {**DRAFT, "agreement_terms": "甲と乙は、市民サービスの向上に向けて協働する。"})
    seisaku = engine.actor("seisaku")
    rounds = papers(engine).rounds(seisaku, flow.case_id)
    assert [r.round for r in rounds] == [1, 2]
    first = docx_text(papers(engine).round_document(seisaku, flow.case_id, rounds[0].id).content)
    second = docx_text(papers(engine).round_document(engine.actor("shonan"), flow.case_id, rounds[1].id).content)
    assert "協定書（案）　第1回協議" in first and "地域の課題の解決に向けて連携する" in first
    assert "協定書（案）　第2回協議" in second and "市民サービスの向上に向けて協働する" in second
    # the planned signing date already gives the clause its R-6 dates
    assert "令和7年6月15日から令和9年3月31日まで" in first


def test_the_signed_agreement_names_the_parties_the_fields_of_cooperation_and_its_validity(engine):
    flow = judged(engine)
    flow.complete("draft_agreement", DRAFT)
    flow.complete("confirm_agreement", {"agreement_response": "confirm"})
    engine.clock.move_to("2025-06-15T10:00:00+09:00")  # signed on the day (a later signing is refused)
    flow.complete("sign_agreement", {"signed_on": "2025-06-15"})
    [agreement] = flow.status().agreements
    text = docx_text(papers(engine).agreement_document(engine.actor("kankyo"), agreement.id).content)
    assert "協定書（案）" not in text
    assert "茅ヶ崎市（以下「甲」という。）と湘南サンプル株式会社（以下「乙」という。）" in text
    assert "茅ヶ崎市長　茅ヶ崎 太郎" in text and "代表取締役　湘南 一郎" in text
    assert "令和7年6月15日\n甲　茅ヶ崎市" in text  # the signing date in 和暦 above the 記名押印 blocks
    assert ("有効期間は、令和7年6月15日から令和9年3月31日までとする。ただし、期間満了日の１か月前"
            "（令和9年2月28日）までに") in text
    assert "令和9年4月1日から令和10年3月31日まで" in text  # the first renewal year
    # the fields of cooperation, never the projects themselves
    for category in ("① 子ども・若者", "② 地域活性化", "⑤ 環境・自然"):
        assert category in text
    for listed in FOUR_PROJECTS_THREE_CATEGORIES:
        assert listed["title"] not in text


def test_a_company_reads_its_own_agreement_document_and_not_another_companys(engine):
    flow = judged(engine)
    flow.complete("draft_agreement", DRAFT)
    flow.complete("confirm_agreement", {"agreement_response": "confirm"})
    engine.clock.move_to("2025-06-15T10:00:00+09:00")  # signed on the day (a later signing is refused)
    flow.complete("sign_agreement", {"signed_on": "2025-06-15"})
    [agreement] = flow.status().agreements
    assert papers(engine).agreement_document(engine.actor("shonan"), agreement.id).content
    with pytest.raises(NotFoundError):
        papers(engine).agreement_document(engine.actor("mirai"), agreement.id)
    with pytest.raises(NotFoundError):
        papers(engine).rounds(engine.actor("mirai"), flow.case_id)


def test_an_individual_agreement_states_the_split_of_roles_and_costs(engine):
    two_categories = [project("見守り", "1", department="kodomo"), project("海岸清掃", "5", department="kankyo")]
    flow = Flow(engine).start().propose(two_categories).record_partnership()
    flow.assign_departments(two_categories).consult_feasibility()
    for key in ("P1", "P2"):
        flow.decide(key)
    flow.judge(necessity="not_conclude", necessity_reason="分類数が要件を満たさないため")
    terms = {"individual_kind": "specific_project", "roles": "市は周知を、乙は清掃用具の提供と運営を担う。",
             "costs": "清掃用具の費用は乙が負担する。", "budget_required": "no"}
    flow.complete("negotiate_terms", terms, project_key="P2")
    flow.complete("confirm_terms", {"individual_response": "confirm"}, project_key="P2")
    engine.clock.move_to("2025-10-01T10:00:00+09:00")  # the 個別協定 is signed on the day it is decided
    flow.complete("decide_individual", {"individual_decision": "conclude", "individual_signed_on": "2025-10-01",
                                        "individual_decision_reason": "合意"}, project_key="P2")
    [agreement] = flow.status().agreements
    text = docx_text(papers(engine).agreement_document(engine.actor("kankyo"), agreement.id).content)
    assert "個別協定（特定事業）として" in text
    assert "海岸清掃（担当：茅ヶ崎市環境政策課）" in text
    assert "市は周知を、乙は清掃用具の提供と運営を担う。" in text and "清掃用具の費用は乙が負担する。" in text
    assert "令和7年10月1日" in text
