"""実績 reports (issue #16, R-8.1): per fiscal year, every agreement in force with its projects, the 担当課, and
what the 個別定例会議 recorded — implemented or not, the outcome, the citizens reached.

One query (``report_rows``) feeds three renderings: the internal xlsx (every agreement the reader may read),
the Word report for 公表 and the open data of /public/agreements (both: the public columns of the
包括連携協定 the public register lists). A project with nothing recorded for the year shows 未記録, not 0.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from docx import Document
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from engine.access import Actor, is_city_staff, readable_agreements
from engine.agreements.queries import under_agreement
from engine.csv_export import csv_text
from engine.documents.fields import KIND_LABELS
from engine.documents.views import DOCX, XLSX, DocumentFile
from engine.domain.lifecycle_schedule import fiscal_year_label
from engine.domain.validity import fiscal_year_end
from engine.errors import FormDataError, NotAllowedError
from engine.persistence.models import Agreement, Department, Organisation, PartnershipResult, Project
from engine.persistence.models.agreement import COMPREHENSIVE

if TYPE_CHECKING:
    from engine.context import Context

IMPLEMENTED = {True: "実施", False: "未実施", None: "未記録"}
# (key, 列名): the public columns, documented in docs/open-data.md; only ever added, never renamed.
PUBLIC_RESULT_FIELDS: tuple[tuple[str, str], ...] = (
    ("fiscal_year", "年度"), ("fiscal_year_label", "年度（和暦）"), ("agreement_id", "協定番号"),
    ("agreement_title", "協定の名称"), ("partner_name", "協定の相手方"), ("project", "連携事業"),
    ("department", "担当課"), ("implemented", "実施状況"), ("outcome", "成果"),
    ("citizen_reach", "参加・利用した市民（人）"),
)
INTERNAL_FIELDS = PUBLIC_RESULT_FIELDS[:4] + (("kind", "協定の種別"),) + PUBLIC_RESULT_FIELDS[4:]


@dataclass(frozen=True)
class ResultRow:
    fiscal_year: int
    agreement_id: int
    agreement_title: str
    kind: str
    partner_name: str
    project: str
    department: str
    implemented: bool | None
    outcome: str
    citizen_reach: int | None

    def value(self, key: str) -> Any:
        if key == "fiscal_year_label":
            return fiscal_year_label(self.fiscal_year)
        if key == "implemented":
            return IMPLEMENTED[self.implemented]
        if key == "kind":
            return KIND_LABELS.get(self.kind, self.kind)
        return getattr(self, key)


@dataclass(frozen=True)
class ReportFigures:
    agreements: int
    projects: int
    implemented: int
    citizen_reach: int


def figures(rows: list[ResultRow]) -> ReportFigures:
    return ReportFigures(len({r.agreement_id for r in rows}), len(rows), sum(1 for r in rows if r.implemented),
                         sum(r.citizen_reach or 0 for r in rows if r.implemented))


def report_rows(session: Session, year: int, where: Any) -> list[ResultRow]:
    """Agreements in force at some time in fiscal year ``year`` (signed by its end, not expired before its
    start), each with its partnership projects and the year's 実績."""
    start, end = date(year, 4, 1), fiscal_year_end(year)
    result = select(PartnershipResult).where(PartnershipResult.fiscal_year == year).subquery()
    query = (
        select(Agreement, Organisation.name, Project.title, Department.name, result.c.implemented,
               result.c.outcome, result.c.citizen_reach)
        .join(Organisation, Organisation.id == Agreement.organisation_id)
        .join(Project, under_agreement())
        .outerjoin(Department, Department.id == Project.department_id)
        .outerjoin(result, and_(result.c.agreement_id == Agreement.id, result.c.project_id == Project.id))
        .where(where, Agreement.signed_on <= end, or_(Agreement.valid_until.is_(None), Agreement.valid_until >= start))
        .order_by(Agreement.signed_on, Agreement.id, Project.id)
    )
    return [ResultRow(year, a.id, a.title, a.kind, partner, project, department or "", implemented,
                      outcome or "", reach)
            for a, partner, project, department, implemented, outcome, reach in session.execute(query)]


def _year(text: str | int) -> int:
    try:
        year = int(str(text).strip())
    except ValueError:
        raise FormDataError({"year": "年度は西暦の数字で指定してください（例: 2025）"}) from None
    if not 2000 <= year <= 2100:
        raise FormDataError({"year": "年度は2000〜2100の範囲で指定してください"})
    return year


class PartnershipReport:
    def __init__(self, context: Context) -> None:
        self.context = context

    def rows(self, actor: Actor, year: str | int) -> list[ResultRow]:
        fiscal = _year(year)
        if not is_city_staff(actor):
            raise NotAllowedError("実績報告は市の職員が作成します")
        with self.context.unit_of_work() as session:
            return report_rows(session, fiscal, readable_agreements(actor))

    def public_rows(self, year: str | int | None = None) -> list[ResultRow]:
        """Reads without an actor on purpose: the 包括連携協定 the public register lists, public columns only."""
        with self.context.unit_of_work() as session:
            years = [_year(year)] if year not in (None, "") else sorted(set(session.scalars(
                select(PartnershipResult.fiscal_year).distinct())))
            return [row for fiscal in years
                    for row in report_rows(session, fiscal, Agreement.kind == COMPREHENSIVE)]

    def xlsx(self, actor: Actor, year: str | int) -> DocumentFile:
        rows = self.rows(actor, year)
        book = Workbook()
        sheet = book.active
        sheet.title = "実績"
        sheet.append([label for _, label in INTERNAL_FIELDS])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([row.value(key) for key, _ in INTERNAL_FIELDS])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # an outcome typed as "=…" stays text, never a formula
        total = figures(rows)
        sheet.append([])
        sheet.append(["合計", f"協定{total.agreements}件", f"連携事業{total.projects}件", f"実施{total.implemented}件",
                      f"参加・利用した市民{total.citizen_reach}人"])
        out = io.BytesIO()
        book.save(out)
        return DocumentFile(f"連携事業の実績_{_year(year)}年度.xlsx", out.getvalue(), XLSX)

    def docx(self, actor: Actor, year: str | int) -> DocumentFile:
        """The report for 公表: public columns of the public agreements only, whoever asks."""
        fiscal = _year(year)
        if not is_city_staff(actor):
            raise NotAllowedError("実績報告は市の職員が作成します")
        rows = self.public_rows(fiscal)
        return DocumentFile(f"包括連携協定の実績_{fiscal}年度.docx", report_document(fiscal, rows), DOCX)

    def public_csv(self, year: str | int | None = None) -> str:
        return csv_text([label for _, label in PUBLIC_RESULT_FIELDS],
                        [[row.value(key) for key, _ in PUBLIC_RESULT_FIELDS] for row in self.public_rows(year)])

    def public_json(self, year: str | int | None = None) -> list[dict[str, Any]]:
        return [{key: row.value(key) for key, _ in PUBLIC_RESULT_FIELDS} for row in self.public_rows(year)]


def report_document(year: int, rows: list[ResultRow]) -> bytes:
    document = Document()
    document.add_heading(f"包括連携協定に基づく連携事業の実績（{fiscal_year_label(year)}）", level=1)
    total = figures(rows)
    document.add_paragraph(
        f"協定{total.agreements}件、連携事業{total.projects}件のうち実施{total.implemented}件、"
        f"参加・利用した市民は延べ{total.citizen_reach}人でした。（個別定例会議での記録による。ガイドライン６）")
    columns = [(key, label) for key, label in PUBLIC_RESULT_FIELDS if key not in ("fiscal_year", "fiscal_year_label",
                                                                                  "agreement_id")]
    table = document.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    for cell, (_, label) in zip(table.rows[0].cells, columns, strict=True):
        cell.text = label
    for row in rows:
        cells = table.add_row().cells
        for cell, (key, _) in zip(cells, columns, strict=True):
            value = row.value(key)
            cell.text = "" if value is None else str(value)
    for paragraph in (p for r in table.rows for c in r.cells for p in c.paragraphs):
        for run in paragraph.runs:
            run.font.size = Pt(9)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
