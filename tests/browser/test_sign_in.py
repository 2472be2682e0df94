"""Signing in with the keyboard alone, in real Chromium."""

from tests.browser.conftest import screenshot, sign_in


def test_a_clerk_signs_in_with_the_keyboard_only(page, live_server):
    page.goto(f"{live_server.url}/login")
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")  # site title
    page.keyboard.press("Tab")
    page.keyboard.type("seisaku")
    page.keyboard.press("Tab")
    page.keyboard.type("renkei-demo-2025")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", level=1).inner_text() == "総合政策課 政策 一郎 さん"


def test_a_wrong_password_shows_the_error_next_to_the_form(page, live_server):
    page.goto(f"{live_server.url}/login")
    page.get_by_label("利用者名").fill("seisaku")
    page.get_by_label("パスワード").fill("wrong-password")
    page.get_by_role("button", name="ログイン").click()
    assert page.get_by_role("alert").inner_text() == "利用者名またはパスワードが正しくありません。"
    screenshot(page, "login-error")


def test_signing_in_and_out(page, live_server):
    sign_in(page, live_server, "kankyo")
    page.get_by_role("button", name="ログアウト").click()
    page.wait_for_url("**/login")
    assert "ログアウトしました。" in page.content()
