"""案件詳細 (issue #4 items 2–3): the case's own diagram with its progress, and the history in order."""

from __future__ import annotations

import pytest

from engine.board.service import Board
from engine.errors import CaseNotFoundError
from tests.integration.board_cases import FALLBACK_TERMS, at_step_2, at_step_5, fallen_back, withdrawn
from tests.integration.flow import FOUR_PROJECTS_THREE_CATEGORIES, Flow


def detail(engine, flow, username: str = "kanri"):
    return Board(engine).case_detail(engine.actor(username), flow.case_id)


def test_a_case_in_step_5_shows_2_and_3_completed_and_5_current_with_one_of_three_done(engine):
    case = detail(engine, at_step_5(engine))
    [main] = case.diagrams  # the 個別協定 process was never entered: its diagram is not shown
    elements = main.elements
    assert (main.process_id, main.called) == ("comprehensive_agreement", False)
    assert elements["record_partnership"].completed == 1 and elements["record_partnership"].active == 0
    assert elements["assign_departments"].completed == 1
    step_5 = elements["decide_implementation"]
    assert (step_5.completed, step_5.active, step_5.instances_done, step_5.instances_total) == (1, 2, 1, 3)
    assert elements["judge_necessity"].completed == 0 and elements["judge_necessity"].active == 0
    assert 'id="decide_implementation"' in main.xml  # the diagram of the version the case runs on


def test_each_step_links_to_who_did_it_when_and_with_what_data(engine):
    case = detail(engine, at_step_5(engine))
    [index] = case.diagrams[0].elements["record_partnership"].history
    entry = case.history[index]
    assert (entry.action_label, entry.step, entry.person, entry.party) == (
        "完了", "② 連携事業の実績を整理", "総合政策課 政策 一郎", "総合政策課")
    assert [(f.label, f.value) for f in entry.data] == [  # ② also records who attended ① (R-5.1 同席)
        ("①の提案に同席した課", "（なし）"), ("実績の整理（所見）", "過去の連携実績なし")]
    decision = case.history[case.diagrams[0].elements["decide_implementation"].history[0]]
    [group] = decision.data
    readable = {f.label: f.value for f in group.fields}
    assert readable["事業実施の判断"] == "実施する"  # the option's label, not "implement"
    assert decision.project == "見守り"
    assignment = case.history[case.diagrams[0].elements["assign_departments"].history[0]]
    rows = next(f for f in assignment.data if f.rows).rows
    assert [next(f.value for f in row if f.label == "担当課") for row in rows] == [
        "こども育成相談課", "こども育成相談課", "環境政策課"]


def test_the_history_is_in_order_with_claims_and_people(engine):
    flow = at_step_2(engine)
    engine.claim(engine.actor("seisaku"), flow.task("record_partnership").id)
    flow.record_partnership()
    history = detail(engine, flow).history
    assert [(h.action_label, h.step) for h in history] == [
        ("案件を開始", None), ("完了", "① 連携事業の提案"), ("担当する", "② 連携事業の実績を整理"),
        ("完了", "② 連携事業の実績を整理")]
    assert (history[1].person, history[1].party) == ("未来 太郎（茅ヶ崎みらい大学（架空））", "茅ヶ崎みらい大学（架空）")


def test_a_repeated_step_counts_every_pass_and_is_current_again(engine):
    flow = Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES).record_partnership()
    flow.assign_departments(FOUR_PROJECTS_THREE_CATEGORIES).consult_feasibility()
    for key in ("P1", "P2", "P3", "P4"):
        flow.decide(key)
    flow.judge()
    flow.complete("draft_agreement", {"agreement_title": "包括連携協定", "agreement_terms": "案1",
                                      "planned_signing_date": "2025-06-15"})  # the clock's today is 2025-05-01
    flow.complete("confirm_agreement", {"agreement_response": "revise", "agreement_response_comment": "第3条を修正"})
    elements = detail(engine, flow).diagrams[0].elements
    assert (elements["draft_agreement"].completed, elements["draft_agreement"].active) == (1, 1)
    assert elements["confirm_agreement"].completed == 1
    assert elements["agreement_confirmed"].completed == 1
    assert len(elements["draft_agreement"].history) == 1


def test_a_fallen_back_case_also_shows_the_individual_agreement_diagram(engine):
    flow = fallen_back(engine)
    flow.complete("negotiate_terms", FALLBACK_TERMS, project_key="P1")
    case = detail(engine, flow)
    main, individual = case.diagrams
    assert (individual.process_id, individual.called) == ("individual_agreement", True)
    calls = main.elements["individual_agreements"]
    assert (calls.instances_done, calls.instances_total, calls.active) == (0, 3, 3)
    assert (individual.elements["negotiate_terms"].completed, individual.elements["negotiate_terms"].active) == (1, 2)
    assert individual.elements["confirm_terms"].active == 1
    assert case.row.column == "individual"


def test_a_withdrawn_case_has_the_reason_in_its_history(engine):
    case = detail(engine, withdrawn(engine))
    assert (case.row.column, case.row.status) == ("withdrawn", "cancelled")
    assert case.history[-1].action_label == "取り下げ"
    assert case.history[-1].note == "理由：企業等から辞退の申し出があったため"


def test_an_organisation_cannot_open_another_organisations_case(engine):
    other = at_step_2(engine, "mirai")
    with pytest.raises(CaseNotFoundError):
        detail(engine, other, "shonan")
    assert detail(engine, other, "mirai").row.id == other.case_id
