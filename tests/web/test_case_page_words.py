"""The case page (案件詳細) opens for every kind of case and speaks Japanese, never the diagram's ids.

Regressions found by the crawl (tests/web/test_crawl.py): an agreement's lifecycle case answered 500 (its
called process is a second pool of agreement_lifecycle.bpmn, not a file of its own), the unnamed gateway
``proposal_ready`` headed a step panel, and a registration from the public page showed
``organisation_registered`` in the history.
"""

from __future__ import annotations

from engine.access import SYSTEM
from engine.accounts import AccountService, RegistrationInput
from engine.agreements import AgreementRegister
from engine.board.diagram import element_names
from tests.integration.flow import FOUR_PROJECTS_THREE_CATEGORIES, Flow
from tests.web.crawler import raw_identifiers, read_page


def signed_agreement(engine) -> int:
    flow = Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES).record_partnership()
    flow.assign_departments(FOUR_PROJECTS_THREE_CATEGORIES).consult_feasibility()
    for key in ("P1", "P2", "P3", "P4"):
        flow.decide(key)
    flow.judge().agree_and_sign()
    [agreement] = flow.status().agreements
    return agreement.id


def visible_identifiers(html: str) -> list[str]:
    return list(raw_identifiers(read_page(html)))


def test_an_agreements_lifecycle_case_shows_the_period_drawn_in_the_lifecycle_file(engine, as_user):
    agreement_id = signed_agreement(engine)
    case_id = AgreementRegister(engine).detail(SYSTEM, agreement_id).lifecycle_case_id
    for username in ("seisaku", "shonan"):
        response = as_user(username).get(f"/cases/{case_id}")
        assert response.status_code == 200, username
        page = response.get_data(as_text=True)
        assert "包括連携協定の有効期間・更新・解除" in page
        assert 'data-element-panel="give_notice"' in page  # the called process's step, on the same diagram
        assert page.count("data-case-diagram") == 1  # both pools are one drawing, not the file twice
        assert visible_identifiers(page) == []


def test_a_proposal_page_names_its_merge_gateway_in_japanese(engine, as_user):
    flow = Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES)
    page = as_user("seisaku").get(f"/cases/{flow.case_id}").get_data(as_text=True)
    assert "提案内容の確定" in page
    assert visible_identifiers(page) == []


def test_an_unnamed_element_is_called_by_its_kind_not_by_its_id():
    xml = ('<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"><bpmn:process id="p">'
           '<bpmn:exclusiveGateway id="merge_here"/><bpmn:userTask id="ask" name="確認"/></bpmn:process>'
           '</bpmn:definitions>')
    assert element_names(xml) == {"merge_here": "分岐", "ask": "確認"}


def test_a_registration_from_the_public_page_reads_as_such_in_the_case_history(engine, as_user):
    registered = AccountService(engine).register(RegistrationInput(
        organisation_name="株式会社なぎさ技研（架空）", display_name="渚 一郎", email="nagisa@example.co.jp",
        username="nagisa", password="hamakaze-2025", password_confirmation="hamakaze-2025"), "203.0.113.5")
    page = as_user("seisaku").get(f"/cases/{registered.case_id}").get_data(as_text=True)
    assert "企業等の新規登録（公開ページ）" in page
    assert visible_identifiers(page) == []


def test_an_agreements_period_case_shows_no_project_count_of_its_own_while_its_proposal_shows_the_counted_ones(
        engine, as_user):
    agreement_id = signed_agreement(engine)
    detail = AgreementRegister(engine).detail(SYSTEM, agreement_id)
    client = as_user("seisaku")
    period = client.get(f"/cases/{detail.lifecycle_case_id}").get_data(as_text=True)
    assert "連携事業数・分類数" not in period  # it held "0件・0分類" while the agreement counted four
    proposal = client.get(f"/cases/{detail.row.case_id}").get_data(as_text=True)
    assert "連携事業数・分類数" in proposal and "4件・3分類" in proposal
