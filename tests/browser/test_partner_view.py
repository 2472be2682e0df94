"""The 企業等's view in real Chromium (issue #12 item 8): its case page and its ⑦ confirmation hold none of the
city's judgements; its revision request then heads 総合政策課's next draft. Screenshots as artefacts."""

from __future__ import annotations

from tests.browser.conftest import screenshot, sign_in, sign_out
from tests.web.test_partner_visibility import INTERNAL, SHARED, drafted_after_internal_judgements

COMMENT = "第3条に有効期間の自動更新（R-6.2）を明記してください"


def test_the_partner_sees_its_case_without_the_citys_judgements_and_its_request_heads_the_redraft(
        page, live_server):
    flow = drafted_after_internal_judgements(live_server.engine)
    sign_in(page, live_server, "shonan")
    page.goto(f"{live_server.url}/cases/{flow.case_id}")
    page.wait_for_selector('[data-case-diagram][data-ready="true"]')
    page.locator('[data-show-element="judge_necessity"]').first.click()  # 手順の一覧 under the diagram
    panel = page.locator('[data-element-panel="judge_necessity"]')
    panel.wait_for(state="visible")
    assert "⑥ 包括連携協定の要否を協議" in panel.inner_text()  # the step is named, with who and when …
    assert "入力内容" not in panel.inner_text()  # … but nothing the city entered there
    body = page.content()
    assert [text for text in INTERNAL if text in body] == []
    screenshot(page, "partner-case-page")

    page.goto(f"{live_server.url}/tasks/{flow.task('confirm_agreement').id}")
    assert [text for text in SHARED if text not in page.content()] == []
    assert [text for text in INTERNAL if text in page.content()] == []
    page.get_by_label("修正を依頼する", exact=True).check()
    page.get_by_label("修正を依頼する点").fill(COMMENT)
    screenshot(page, "partner-confirmation")
    page.get_by_role("button", name="送信して完了する").click()
    page.wait_for_url("**/inbox/**")
    sign_out(page)

    sign_in(page, live_server, "seisaku")
    page.goto(f"{live_server.url}/inbox/group")
    row = page.locator("tr", has_text="⑦ 協定書の内容を協議")
    assert "修正依頼 第2回" in row.inner_text() and COMMENT[:20] in row.inner_text()
    row.get_by_role("link", name="⑦ 協定書の内容を協議").click()
    request = page.locator("[data-revision-request]")
    assert request.is_visible()
    assert "⑦ 協定書の内容の確認で修正の依頼がありました（第2回の協議）" in request.inner_text()
    assert COMMENT in request.inner_text()
    first_box = request.bounding_box()
    form_box = page.locator("[data-task-form]").bounding_box()
    assert first_box["y"] < form_box["y"]  # it heads the page, above the form
    screenshot(page, "coordinator-redraft-with-request")
