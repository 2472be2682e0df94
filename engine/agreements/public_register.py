"""The public register of 包括連携協定 (透明性): what anyone may read, as a page and as open data.

Only the fields listed in ``PUBLIC_FIELDS`` ever leave this module, and each is read from a named
column, never from case data: nothing of the deliberation (exclusion checklists, judgements, notes,
consultation records, personal names) can reach the public by accident. An agreement lists the projects
the internal register lists (engine.agreement_queries.under_agreement): partnership projects only
(engine.domain.projects: 実施する at ⑤, not excluded under R-3.6), of its case and of cases started under it.
The column list is documented in docs/open-data.md; a column is only ever added, never renamed. Only
agreements with a verified organisation (確認済み) are public; the page, the CSV and the JSON read one query.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from engine.agreements.queries import under_agreement
from engine.csv_export import csv_text
from engine.domain.guideline import CATEGORIES
from engine.domain.projects import categories_spanned
from engine.domain.wareki import format_wareki
from engine.persistence.models import Agreement, AgreementTermination, Department, Organisation, Project
from engine.persistence.models.agreement import COMPREHENSIVE

if TYPE_CHECKING:
    from engine.context import Context

# Agreement statuses as the public reads them; an ended agreement says why it ended (終了・解除).
STATUS_LABELS = {"active": "有効", "renewed": "有効", "ending": "終了予定", "ended": "終了", "expired": "終了",
                 "terminated": "解除"}
EXPIRED_REASON = "有効期間の満了（更新しない旨の申出による）"
# The ground of a 解除 is public (accountability); the written reasoning behind it stays internal.
TERMINATION_GROUNDS = {
    "R-9.1": "協定の解除：2年度以上連携の実績がなく、今後の連携が見込めないため（ガイドライン第7条、R-9.1）",
    "R-9.2": "協定の解除：協定の要件を満たさなくなったため（ガイドライン第7条、R-9.2）",
}
TERMINATED_REASON = "協定の解除（ガイドライン第7条）"

# (key, 列名, 説明): the documented open-data columns, in order.
PUBLIC_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("agreement_id", "協定番号", "協定ごとに変わらない番号"),
    ("partner_name", "協定の相手方", "企業等の名称"),
    ("title", "協定の名称", "協定書の名称"),
    ("signed_on", "締結日", "ISO 8601（YYYY-MM-DD）"),
    ("signed_on_wareki", "締結日（和暦）", "令和N年M月D日"),
    ("valid_from", "有効期間の始期", "ISO 8601"),
    ("valid_until", "有効期間の終期", "ISO 8601。自動更新されると次の終期に変わります（R-6.2）"),
    ("status", "状態", "有効・終了予定・終了・解除"),
    ("ended_on", "終了日", "ISO 8601。終了または解除した協定のみ"),
    ("end_reason", "終了・解除の理由", "終了または解除した協定のみ"),
    ("categories", "連携分野", "ガイドラインの7分野（R-4）のうち、連携事業がある分野"),
    ("projects", "連携事業", "連携事業の名称・分野・担当課・年度"),
)


@dataclass(frozen=True)
class PublicProject:
    title: str
    category: str
    department: str
    fiscal_year: int | None


@dataclass(frozen=True)
class PublicAgreement:
    agreement_id: int
    partner_name: str
    title: str
    signed_on: date
    valid_from: date | None
    valid_until: date | None
    status: str
    ended_on: date | None
    end_reason: str
    categories: list[str]
    projects: list[PublicProject]
    registered: bool = False  # signed before the system, entered later (既存協定の登録)

    @property
    def ended(self) -> bool:
        return self.status in ("終了", "解除")

    @property
    def signed_on_wareki(self) -> str:
        return format_wareki(self.signed_on)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        for name in ("signed_on", "valid_from", "valid_until", "ended_on"):
            data[name] = data[name].isoformat() if data[name] else None
        data["signed_on_wareki"] = self.signed_on_wareki
        return {key: data[key] for key, _, _ in PUBLIC_FIELDS}


class PublicRegister:
    """Reads without an actor on purpose: everything it returns is public."""

    def __init__(self, context: Context) -> None:
        self.context = context

    def agreements(self) -> list[PublicAgreement]:
        """Current agreements first (newest signing first), then those that have ended."""
        with self.context.unit_of_work() as session:
            signed = session.execute(
                select(Agreement.id, Agreement.case_id, Agreement.title, Agreement.signed_on, Agreement.valid_from,
                       Agreement.valid_until, Agreement.status, Agreement.registered_at, Organisation.name, AgreementTermination.ground,
                       AgreementTermination.terminated_on)
                .join(Organisation, Agreement.organisation_id == Organisation.id)
                .outerjoin(AgreementTermination, AgreementTermination.agreement_id == Agreement.id)
                # An organisation 総合政策課 has not verified (確認) registered itself: it is never published
                # (issue #12 item 3), even if an agreement was recorded for it some other way.
                .where(Agreement.kind == COMPREHENSIVE, Organisation.verified.is_(True))
                .order_by(Agreement.signed_on.desc(), Agreement.id.desc())
            ).all()
            projects = self._projects(session, [row.id for row in signed])
        found = [
            PublicAgreement(
                agreement_id=row.id, partner_name=row.name, title=row.title, signed_on=row.signed_on,
                valid_from=row.valid_from, valid_until=row.valid_until,
                status=STATUS_LABELS.get(row.status, "その他"), **_ending(row),
                registered=row.registered_at is not None,
                categories=[CATEGORIES[c] for c in
                            categories_spanned(p.category for p in projects.get(row.id, []))],
                projects=[PublicProject(p.title, CATEGORIES.get(p.category or "", ""), p.department, p.fiscal_year)
                          for p in projects.get(row.id, [])],
            )
            for row in signed
        ]
        return sorted(found, key=lambda a: a.ended)  # stable: keeps the signing order inside each group

    @staticmethod
    def _projects(session, agreement_ids: list[int]) -> dict[int, list]:
        """By agreement id: the projects the internal register lists for it, in the same order."""
        rows = session.execute(
            select(Agreement.id, Project.title, Project.category, Project.fiscal_year, Department.name)
            .select_from(Agreement).join(Project, under_agreement())
            .outerjoin(Department, Project.department_id == Department.id)
            .where(Agreement.id.in_(agreement_ids))
            .order_by(Agreement.id, Project.case_id, Project.id))
        found: dict[int, list] = {}
        for row in rows:
            found.setdefault(row.id, []).append(_ProjectRow(row.title, row.category, row.fiscal_year,
                                                                 row.name or ""))
        return found

    def as_csv(self) -> str:
        """UTF-8 with BOM; lists in one cell are separated by 「；」."""
        rows = []
        for agreement in self.agreements():
            data = agreement.as_json()
            data["categories"] = "；".join(agreement.categories)
            data["projects"] = "；".join(f"{p.title}（{p.department}）" for p in agreement.projects)
            rows.append([data[key] if data[key] is not None else "" for key, _, _ in PUBLIC_FIELDS])
        return csv_text([label for _, label, _ in PUBLIC_FIELDS], rows)

    def as_json(self) -> dict[str, Any]:
        return {
            "title": "茅ヶ崎市 包括連携協定一覧",
            "publisher": "茅ヶ崎市 総合政策課",
            "generated_at": self.context.clock().isoformat(),
            "columns": [{"key": key, "label": label, "description": text} for key, label, text in PUBLIC_FIELDS],
            "agreements": [agreement.as_json() for agreement in self.agreements()],
        }


def _ending(row) -> dict[str, Any]:
    """When and why an agreement ended: expiry after notice (R-6.2), or 解除 on its ground (R-9)."""
    if row.status in ("ended", "expired"):
        return {"ended_on": row.valid_until, "end_reason": EXPIRED_REASON}
    if row.status == "terminated":
        return {"ended_on": row.terminated_on, "end_reason": TERMINATION_GROUNDS.get(row.ground, TERMINATED_REASON)}
    return {"ended_on": None, "end_reason": ""}


@dataclass(frozen=True)
class _ProjectRow:
    title: str
    category: str | None
    fiscal_year: int | None
    department: str
