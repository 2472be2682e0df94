"""The migration page (issue #13 item 5): nothing is ticked, and each case says why it can or cannot move."""

from __future__ import annotations

import re

from tests.integration.flow import FOUR_PROJECTS_THREE_CATEGORIES, Flow
from tests.integration.test_migration_renamed_task import deploy_renamed
from tests.web.conftest import csrf_token

PAGE = "/processes/comprehensive_agreement/migration"


def row_of(page: str, number: str) -> str:
    [row] = [r for r in re.findall(r"<tr>.*?</tr>", page, re.S) if number in r]
    return re.sub(r"\s+", " ", row)


def test_a_case_past_a_renamed_step_is_offered_unticked_with_why_it_can_move_and_what_it_will_wait_on(
    as_user, engine
):
    case = Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES)
    deploy_renamed(engine)
    page = as_user("process").get(PAGE).get_data(as_text=True)
    row = row_of(page, case.status().number)
    assert f'name="case_id" value="{case.case_id}"' in row and "checked" not in row
    assert "移行できます" in row
    assert "完了済みの「① 連携事業の提案（propose）」は名称が「① 連携事業のご提案」に変わるだけなので" in row
    assert "移行後に待つタスク: 「② 過去の連携実績の整理」（総合政策課）" in row


def test_a_case_that_cannot_move_names_the_changed_step_and_one_that_can_says_nothing_it_did_changed(
    as_user, engine
):
    waiting = Flow(engine).start()
    past = Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES)
    deploy_renamed(
        engine,
        {"② 連携事業の実績を整理": "② 過去の連携実績の整理"},
        extra=(
            'camunda:formRef="proposal" camunda:formRefBinding="latest">\n'
            "      <bpmn:documentation>R-5.1 ①: 企業等",
            # another of the 企業等's forms: one whose fields the 企業等 may read (engine.forms.visibility)
            'camunda:formRef="agreement_confirmation" camunda:formRefBinding="latest">\n'
            "      <bpmn:documentation>R-5.1 ①: 企業等",
        ),
    )
    page = as_user("process").get(PAGE).get_data(as_text=True)
    blocked = row_of(page, past.status().number)
    assert "移行できません" in blocked and 'name="case_id"' not in blocked
    assert "「① 連携事業の提案（propose）」は完了済みですが、新しいバージョンで変更されています" in blocked
    movable = row_of(page, waiting.status().number)
    assert "checked" not in movable
    assert "完了・実行中のタスクに、新しいバージョンでの変更はありません。" in movable
    assert "移行後に待つタスク: 「① 連携事業の提案」（湘南" in movable


def test_trying_the_move_with_nothing_ticked_asks_to_choose_cases(as_user, engine):
    Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES)
    deploy_renamed(engine)
    client = as_user("process")
    response = client.post(f"{PAGE}/dry-run", data={"csrf_token": csrf_token(client, PAGE)},
                           follow_redirects=True)
    assert "移行を試す案件を選んでください。" in response.get_data(as_text=True)


def test_moving_with_nothing_ticked_asks_to_choose_cases_and_moves_none(as_user, engine):
    flow = Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES)
    deploy_renamed(engine)
    client = as_user("process")
    response = client.post(PAGE, data={"csrf_token": csrf_token(client, PAGE)}, follow_redirects=True)
    assert response.status_code == 200
    assert "移行する案件を選んでください。" in response.get_data(as_text=True)
    assert flow.status().process_version == 1
