"""A new 企業等 registers from the public page and 総合政策課 confirms it, in real Chromium (clicks and typing)."""

from __future__ import annotations

import re

from tests.browser.conftest import screenshot, sign_in, sign_out


def field(page, label: str):
    """The input labelled ``label``; a required field's label ends with ※必須."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}(※必須)?$"))


def fill_registration(page, **changes) -> None:
    values = {"団体名": "株式会社なぎさ技研（架空）", "担当者の氏名": "渚 一郎", "メールアドレス": "nagisa@example.co.jp",
              "利用者名": "nagisa", "パスワード": "hamakaze-2025", "パスワード（確認）": "hamakaze-2025", **changes}
    for label, value in values.items():
        field(page, label).fill(value)


def test_a_new_organisation_registers_fixes_a_mistake_and_lands_on_its_proposal(page, live_server):
    page.goto(f"{live_server.url}/register")
    fill_registration(page, **{"メールアドレス": "nagisa-at-example", "パスワード（確認）": "hamakaze-2026"})
    page.get_by_role("button", name="登録して提案の入力へ進む").click()
    email = field(page, "メールアドレス")
    assert email.get_attribute("aria-invalid") == "true"
    assert page.locator("#f-email-error").inner_text() == "エラー：メールアドレスの形式が正しくありません（例: tanto@example.co.jp）" \
        or "メールアドレスの形式が正しくありません" in page.locator("#f-email-error").inner_text()
    assert "f-email-error" in email.get_attribute("aria-describedby")
    assert field(page, "団体名").input_value() == "株式会社なぎさ技研（架空）"  # input kept
    assert field(page, "パスワード").input_value() == ""  # never sent back
    screenshot(page, "registration-errors")

    page.get_by_role("link", name=re.compile("メールアドレスの形式")).click()
    email.fill("nagisa@example.co.jp")
    field(page, "パスワード").fill("hamakaze-2025")
    field(page, "パスワード（確認）").fill("hamakaze-2025")
    page.get_by_role("button", name="登録して提案の入力へ進む").click()
    page.wait_for_url(re.compile(r".*/tasks/[0-9a-f-]{36}$"))
    assert page.get_by_role("heading", level=1).inner_text().startswith("① 連携事業の提案")
    assert "団体の登録を受け付けました" in page.locator(".notice--success").inner_text()
    screenshot(page, "registration-lands-on-proposal")


def test_総合政策課_sees_the_unverified_organisation_and_confirms_it(page, live_server):
    page.goto(f"{live_server.url}/register")
    fill_registration(page)
    page.get_by_role("button", name="登録して提案の入力へ進む").click()
    page.wait_for_url(re.compile(r".*/tasks/.*"))
    sign_out(page)

    sign_in(page, live_server, "seisaku")
    page.get_by_role("link", name=re.compile("^管理")).click()
    assert "まだ確認していない団体が1件あります" in page.content()
    page.get_by_role("link", name="未確認の団体を確認する").click()
    row = page.get_by_role("row", name=re.compile("株式会社なぎさ技研"))
    assert row.get_by_text("未確認").is_visible()
    screenshot(page, "admin-organisations-unverified")
    row.get_by_role("link", name="株式会社なぎさ技研（架空）").click()
    page.get_by_role("button", name="確認済みにする").click()
    assert "を確認済みにしました" in page.locator(".notice--success").inner_text()
    assert page.get_by_role("link", name=re.compile("^管理")).inner_text().strip() == "管理"  # badge gone
