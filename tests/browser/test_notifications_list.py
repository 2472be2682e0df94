"""In real Chromium: a new task appears in お知らせ with a count in the menu, and the clerk marks it read."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from engine.domain.japan_time import today_in_japan
from engine.domain.validity import initial_period
from engine.domain.wareki import format_wareki
from engine.notifications.mail import Mailer
from tests.browser.conftest import screenshot, sign_in
from tests.integration.flow import FOUR_PROJECTS_THREE_CATEGORIES, Flow
from tests.integration.test_comprehensive_flow import concluded_on
from tests.mail_server import MailServer, give_everyone_mail


def test_the_notification_list_shows_a_new_task_and_marks_it_read(page, live_server):
    Flow(live_server.engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES)
    sign_in(page, live_server, "seisaku")
    menu = page.get_by_role("navigation", name="メインメニュー")
    assert menu.get_by_role("link", name="お知らせ 1件").is_visible()
    menu.get_by_role("link", name="お知らせ 1件").click()
    page.wait_for_url("**/notifications/")
    notice = page.get_by_role("button", name=re.compile("^新しいタスク：② 連携事業の実績を整理"))
    assert notice.is_visible() and page.get_by_text("未読 1件").is_visible()
    screenshot(page, "notifications-unread")
    page.get_by_role("button", name=re.compile("^既読にする")).focus()
    page.keyboard.press("Enter")  # the keyboard alone
    page.wait_for_selector("text=既読にしました。")
    assert page.get_by_text("未読 0件").is_visible()
    assert menu.get_by_role("link", name="お知らせ", exact=True).is_visible()
    screenshot(page, "notifications-read")


def test_opening_a_notification_leads_to_its_task(page, live_server):
    flow = Flow(live_server.engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES)
    sign_in(page, live_server, "seisaku")
    page.goto(f"{live_server.url}/notifications/")
    page.get_by_role("button", name=re.compile("^新しいタスク：② 連携事業の実績を整理")).click()
    page.wait_for_url(f"**/tasks/{flow.task('record_partnership').id}")
    assert "② 連携事業の実績を整理" in page.get_by_role("heading", level=1).inner_text()


def test_preferences_and_the_public_register_on_a_narrow_screen(page, live_server):
    sign_in(page, live_server, "kankyo")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/notifications/settings")
    page.get_by_label("メールで受け取らない（画面のお知らせのみ）").first.check()
    page.get_by_role("button", name="保存する").click()
    page.wait_for_selector("text=お知らせの受け取り方を保存しました。")
    screenshot(page, "notifications-settings-narrow")
    page.goto(f"{live_server.url}/public/agreements")
    assert page.get_by_role("heading", level=1).inner_text() == "公開：包括連携協定一覧"
    overflowing = page.evaluate("""[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 391
        && !e.closest('.table-wrap')).map(e => e.tagName + '.' + e.className + ':' + e.textContent.slice(0, 30))""")
    assert overflowing == []
    screenshot(page, "public-agreements-narrow")


def test_the_public_register_and_the_audit_trail_show_a_concluded_agreement(page, live_server):
    today = today_in_japan(datetime.now(UTC))
    concluded_on(live_server.engine, today.isoformat())  # a signing is not dated before its case began
    page.goto(f"{live_server.url}/public/agreements")  # no sign-in
    card = page.get_by_role("article", name="湘南サンプル株式会社")
    assert f"{format_wareki(today)}～{format_wareki(initial_period(today).valid_until)}" in card.inner_text()
    assert card.get_by_role("table").get_by_role("row").count() == 5  # the header and four projects
    screenshot(page, "public-agreements")
    sign_in(page, live_server, "seisaku")
    page.goto(f"{live_server.url}/audit/")
    page.get_by_label("実行者").select_option("seisaku")
    page.get_by_label("開始日").fill("令和7年1月1日")
    page.get_by_role("button", name="絞り込む").click()
    assert page.get_by_role("status").inner_text().endswith("件")
    screenshot(page, "audit-trail")


def test_an_administrator_sees_a_mail_the_server_refused_and_sends_it_again(page, live_server):
    give_everyone_mail(live_server.engine)
    Flow(live_server.engine).start()
    down = MailServer()  # never started: nothing listens on its port
    Mailer(live_server.engine, down.settings()).send_due()
    sign_in(page, live_server, "admin")
    page.goto(f"{live_server.url}/notifications/outbox")
    row = page.get_by_role("row").filter(has_text="shonan@example.jp")
    assert "再送待ち" in row.inner_text() and "メールサーバーに接続できません" in row.inner_text()
    screenshot(page, "notifications-outbox")
    row.get_by_role("button", name=re.compile("^今すぐ再送")).click()
    page.wait_for_selector("text=次の送信でもう一度送ります。")
