"""Administrators and 総合政策課 in real Chromium: a new user, the one-time link, and a password set by keyboard."""

from __future__ import annotations

import re

from tests.browser.conftest import screenshot, sign_in
from tests.browser.test_registration_flow import field


def test_an_administrator_creates_a_staff_member_who_sets_a_password_with_the_keyboard(page, live_server, browser):
    sign_in(page, live_server, "admin")
    page.goto(f"{live_server.url}/admin/users/new")
    page.get_by_role("button", name="登録して招待リンクを発行").click()
    assert page.locator("#error-summary").is_visible()
    assert page.locator("#f-display_name-error").inner_text().endswith("氏名を入力してください")
    screenshot(page, "admin-user-form-errors")

    field(page, "氏名").fill("環境政策課 茅ヶ崎 太郎")
    field(page, "利用者名").fill("chigasaki-taro")
    field(page, "役割").select_option(label="担当課職員")
    page.get_by_label("環境政策課").check()
    page.get_by_role("button", name="登録して招待リンクを発行").click()
    link = page.get_by_label("招待リンク").input_value()
    assert re.fullmatch(rf"{live_server.url}/invitations/[\w-]{{40,}}", link)
    assert "このリンクはこの画面でしか表示されません" in page.content()
    screenshot(page, "admin-invitation-link")

    invited = browser.new_context(viewport={"width": 390, "height": 844}, locale="ja-JP").new_page()
    try:
        invited.goto(link)
        assert "環境政策課 茅ヶ崎 太郎" in invited.content()
        screenshot(invited, "invitation-set-password-narrow")
        invited.locator("#f-password").focus()
        invited.keyboard.type("umi-no-machi-2025")
        invited.keyboard.press("Tab")
        invited.keyboard.type("umi-no-machi-2025")
        invited.keyboard.press("Tab")
        invited.keyboard.press("Enter")
        invited.wait_for_url(f"{live_server.url}/")
        assert "パスワードを設定しました" in invited.content()
        invited.goto(link)
        assert invited.get_by_role("heading", level=1).inner_text() == "このリンクは使用済みです"
    finally:
        invited.context.close()


def test_the_organisation_list_works_on_a_narrow_screen(browser, live_server):
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="ja-JP")
    page = context.new_page()
    try:
        sign_in(page, live_server, "seisaku")
        page.goto(f"{live_server.url}/admin/organisations")
        page.get_by_label("団体名で検索").fill("みらい")
        page.get_by_role("button", name="検索").click()
        assert page.get_by_role("status").first.inner_text().startswith("1件")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375  # nothing sticks out sideways
        screenshot(page, "admin-organisations-narrow")
    finally:
        context.close()


def test_総合政策課_invites_a_contact_and_starts_a_city_proposal(page, live_server):
    sign_in(page, live_server, "seisaku")
    page.goto(f"{live_server.url}/admin/organisations")
    page.get_by_role("link", name="茅ヶ崎みらい大学（架空）").click()
    page.get_by_role("link", name="担当者を招待").click()
    field(page, "氏名").fill("未来 花子")
    field(page, "利用者名").fill("mirai-hanako")
    page.get_by_role("button", name="招待リンクを発行").click()
    assert "/invitations/" in page.get_by_label("招待リンク").input_value()
    page.get_by_role("link", name="戻る").click()
    assert page.get_by_role("row", name=re.compile("未来 花子")).get_by_text("招待中").is_visible()
    screenshot(page, "admin-organisation-detail")

    page.get_by_role("link", name="新しい提案").click()
    page.get_by_label("団体名で絞り込み").fill("みらい")
    page.get_by_label(re.compile("^茅ヶ崎みらい大学")).check()
    screenshot(page, "proposal-new-city")
    page.get_by_role("button", name="案件を開始して①へ進む").click()
    page.wait_for_url(re.compile(r".*/tasks/[0-9a-f-]{36}$"))
    assert page.get_by_role("heading", level=1).inner_text().startswith("① 提案内容の入力")
