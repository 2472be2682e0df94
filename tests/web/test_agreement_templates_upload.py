"""Process owners keep the 協定書 templates (issue #16): an upload that would not render is refused with the field
and the paragraph, and nothing is stored; an accepted version is used from the next negotiation round on,
while earlier rounds keep the version they were drafted with."""

from __future__ import annotations

import io

from docx import Document

from engine.documents.service import AgreementPapers
from tests.integration.papers_steps import docx_text
from tests.integration.test_agreement_documents import DRAFT
from tests.web.conftest import csrf_token
from tests.web.test_agreement_papers import judged, sign_out


def word_file(*paragraphs: str) -> bytes:
    document = Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def upload(client, content: bytes, name: str = "包括連携協定.docx", kind: str = "comprehensive"):
    token = csrf_token(client, "/processes/agreement-templates")
    return client.post("/processes/agreement-templates", data={
        "csrf_token": token, "kind": kind, "comment": "第5条を追加", "template": (io.BytesIO(content), name)},
        content_type="multipart/form-data")


def test_a_template_naming_an_unknown_field_is_refused_with_the_field_and_the_paragraph(engine, as_user):
    response = upload(as_user("process"), word_file("{{ title }}", "{{ partner_phone }}"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "第2段落「{{ partner_phone }}」: 「partner_phone」は使えない差し込み項目です" in page
    assert AgreementPapers(engine).templates(engine.actor("process"))[0].versions == []


def test_a_template_with_a_broken_tag_or_not_a_word_file_is_refused(as_user):
    client = as_user("process")
    broken = upload(client, word_file("{{ title }}", "{% if is_draft %}案"))
    assert broken.status_code == 422 and "差し込みの書き方に誤りがあります" in broken.get_data(as_text=True)
    not_word = upload(client, b"%PDF-1.4\n%%EOF", "協定書.docx")
    assert not_word.status_code == 422 and "Word文書（.docx）ではありません" in not_word.get_data(as_text=True)


def test_only_process_owners_upload_templates(client, as_user):
    assert upload(as_user("seisaku"), word_file("{{ title }}")).status_code == 403


def test_the_next_round_uses_the_new_version_and_the_earlier_round_keeps_its_own(engine, client, as_user):
    flow = judged(engine)
    flow.complete("draft_agreement", {**DRAFT, "planned_signing_date": flow.today()})
    flow.complete("confirm_agreement", {"agreement_response": "revise", "agreement_response_comment": "修正"})
    response = upload(as_user("process"), word_file("改訂ひな形：{{ title }}（{{ organisation_name }}）"))
    assert response.status_code == 302
    sign_out(client)
    flow.complete("draft_agreement", {**DRAFT, "planned_signing_date": flow.today()})
    seisaku = engine.actor("seisaku")
    first, second = AgreementPapers(engine).rounds(seisaku, flow.case_id)
    assert "改訂ひな形" not in docx_text(AgreementPapers(engine).round_document(seisaku, flow.case_id, first.id).content)
    assert "改訂ひな形：茅ヶ崎市と湘南サンプル株式会社との包括連携に関する協定（湘南サンプル株式会社）" in docx_text(
        AgreementPapers(engine).round_document(seisaku, flow.case_id, second.id).content)
