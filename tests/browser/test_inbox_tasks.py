"""The inbox and task pages in real Chromium: claiming, rows, conditions, errors, the keyboard alone, a phone."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot, sign_in
from tests.integration.flow import FOUR_PROJECTS_THREE_CATEGORIES, Flow


def at_step_2(live_server) -> Flow:
    return Flow(live_server.engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES)


def tab_to(page: Page, name: str, limit: int = 80) -> None:
    """Presses Tab until the focused control's accessible name starts with ``name`` (keyboard only)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate("""() => { const e = document.activeElement;
            const label = e.labels && e.labels.length ? e.labels[0].innerText : (e.innerText || e.value || '');
            return label.trim(); }""")
        if focused.startswith(name):
            return
    raise AssertionError(f"Tab never reached 「{name}」")


def test_the_coordinator_claims_step_2_from_the_inbox_and_completes_it_with_a_row_added(page, live_server):
    flow = at_step_2(live_server)
    sign_in(page, live_server, "seisaku")
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name=re.compile("^タスク")).click()
    expect(page.get_by_role("link", name=re.compile("グループのタスク"))).to_have_attribute("aria-current", "page")
    row = page.get_by_role("row").filter(has_text="② 連携事業の実績を整理")
    expect(row).to_contain_text(flow.status().number)
    expect(row).to_contain_text("湘南サンプル株式会社")
    screenshot(page, "inbox-group")
    row.get_by_role("button", name=re.compile("担当する")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("② 連携事業の実績を整理")
    expect(page.get_by_role("status").first).to_contain_text("このタスクの担当になりました。")
    page.get_by_role("button", name="＋ 過去の連携実績の行を追加").click()
    expect(page.get_by_label("実施年度")).to_be_focused()
    page.get_by_label("実施年度").fill("2023")
    page.get_by_label("事業名").fill("海岸清掃の共催")
    page.get_by_label("内容・成果").fill("参加者120名")
    page.get_by_label("実績の整理（所見）").fill("令和5年度に1件の実績あり")
    screenshot(page, "task-form-step-2")
    page.get_by_role("button", name="送信して完了する").click()
    page.wait_for_url("**/inbox/")
    expect(page.get_by_role("status").first).to_contain_text("「② 連携事業の実績を整理」を完了しました。")
    assert flow.status().history[-1].detail["data"]["past_records"] == [
        {"fiscal_year": 2023, "title": "海岸清掃の共催", "summary": "参加者120名"}]


def test_a_validation_error_is_shown_next_to_its_field_and_the_input_is_kept(page, live_server):
    flow = Flow(live_server.engine).start()
    sign_in(page, live_server, "shonan")
    page.goto(f"{live_server.url}/tasks/{flow.task('propose').id}")
    page.get_by_label("提案の概要").fill("<b>地域課題</b>の解決")
    page.get_by_role("button", name="送信して完了する").click()
    summary = page.get_by_role("alert").filter(has_text="誤りがあります")
    expect(summary).to_be_focused()
    title = page.get_by_label("提案名")
    expect(title).to_have_attribute("aria-invalid", "true")
    error_id = title.get_attribute("aria-describedby").split()[-1]
    expect(page.locator(f"#{error_id}")).to_have_text("入力してください")
    expect(page.get_by_label("提案の概要")).to_have_value("<b>地域課題</b>の解決")
    summary.get_by_role("link", name="提案名：入力してください").click()
    expect(title).to_be_focused()
    screenshot(page, "task-form-validation-error")
    assert flow.task("propose").id  # still open


def test_step_2_completed_with_the_keyboard_alone(page, live_server):
    flow = at_step_2(live_server)
    task = flow.task("record_partnership")
    sign_in(page, live_server, "seisaku")
    page.goto(f"{live_server.url}/tasks/{task.id}")
    tab_to(page, "＋ 過去の連携実績の行を追加")
    page.keyboard.press("Enter")  # adds a row and moves the focus into it
    page.keyboard.type("2024")
    page.keyboard.press("Tab")
    page.keyboard.type("防災訓練への協力")
    tab_to(page, "この行を削除")
    page.keyboard.press("Enter")  # on second thought: no past record after all
    tab_to(page, "実績の整理（所見）")
    page.keyboard.type("過去の連携実績なし")
    tab_to(page, "送信して完了する")
    page.keyboard.press("Enter")
    page.wait_for_url("**/inbox/")
    saved = flow.status().history[-1].detail["data"]
    assert saved["past_records"] == [] and saved["record_notes"] == "過去の連携実績なし"


def test_a_field_appears_only_when_the_answer_needs_it(page, live_server):
    flow = at_step_2(live_server).record_partnership().assign_departments(FOUR_PROJECTS_THREE_CATEGORIES)
    flow.consult_feasibility()
    for key in ("P1", "P2", "P3", "P4"):
        flow.decide(key)
    flow.judge().complete("draft_agreement", {"agreement_title": "包括連携協定", "agreement_terms": "第1条 目的",
                                              "planned_signing_date": "2099-10-01"})
    sign_in(page, live_server, "shonan")
    page.goto(f"{live_server.url}/tasks/{flow.task('confirm_agreement').id}")
    comment = page.get_by_label("修正を依頼する点")
    expect(comment).to_be_hidden()
    page.get_by_role("radio", name="修正を依頼する").check()
    expect(comment).to_be_visible()
    page.get_by_role("radio", name="協定書の内容に同意する").check()
    expect(comment).to_be_hidden()


def test_the_inbox_and_a_task_work_on_a_phone(browser, live_server):
    flow = at_step_2(live_server)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ja-JP")
    phone = context.new_page()
    try:
        sign_in(phone, live_server, "seisaku")
        phone.goto(f"{live_server.url}/inbox/group")
        row = phone.get_by_role("row").filter(has_text="② 連携事業の実績を整理")
        expect(row.get_by_role("button", name=re.compile("担当する"))).to_be_visible()
        width = phone.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, f"the inbox scrolls sideways on a phone ({width}px)"
        screenshot(phone, "inbox-phone")
        phone.goto(f"{live_server.url}/tasks/{flow.task('record_partnership').id}")
        assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390
        screenshot(phone, "task-form-phone")
    finally:
        context.close()
