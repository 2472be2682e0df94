"""R-1 / R-2 in real Chromium: the 環境政策課 starts a 個別協定 for its project from the agreement's page, and the
case reaches its inbox."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in
from tests.integration.test_comprehensive_flow import concluded_on

TODAY = datetime.now(timezone(timedelta(hours=9))).date()


def test_the_environment_division_starts_an_individual_agreement_from_the_agreement_page(page, live_server):
    concluded_on(live_server.engine, TODAY.isoformat())
    sign_in(page, live_server, "kankyo")
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="協定台帳").click()
    page.get_by_role("row").filter(has_text="湘南サンプル株式会社").get_by_role("link", name="包括連携協定").click()
    start = page.get_by_role("region", name="個別協定を始める（ガイドライン１⑵）")
    expect(start.get_by_label("連携事業")).to_contain_text("海岸清掃ボランティア")
    expect(start.get_by_label("連携事業")).not_to_contain_text("子ども見守りアプリ")  # another division's project
    start.get_by_role("button", name="個別協定の協議を始める").click()
    expect(page.get_by_role("alert")).to_contain_text("この協定の連携事業から選択してください")
    start = page.get_by_role("region", name="個別協定を始める（ガイドライン１⑵）")
    start.get_by_label("連携事業").select_option(label="海岸清掃ボランティア（環境政策課）")
    start.get_by_label("個別協定（特定分野）").check()
    screenshot(page, "individual-agreement-start")
    start.get_by_role("button", name="個別協定の協議を始める").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("個別協定：海岸清掃ボランティア")
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="協定台帳").click()
    page.get_by_role("row").filter(has_text="湘南サンプル株式会社").get_by_role("link", name="包括連携協定").click()
    listed = page.get_by_role("region", name="個別協定", exact=True)
    expect(listed.get_by_role("row").filter(has_text="海岸清掃ボランティア")).to_contain_text("個別協定（特定分野）")
    expect(listed.get_by_role("row").filter(has_text="海岸清掃ボランティア")).to_contain_text("協議中")
    screenshot(page, "individual-agreement-listed")
