"""Issue #6 in real Chromium: the form and decision table editors save back what Renkei accepts, and a
process owner moves a running case to the version where ④ is consulted by each 担当課."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from engine.library.drafts import DraftService
from tests.browser.conftest import screenshot, sign_in
from tests.integration.flow import FOUR_PROJECTS_THREE_CATEGORIES, Flow
from tests.integration.redrawn import PROCESS, redrawn_files


def test_the_form_and_decision_table_editors_save_files_that_pass_validation(page, live_server):
    draft = DraftService(live_server.engine).create(
        live_server.engine.actor("process"), PROCESS, "様式と判定表の確認"
    )
    sign_in(page, live_server, "process")
    page.goto(f"{live_server.url}/processes/drafts/{draft}/form?file={PROCESS}/forms/proposal.form")
    expect(page.locator("#form-editor .fjs-editor-container")).to_contain_text("連携事業")
    page.get_by_role("button", name="下書きを保存").click()
    expect(page.locator("#validation-result")).to_contain_text("問題は見つかりませんでした")
    screenshot(page, "process-form-editor")

    page.goto(f"{live_server.url}/processes/drafts/{draft}/decision?file={PROCESS}/eligibility.dmn")
    expect(page.locator("#decision-editor .tjs-table")).to_be_visible()
    page.get_by_role("button", name="下書きを保存").click()
    expect(page.locator("#validation-result")).to_contain_text("問題は見つかりませんでした")
    screenshot(page, "process-decision-editor")


def test_a_running_case_is_tried_moved_and_undone_from_the_migration_page(page, live_server):
    engine = live_server.engine
    running = (
        Flow(engine)
        .start()
        .propose(FOUR_PROJECTS_THREE_CATEGORIES)
        .record_partnership()
        .assign_departments(FOUR_PROJECTS_THREE_CATEGORIES)
    )
    owner, drafts = engine.actor("process"), DraftService(engine)
    draft = drafts.create(owner, PROCESS, "④を担当課ごとの協議に")
    for path, text in redrawn_files().items():
        drafts.save_file(owner, draft, path, text)
    drafts.deploy(owner, draft, "④を担当課ごとの協議に", override_reason="シナリオは次の版で更新する")

    sign_in(page, live_server, "process")
    page.goto(f"{live_server.url}/processes/{PROCESS}/migration")
    row = page.locator("tr", has_text=running.status().number)
    expect(row).to_contain_text("移行できます")
    expect(row).to_contain_text("移行後に待つタスク: 「④ 連携事業の実施可否に関する協議」（こども育成相談課")
    expect(row.get_by_role("checkbox")).not_to_be_checked()  # nothing moves unless chosen
    screenshot(page, "process-migration")
    row.get_by_role("checkbox").check()
    page.get_by_role("button", name="選んだ案件で移行を試す（ドライラン）").click()
    expect(page.get_by_role("heading", name="移行の試行結果（ドライラン）")).to_be_visible()
    expect(page.locator("main")).to_contain_text("こども育成相談課")
    screenshot(page, "process-migration-dry-run")
    page.get_by_role("button", name="1件の案件を移行する").click()
    expect(page.get_by_role("status").first).to_contain_text("1 件の案件をバージョン 2 に移行しました")
    assert running.status().process_version == 2
    page.get_by_role("button", name=re.compile("^元に戻す")).click()
    expect(page.get_by_role("status").first).to_contain_text("移行を元に戻しました")
    expect(page.locator("main")).to_contain_text("元に戻しました")
    assert running.status().process_version == 1


def test_moving_a_step_into_the_department_lane_from_the_panel_is_caught_on_saving(page, live_server):
    draft = DraftService(live_server.engine).create(
        live_server.engine.actor("process"), PROCESS, "②を担当課へ"
    )
    sign_in(page, live_server, "process")
    page.goto(f"{live_server.url}/processes/drafts/{draft}/modeler?file={PROCESS}/{PROCESS}.bpmn")
    expect(page.locator("#element-picker option")).not_to_have_count(1)
    page.get_by_label("要素を選ぶ").select_option(label="② 連携事業の実績を整理 ・ record_partnership")
    page.locator("#properties").get_by_label("レーン", exact=True).select_option(label="担当課")
    page.get_by_role("button", name="下書きを保存").click()
    result = page.locator("#validation-result")
    expect(result).to_contain_text("1件の問題があります")
    expect(result).to_contain_text(
        "担当課のユーザータスクは、事業ごとの繰り返し（マルチインスタンス）の中に置いてください"
    )
    result.get_by_role("button", name=re.compile("record_partnership")).click()
    expect(page.locator("#properties")).to_contain_text("ID: record_partnership")
    screenshot(page, "process-modeler-validation")
