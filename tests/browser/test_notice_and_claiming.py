"""In real Chromium: 担当する puts the focus on the form's first field (issue #12 item 9), and the 企業等 gives
notice (協定終了の申出, R-6.2) from its agreement's page, not from a task in its inbox (item 8)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from playwright.sync_api import Page, expect

from engine.domain.validity import initial_period
from engine.domain.wareki import format_wareki
from tests.browser.conftest import screenshot, sign_in
from tests.integration.flow import FOUR_PROJECTS_THREE_CATEGORIES, Flow
from tests.integration.test_comprehensive_flow import concluded_on

TODAY = datetime.now(timezone(timedelta(hours=9))).date()


def _focused(page: Page) -> dict:
    return page.evaluate("""() => { const e = document.activeElement;
        const form = document.getElementById('task-form');
        const fields = Array.from(form.elements).filter(x => /^(INPUT|SELECT|TEXTAREA)$/.test(x.tagName)
            && x.type !== 'hidden' && !x.disabled && !x.readOnly && x.offsetParent !== null);
        return {inForm: form.contains(e), first: fields.length > 0 && fields[0] === e, tag: e.tagName,
                label: e.labels && e.labels.length ? e.labels[0].innerText.trim() : ''}; }""")


def test_claiming_a_group_task_moves_the_focus_to_the_first_field_of_its_form(page, live_server):
    Flow(live_server.engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES)
    sign_in(page, live_server, "seisaku")
    page.goto(f"{live_server.url}/inbox/group")
    page.get_by_role("row").filter(has_text="② 連携事業の実績を整理").get_by_role(
        "button", name=re.compile("担当する")).click()
    expect(page.get_by_role("status").first).to_contain_text("このタスクの担当になりました。")
    page.wait_for_load_state("load")  # task-form.js has run
    focused = _focused(page)
    assert focused["inForm"] and focused["first"], focused
    screenshot(page, "task-claimed-focus-on-form")
    page.reload()  # the same page opened later (no claim just made) keeps the focus where the browser puts it
    page.goto(page.url.split("?")[0])
    assert not _focused(page)["inForm"]


def test_the_partner_gives_notice_from_its_agreement_page(page, live_server):
    [agreement] = concluded_on(live_server.engine, TODAY.isoformat()).status().agreements
    period = initial_period(TODAY)
    sign_in(page, live_server, "shonan")
    menu = page.get_by_role("navigation", name="メインメニュー")
    expect(menu.get_by_role("link", name=re.compile("^タスク"))).to_have_text("タスク")  # no badge: nothing waits
    page.goto(f"{live_server.url}/agreements/{agreement.id}")
    section = page.locator("section#notice")
    expect(section.get_by_role("heading", name="協定終了の申出（R-6.2）")).to_be_visible()
    expect(section).to_contain_text(format_wareki(period.notice_deadline))
    screenshot(page, "agreement-notice-action")
    section.get_by_text("協定終了を申し出る", exact=True).click()
    section.get_by_role("button", name="協定の終了を申し出る").click()
    expect(page.get_by_role("alert").first).to_contain_text("申出の理由を入力してください")
    expect(page.locator("#notice-notice_reason")).to_have_attribute("aria-invalid", "true")
    screenshot(page, "agreement-notice-refused")
    page.get_by_label("申出の理由").fill("事業の見直しにより、協定による連携を終えるため。")
    page.get_by_label("担当者名・連絡先").fill("湘南 花子（総務部）0467-00-0000")
    page.locator("section#notice").get_by_role("button", name="協定の終了を申し出る").click()
    expect(page.get_by_role("status").first).to_contain_text("協定終了の申出を受け付けました")
    expect(page.get_by_text("企業等からの申出")).to_be_visible()
    expect(page.get_by_text(f"{format_wareki(period.valid_until)}の期間満了をもって終了します").first).to_be_visible()
    expect(page.locator("section#notice")).to_have_count(0)
    screenshot(page, "agreement-notice-given")
