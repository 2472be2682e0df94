"""協定台帳 and the partner's notice in real Chromium.

The period and deadline, notice from the inbox, a phone.

The agreement is signed today (Japan time), so its first period is current and the notice deadline ahead.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from playwright.sync_api import Page, expect

from engine.domain.validity import initial_period
from engine.domain.wareki import format_wareki
from tests.browser.conftest import screenshot, sign_in, sign_out
from tests.integration.test_comprehensive_flow import concluded_on

TODAY = datetime.now(timezone(timedelta(hours=9))).date()
PERIOD = initial_period(TODAY)


def open_register(page: Page) -> None:
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="協定台帳").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("協定台帳")


def test_the_register_shows_the_period_and_deadline_and_the_partner_gives_notice_from_its_agreement(
    page, live_server
):
    concluded_on(live_server.engine, TODAY.isoformat())
    sign_in(page, live_server, "seisaku")
    open_register(page)
    row = page.get_by_role("row").filter(has_text="湘南サンプル株式会社")
    expect(row.get_by_role("cell").nth(2)).to_contain_text(format_wareki(PERIOD.valid_until))
    expect(row.get_by_role("cell").nth(2)).to_contain_text(PERIOD.valid_until.isoformat())
    expect(row.get_by_role("cell").nth(3)).to_contain_text(format_wareki(PERIOD.notice_deadline))
    expect(row.get_by_role("cell").nth(4)).to_have_text("有効")
    screenshot(page, "agreements-register")
    row.get_by_role("link", name="包括連携協定").click()
    expect(
        page.get_by_text(
            f"申出期限（{format_wareki(PERIOD.notice_deadline)}）までにどちらからも申出がなければ"
        )
    ).to_be_visible()
    screenshot(page, "agreements-detail")
    sign_out(page)

    sign_in(page, live_server, "shonan")
    open_register(page)  # notice is an action on the agreement's page, not a task in the partner's inbox
    page.get_by_role("row").filter(has_text="湘南サンプル株式会社").get_by_role("link", name="包括連携協定").click()
    section = page.locator("section#notice")
    expect(section).to_contain_text(format_wareki(PERIOD.notice_deadline))  # the deadline beside the action
    section.get_by_text("協定終了を申し出る", exact=True).click()
    page.get_by_label("申出の理由").fill("事業の見直しにより、協定による連携を終えるため")
    page.get_by_label("担当者名・連絡先").fill("湘南 花子 0467-00-0000")
    screenshot(page, "agreements-notice-form")
    section.get_by_role("button", name="協定の終了を申し出る").click()
    expect(page.get_by_role("status").first).to_contain_text("協定終了の申出を受け付けました")
    open_register(page)
    row = page.get_by_role("row").filter(has_text="湘南サンプル株式会社")
    expect(row.get_by_role("cell").nth(4)).to_have_text("終了予定")
    row.get_by_role("link", name="包括連携協定").click()
    expect(
        page.get_by_text(f"{format_wareki(PERIOD.valid_until)}の期間満了をもって終了します").first
    ).to_be_visible()
    expect(page.get_by_role("button", name="全体会議を招集する")).to_have_count(0)  # 総合政策課 only
    screenshot(page, "agreements-detail-ending")


def test_on_a_phone_each_agreement_reads_as_a_card(browser, live_server):
    concluded_on(live_server.engine, TODAY.isoformat())
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ja-JP")
    page = context.new_page()
    sign_in(page, live_server, "kankyo")
    page.goto(f"{live_server.url}/agreements/")
    cell = page.locator("td[data-label='申出期限']").first
    expect(cell).to_contain_text(format_wareki(PERIOD.notice_deadline))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing runs off the screen
    screenshot(page, "agreements-register-phone")
    context.close()
