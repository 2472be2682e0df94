"""The papers on the agreement's page and the ⑦ task page (issue #16).

The 協定書 downloads for those who may read the agreement; 総合政策課 puts the signed scan on record (a PDF by
its content, size-limited, hashed, audited, never public); a refused scan is named at its field and nothing is
stored.
"""

from __future__ import annotations

import hashlib
import io

import pytest

from engine.agreements import AgreementRegister
from engine.board.audit_trail import AuditFilter, AuditTrail
from engine.config import UPLOADS
from engine.documents.service import AgreementPapers
from engine.domain.validity import initial_period
from engine.domain.wareki import format_wareki
from tests.integration.flow import FOUR_PROJECTS_THREE_CATEGORIES, Flow
from tests.integration.papers_steps import docx_text
from tests.integration.test_agreement_documents import DRAFT
from tests.web.conftest import csrf_token

SCAN = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def sign_out(client) -> None:
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})


def judged(engine) -> Flow:
    flow = Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES).record_partnership()
    flow.assign_departments(FOUR_PROJECTS_THREE_CATEGORIES).consult_feasibility()
    for key in ("P1", "P2", "P3", "P4"):
        flow.decide(key)
    return flow.judge()


@pytest.fixture
def agreement_id(engine) -> int:
    flow = judged(engine)
    flow.complete("draft_agreement", {**DRAFT, "planned_signing_date": flow.today()})
    flow.complete("confirm_agreement", {"agreement_response": "confirm"})
    flow.complete("sign_agreement", {"signed_on": flow.today()})
    [agreement] = flow.status().agreements
    return agreement.id


def upload(client, agreement_id: int, content: bytes, name: str = "協定書.pdf"):
    token = csrf_token(client, f"/agreements/{agreement_id}")
    return client.post(f"/agreements/{agreement_id}/signed-copies", data={
        "csrf_token": token, "scan": (io.BytesIO(content), name)}, content_type="multipart/form-data")


def test_the_organisation_confirming_the_draft_downloads_the_round_it_was_sent(engine, as_user):
    flow = judged(engine)
    flow.complete("draft_agreement", {**DRAFT, "planned_signing_date": flow.today()})
    client = as_user("shonan")
    task = flow.task("confirm_agreement")
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "協定書（案）をダウンロード（第1回協議）" in page
    link = page.split('href="/cases/', 1)[1].split('"', 1)[0]
    response = client.get(f"/cases/{link}")
    assert response.status_code == 200 and response.mimetype.endswith("wordprocessingml.document")
    assert "湘南サンプル株式会社（以下「乙」という。）" in docx_text(response.data)
    case_page = client.get(f"/cases/{flow.case_id}").get_data(as_text=True)  # the history: what, when, by whom
    assert f'href="/cases/{link}"' in case_page and "第1回協議の協定書（案）" in case_page
    sign_out(client)
    assert as_user("mirai").get(f"/cases/{link}").status_code == 404  # another company's case


def test_the_agreement_document_is_for_those_who_read_the_agreement(client, as_user, agreement_id, engine):
    assert client.get(f"/agreements/{agreement_id}/document.docx").status_code == 302  # sign in first
    response = as_user("kankyo").get(f"/agreements/{agreement_id}/document.docx")
    assert response.status_code == 200
    [agreement] = [a for a in AgreementRegister(engine).search(engine.actor("seisaku")) if a.id == agreement_id]
    period = initial_period(agreement.signed_on)  # signed today in Japan (the web tests' clock is the real one)
    assert f"{format_wareki(period.valid_from)}から{format_wareki(period.valid_until)}まで" in docx_text(response.data)
    sign_out(client)
    assert as_user("mirai").get(f"/agreements/{agreement_id}/document.docx").status_code == 404


def test_the_coordinating_division_puts_the_signed_scan_on_record(engine, client, as_user, agreement_id):
    seisaku = as_user("seisaku")
    response = upload(seisaku, agreement_id, SCAN)
    assert response.status_code == 302
    page = seisaku.get(f"/agreements/{agreement_id}").get_data(as_text=True)
    assert "協定書.pdf" in page and hashlib.sha256(SCAN).hexdigest() in page
    link = page.split(f'href="/agreements/{agreement_id}/signed-copies/', 1)[1].split('"', 1)[0]
    assert seisaku.get(f"/agreements/{agreement_id}/signed-copies/{link}").data == SCAN
    [row] = AuditTrail(engine).search(engine.actor("seisaku"), AuditFilter(action="signed_copy_attached")).rows
    sign_out(client)
    shonan = as_user("shonan")  # the partner reads its own agreement's copy
    assert shonan.get(f"/agreements/{agreement_id}/signed-copies/{link}").status_code == 200
    sign_out(client)
    assert client.get(f"/agreements/{agreement_id}/signed-copies/{link}").status_code == 302  # never public
    assert "協定書.pdf" not in client.get("/public/agreements").get_data(as_text=True)


@pytest.mark.parametrize(("content", "name", "message"), [
    (b"\x89PNG\r\n\x1a\n" + b"0" * 100, "協定書.pdf", "PDFファイルではありません"),  # renamed image
    (b"", "協定書.pdf", "PDFを選択してください"),
    (b"%PDF-1.4\n" + b"0" * UPLOADS.scan_bytes + b"\n%%EOF", "大きい.pdf", "MB以内にしてください"),
])
def test_a_scan_that_is_not_a_pdf_or_too_large_is_refused_at_its_field(engine, as_user, agreement_id, content,
                                                                       name, message):
    seisaku = as_user("seisaku")
    response = upload(seisaku, agreement_id, content, name)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and 'id="papers-scan-error"' in page
    assert AuditTrail(engine).search(engine.actor("seisaku"), AuditFilter(action="signed_copy_attached")).rows == []


def test_neither_the_partner_nor_a_department_attaches_the_scan_of_a_comprehensive_agreement(as_user, client,
                                                                                            agreement_id):
    for username in ("shonan", "kankyo"):
        member = as_user(username)
        assert "写しを登録する" not in member.get(f"/agreements/{agreement_id}").get_data(as_text=True)
        assert upload(member, agreement_id, SCAN).status_code == 403
        sign_out(client)


def test_the_clerk_drafting_at_step_7_downloads_the_draft_as_typed_and_nothing_is_kept(engine, as_user):
    flow = judged(engine)
    task = flow.task("draft_agreement")
    seisaku = as_user("seisaku")
    page = seisaku.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "入力中の内容で協定書（案）をダウンロード" in page
    response = seisaku.post(f"/tasks/{task.id}/agreement-preview.docx", data={
        "csrf_token": csrf_token(seisaku, f"/tasks/{task.id}"), **DRAFT, "agreement_title": "入力中の協定名"})
    assert response.status_code == 200
    text = docx_text(response.data)
    assert "入力中の協定名" in text and "協定書（案）　第1回協議" in text and "代表取締役　湘南 一郎" in text
    assert AgreementPapers(engine).rounds(engine.actor("seisaku"), flow.case_id) == []
