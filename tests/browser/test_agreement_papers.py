"""⑦ in Chromium (issue #16): the partner confirming the draft downloads the 協定書（案） of the round it was sent,
and the clerk puts the signed scan on the agreement's page. The downloaded document's text is shown as a page and
screenshotted (no LibreOffice here), so a person can look at what the Word file says."""

from __future__ import annotations

import html
import io
from datetime import date

from docx import Document
from playwright.sync_api import Page, expect

from engine.domain.validity import initial_period
from engine.domain.wareki import format_wareki
from tests.browser.conftest import SCREENSHOTS, screenshot, sign_in, sign_out
from tests.integration.papers_steps import docx_text
from tests.integration.test_agreement_documents import DRAFT
from tests.web.test_agreement_papers import SCAN, judged


def show_text(page: Page, title: str, content: bytes, name: str) -> str:
    paragraphs = [p.text for p in Document(io.BytesIO(content)).paragraphs]
    body = "".join(f"<p>{html.escape(text) or '&nbsp;'}</p>" for text in paragraphs)
    page.set_content(f"<html lang='ja'><body style='font-family:serif;max-width:48em;margin:2em auto'>"
                     f"<h1 style='font-size:1rem;color:#666'>{html.escape(title)}</h1>{body}</body></html>")
    screenshot(page, name)
    return "\n".join(paragraphs)


def test_the_partner_downloads_the_draft_at_step_7_and_the_clerk_files_the_signed_scan(page, live_server):
    flow = judged(live_server.engine)
    sign_in(page, live_server, "seisaku")  # ⑦ drafting: the Word file as typed, before sending it
    page.goto(f"{live_server.url}/tasks/{flow.task('draft_agreement').id}")
    page.get_by_label("協定の名称").fill("画面で入力中の協定名")
    page.get_by_label("協定書の内容").fill("甲と乙は、地域の課題の解決に向けて連携する。")
    screenshot(page, "papers-step7-drafting")
    with page.expect_download() as waiting:
        page.get_by_role("button", name="入力中の内容で協定書（案）をダウンロード").click()
    typed = docx_text(open(waiting.value.path(), "rb").read())
    assert "画面で入力中の協定名" in typed and "協定書（案）　第1回協議" in typed
    expect(page.get_by_role("button", name="送信して完了する")).to_be_visible()  # the page stays as it was
    expect(page.get_by_label("協定の名称")).to_have_value("画面で入力中の協定名")
    sign_out(page)
    flow.complete("draft_agreement", {**DRAFT, "planned_signing_date": flow.today()})
    sign_in(page, live_server, "shonan")
    page.goto(f"{live_server.url}/tasks/{flow.task('confirm_agreement').id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("⑦ 協定書の内容の確認")
    screenshot(page, "papers-step7-task")
    with page.expect_download() as waiting:
        page.get_by_role("link", name="協定書（案）をダウンロード（第1回協議）").click()
    download = waiting.value
    assert download.suggested_filename == "協定書（案）第1回.docx"
    content = open(download.path(), "rb").read()
    text = show_text(page, "ダウンロードした協定書（案）の本文（python-docx で読んだもの）", content,
                     "papers-step7-draft-docx-text")
    assert "協定書（案）　第1回協議" in text and "湘南サンプル株式会社（以下「乙」という。）" in text
    period = initial_period(date.fromisoformat(flow.today()))  # planned for today: R-6.1's period from it
    assert f"{format_wareki(period.valid_from)}から{format_wareki(period.valid_until)}まで" in text
    page.goto(f"{live_server.url}/")
    sign_out(page)

    flow.complete("confirm_agreement", {"agreement_response": "confirm"})
    flow.complete("sign_agreement", {"signed_on": flow.today()})
    [agreement] = flow.status().agreements
    scan = SCREENSHOTS.parent / "signed-scan.pdf"
    scan.parent.mkdir(parents=True, exist_ok=True)
    scan.write_bytes(SCAN)
    sign_in(page, live_server, "seisaku")
    page.goto(f"{live_server.url}/agreements/{agreement.id}")
    page.get_by_label("締結済み協定書のスキャン（PDF）").set_input_files(str(scan))
    page.get_by_role("button", name="写しを登録する").click()
    expect(page.get_by_role("link", name="signed-scan.pdf")).to_be_visible()
    screenshot(page, "papers-agreement-signed-copy")
    with page.expect_download() as waiting:
        page.get_by_role("link", name="協定書（Word）をダウンロード").click()
    signed = open(waiting.value.path(), "rb").read()
    text = show_text(page, "締結した協定書の本文（python-docx で読んだもの）", signed, "papers-signed-docx-text")
    signed_on = format_wareki(date.fromisoformat(flow.today()))  # signed today (the live server's real clock)
    assert "協定書（案）" not in text and f"{signed_on}\n甲　茅ヶ崎市" in text
