"""The papers of an agreement (issue #16): its 協定書 from the template, the negotiation rounds, the signed scan,
and the templates process owners keep. Each method is one unit of work and asks engine.access first.

Who reads what: a round's 協定書（案） follows its case (``may_read_case``); the agreement's document and its
signed copy follow the agreement (``may_act_on_agreement(..., "read")``); nothing here is public.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import audit
from engine.access import (
    Actor,
    may_act_on_agreement,
    may_attach_signed_copy,
    may_edit_processes,
    may_read_processes,
)
from engine.agreements.queries import visible_agreement
from engine.cases.service import visible_case, visible_task
from engine.cases.stored import case_workflow
from engine.config import UPLOADS
from engine.documents.fields import KIND_LABELS, CitySignatory, document_fields, sample_snapshot
from engine.documents.rounds import (
    NEGOTIATION_FORM_IDS,
    current_template_id,
    negotiation_snapshot,
    next_round,
    signed_snapshot,
)
from engine.documents.template import render, template_problems
from engine.documents.views import (
    DOCX,
    PDF,
    AgreementPapersView,
    DocumentFile,
    RoundView,
    SignedCopyView,
    TemplateKindView,
    TemplateVersionView,
)
from engine.errors import FormDataError, NotAllowedError, NotFoundError
from engine.persistence.models import (
    Agreement,
    AgreementDocument,
    AgreementTemplate,
    Project,
    SignedCopy,
    UserAccount,
)
from engine.persistence.models.agreement_document import DRAFT, SIGNED

if TYPE_CHECKING:
    from engine.context import Context

# The templates shipped next to the process each serves; used until a process owner uploads a version.
SHIPPED = {
    "comprehensive": "comprehensive_agreement/documents/comprehensive.docx",
    "specific_project": "individual_agreement/documents/specific_project.docx",
    "specific_field": "individual_agreement/documents/specific_field.docx",
}
_PDF_START, _PDF_END = b"%PDF-", b"%%EOF"


@dataclass(frozen=True)
class PaperSettings:
    signatory: CitySignatory = field(default_factory=CitySignatory)
    processes_path: Path = field(default_factory=lambda: Path("processes"))


def _names(session: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    rows = session.execute(select(UserAccount.id, UserAccount.display_name).where(UserAccount.id.in_(wanted)))
    return {user_id: name for user_id, name in rows}


class AgreementPapers:
    def __init__(self, context: Context, settings: PaperSettings | None = None) -> None:
        self.context = context
        self.settings = settings or PaperSettings()

    # --- rendering ----------------------------------------------------------------------------------
    def _template(self, session: Session, kind: str, template_id: int | None) -> bytes:
        if template_id is not None:
            return session.get(AgreementTemplate, template_id).content
        return (self.settings.processes_path / SHIPPED[kind]).read_bytes()

    def _render(self, session: Session, document: AgreementDocument | None, kind: str, fields: dict) -> bytes:
        template_id = document.template_id if document is not None else None
        return render(self._template(session, kind, template_id), document_fields(fields, self.settings.signatory))

    # --- the negotiation rounds of ⑦ and of a 個別協定 (R-2) -----------------------------------
    def rounds(self, actor: Actor, case_id: int) -> list[RoundView]:
        with self.context.unit_of_work() as session:
            visible_case(session, actor, case_id)
            rows = list(session.scalars(select(AgreementDocument).where(
                AgreementDocument.case_id == case_id, AgreementDocument.stage == DRAFT)
                .order_by(AgreementDocument.project_key.nulls_first(), AgreementDocument.round)))
            names = _names(session, {r.created_by_id for r in rows})
            return [RoundView(r.id, r.round, r.fields.get("title") or "", r.project_key,
                              r.fields.get("project_title") or None,
                              r.created_at, names.get(r.created_by_id)) for r in rows]

    def round_document(self, actor: Actor, case_id: int, document_id: int) -> DocumentFile:
        with self.context.unit_of_work() as session:
            visible_case(session, actor, case_id)
            document = session.get(AgreementDocument, document_id)
            if document is None or document.case_id != case_id or document.stage != DRAFT:
                raise NotFoundError("協定書（案）が見つかりません")
            content = self._render(session, document, document.kind, document.fields)
            suffix = f"（{document.fields['project_title']}）" if document.fields.get("project_title") else ""
            return DocumentFile(f"協定書（案）第{document.round}回{suffix}.docx", content, DOCX)

    def preview(self, actor: Actor, task_id: str, values: Mapping[str, Any]) -> DocumentFile:
        """The 協定書（案） as the negotiation form now stands, before it is sent: nothing is kept (the round is
        kept when the task completes), so the clerk can look at the Word file while still drafting."""
        with self.context.unit_of_work() as session:
            task = visible_task(session, actor, task_id)
            case = task.case
            data = {**case_workflow(case).get_task_from_id(UUID(task.id)).data, **values}
            snapshot = negotiation_snapshot(session, case, data) if task.form_ref in NEGOTIATION_FORM_IDS else None
            if snapshot is None:
                raise NotFoundError("この手順では協定書（案）を作成しません")
            number = next_round(session, case.id, snapshot.get("project_key"))
            snapshot.update(is_draft=True, round=number)
            template = self._template(session, snapshot["kind"], current_template_id(session, snapshot["kind"]))
            content = render(template, document_fields(snapshot, self.settings.signatory))
            return DocumentFile(f"協定書（案）第{number}回（作成中）.docx", content, DOCX)

    # --- the agreement's 協定書 -------------------------------------------------------------------------
    def agreement_document(self, actor: Actor, agreement_id: int) -> DocumentFile:
        """The document as signed; for an agreement recorded without one (before issue #16), rendered from
        what the register holds."""
        with self.context.unit_of_work() as session:
            agreement = visible_agreement(session, actor, agreement_id)
            document = session.scalar(select(AgreementDocument).where(
                AgreementDocument.agreement_id == agreement.id, AgreementDocument.stage == SIGNED))
            fields = document.fields if document is not None else signed_snapshot(session, agreement)
            content = self._render(session, document, agreement.kind, fields)
            return DocumentFile(f"協定書_{agreement.id}.docx", content, DOCX)

    # --- templates (process owners) -----------------------------------------------------------------
    def templates(self, actor: Actor) -> list[TemplateKindView]:
        if not may_read_processes(actor):
            raise NotAllowedError("協定書のひな形はプロセス管理者が管理します")
        with self.context.unit_of_work() as session:
            rows = list(session.scalars(select(AgreementTemplate).order_by(AgreementTemplate.version.desc())))
            names = _names(session, {r.uploaded_by_id for r in rows})
            return [TemplateKindView(kind, KIND_LABELS[kind], path, [
                TemplateVersionView(r.version, r.file_name, r.sha256, r.comment, names.get(r.uploaded_by_id),
                                    r.uploaded_at) for r in rows if r.kind == kind]) for kind, path in SHIPPED.items()]

    def template_file(self, actor: Actor, kind: str, version: int | None) -> DocumentFile:
        if not may_read_processes(actor):
            raise NotAllowedError("協定書のひな形はプロセス管理者が管理します")
        if kind not in SHIPPED:
            raise NotFoundError("ひな形が見つかりません")
        with self.context.unit_of_work() as session:
            if version is None:
                return DocumentFile(Path(SHIPPED[kind]).name, self._template(session, kind, None), DOCX)
            row = session.scalar(select(AgreementTemplate).where(
                AgreementTemplate.kind == kind, AgreementTemplate.version == version))
            if row is None:
                raise NotFoundError("ひな形が見つかりません")
            return DocumentFile(row.file_name, row.content, DOCX)

    def upload_template(self, actor: Actor, kind: str, file_name: str, content: bytes, comment: str = "") -> int:
        """A new version of a kind's template, once it renders; returns its version number."""
        if not may_edit_processes(actor):
            raise NotAllowedError("協定書のひな形を登録できるのはプロセス管理者です")
        errors = _template_errors(kind, file_name, content)
        if errors:
            raise FormDataError(errors)
        with self.context.unit_of_work() as session:
            version = (session.scalar(select(func.max(AgreementTemplate.version))
                                      .where(AgreementTemplate.kind == kind)) or 0) + 1
            digest = hashlib.sha256(content).hexdigest()
            now = self.context.clock()
            session.add(AgreementTemplate(kind=kind, version=version, file_name=_file_name(file_name), content=content,
                                          sha256=digest, comment=comment.strip()[:1000] or None,
                                          uploaded_by_id=actor.user_id, uploaded_at=now))
            audit.record(session, actor, "agreement_template_uploaded", at=now, kind=kind, version=version,
                         file_name=_file_name(file_name), sha256=digest)
            return version

    # --- the signed copy (scan) ---------------------------------------------------------------------
    def papers(self, actor: Actor, agreement_id: int) -> AgreementPapersView:
        with self.context.unit_of_work() as session:
            agreement = visible_agreement(session, actor, agreement_id)
            rows = list(session.scalars(select(SignedCopy).where(SignedCopy.agreement_id == agreement.id)
                                        .order_by(SignedCopy.id)))
            names = _names(session, {r.uploaded_by_id for r in rows})
            copies = [SignedCopyView(r.id, r.file_name, r.size, r.sha256, names.get(r.uploaded_by_id),
                                     r.uploaded_at) for r in rows]
            return AgreementPapersView(agreement.id, copies,
                                       may_attach_signed_copy(actor, agreement, _department(session, agreement)),
                                       UPLOADS.scan_bytes)

    def attach_signed_copy(self, actor: Actor, agreement_id: int, file_name: str, content: bytes) -> int:
        with self.context.unit_of_work() as session:
            agreement = visible_agreement(session, actor, agreement_id)
            if not may_attach_signed_copy(actor, agreement, _department(session, agreement)):
                raise NotAllowedError("締結済み協定書の写しを登録できるのは、包括連携協定は総合政策課、"
                                      "個別協定は担当課です")
            problem = scan_problem(file_name, content)
            if problem:
                raise FormDataError({"scan": problem})
            digest, now = hashlib.sha256(content).hexdigest(), self.context.clock()
            row = SignedCopy(agreement_id=agreement.id, file_name=_file_name(file_name), size=len(content),
                             sha256=digest, content=content, uploaded_by_id=actor.user_id, uploaded_at=now)
            session.add(row)
            session.flush()
            audit.record(session, actor, "signed_copy_attached", at=now, case_id=agreement.case_id,
                         agreement_id=agreement.id, file_name=row.file_name, size=row.size, sha256=digest)
            return row.id

    def signed_copy(self, actor: Actor, agreement_id: int, copy_id: int) -> DocumentFile:
        with self.context.unit_of_work() as session:
            agreement = visible_agreement(session, actor, agreement_id)
            row = session.get(SignedCopy, copy_id)
            if row is None or row.agreement_id != agreement.id or not may_act_on_agreement(actor, agreement, "read"):
                raise NotFoundError("締結済み協定書の写しが見つかりません")
            return DocumentFile(row.file_name, row.content, PDF)


def _department(session: Session, agreement: Agreement) -> int | None:
    return session.scalar(select(Project.department_id).where(Project.id == agreement.project_id)) \
        if agreement.project_id else None


def _file_name(name: str) -> str:
    """The name as shown and offered on download: the last path part, at most 200 characters."""
    return (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:200] or "file"


def _template_errors(kind: str, file_name: str, content: bytes) -> dict[str, str]:
    if kind not in SHIPPED:
        return {"kind": "協定の種別を選択してください"}
    if not content:
        return {"template": "ひな形のファイル（.docx）を選択してください"}
    if len(content) > UPLOADS.template_bytes:
        return {"template": f"ひな形は{UPLOADS.template_bytes // (1024 * 1024)}MB以内にしてください"}
    if not (file_name or "").lower().endswith(".docx"):
        return {"template": "ひな形はWord文書（.docx）で登録してください"}
    problems = template_problems(content, document_fields(sample_snapshot(kind), CitySignatory(name="見本")))
    return {"template": "；".join(str(p) for p in problems)} if problems else {}


def scan_problem(file_name: str, content: bytes) -> str | None:
    """Why this is not a signed scan we keep: empty, too large, or not a PDF by its content (the name and the
    browser's type are not trusted)."""
    if not content:
        return "締結済み協定書のPDFを選択してください"
    if len(content) > UPLOADS.scan_bytes:
        return f"PDFは{UPLOADS.scan_bytes // (1024 * 1024)}MB以内にしてください（{len(content) // 1024}KB）"
    if not content.startswith(_PDF_START) or _PDF_END not in content[-1024:]:
        return "PDFファイルではありません（内容がPDFの形式ではありません）"
    return None
