"""既存協定の登録 in real Chromium (issue #12 item 5): from 協定台帳, a slip in the signing date is shown next to
its field, the corrected form lands on the agreement's page in the period R-6 gives today."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from playwright.sync_api import Page, expect

from engine.domain.validity import periods_through
from engine.domain.wareki import format_wareki
from tests.browser.conftest import screenshot, sign_in

TODAY = datetime.now(timezone(timedelta(hours=9))).date()
SIGNED = TODAY.replace(year=TODAY.year - 3, month=6, day=1)
CURRENT = periods_through(SIGNED, TODAY)[-1]


def test_the_coordinating_division_registers_an_agreement_signed_before_the_system(page: Page, live_server):
    sign_in(page, live_server, "seisaku")
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="協定台帳").click()
    page.get_by_role("link", name="既存の協定を登録").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("既存の協定を登録")
    page.get_by_label("新しい企業等の名称").fill("茅ヶ崎みらい商会")
    page.get_by_label("協定名").fill("茅ヶ崎みらい包括連携協定")
    page.get_by_label("締結日").fill((TODAY + timedelta(days=1)).isoformat())
    for row, (title, category, department) in enumerate(
            [("海岸清掃", "⑤ 環境・自然", "環境政策課"), ("子ども食堂", "① 子ども・若者・子育て支援・障がい者支援・高齢者支援",
                                                   "こども育成相談課")], start=1):
        page.get_by_label(f"連携事業{row}の事業名").fill(title)
        page.get_by_label(f"連携事業{row}の分類").select_option(label=category)
        page.get_by_label(f"連携事業{row}の担当課").select_option(label=department)
    page.get_by_role("button", name="登録する").click()
    expect(page.get_by_role("alert")).to_contain_text("何も登録していません")
    expect(page.get_by_label("締結日")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-signed_on-error")).to_have_text(
        f"締結日は今日（{format_wareki(TODAY)}）以前の日付を入力してください")
    screenshot(page, "agreement-registration-error")
    page.get_by_label("締結日").fill(format_wareki(SIGNED))
    page.get_by_role("button", name="登録する").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("茅ヶ崎みらい包括連携協定")
    expect(page.get_by_text("既存協定の登録").first).to_be_visible()
    expect(page.locator("main")).to_contain_text(format_wareki(CURRENT.notice_deadline))
    screenshot(page, "agreement-registration-done")
