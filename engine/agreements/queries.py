"""Reading the agreement register: a page of rows in a handful of queries, one agreement with its history.

Rows are built for many agreements at once (projects, 実績 and periods are read per query, not per
agreement), so the register and GET /api/agreements stay fast as the city's agreements accumulate.
Visibility: city staff read every agreement (the register is the city's ledger); a 企業等 reads its own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy import case as when
from sqlalchemy.orm import Session

from engine.access import Actor, readable_agreements
from engine.agreements.individual import individuals_of
from engine.agreements.lifecycle import STATUS_LABELS
from engine.agreements.links import CaseLinks
from engine.agreements.views import (
    AgreementRow,
    NoticeView,
    PeriodView,
    ProjectRow,
    RegisterFilter,
    YearRecord,
)
from engine.domain.guideline import CATEGORIES, OUTCOMES
from engine.domain.lifecycle_schedule import fiscal_year_label
from engine.domain.projects import categories_spanned
from engine.errors import NotFoundError
from engine.paging import keyset as paging
from engine.paging.keyset import Key, Page, PageRequest
from engine.persistence.models import (
    Agreement,
    AgreementCaseLink,
    AgreementNotice,
    AgreementPeriod,
    Case,
    Department,
    Organisation,
    PartnershipResult,
    Project,
    UserAccount,
)
from engine.persistence.models.agreement import COMPREHENSIVE


def visible_to(actor: Actor) -> ColumnElement[bool]:
    return readable_agreements(actor)


def visible_agreement(session: Session, actor: Actor, agreement_id: int) -> Agreement:
    agreement = session.scalar(select(Agreement).where(Agreement.id == agreement_id, visible_to(actor)))
    if agreement is None:
        raise NotFoundError(f"協定 {agreement_id} は見つかりません")
    return agreement


def under_agreement(agreement_table=Agreement) -> ColumnElement[bool]:
    """SQL form of engine.agreements.scope.projects_under, correlated to the agreement row: the partnership
    projects (``project.counted``, engine.domain.projects) of its case and of the cases started under it;
    an individual agreement's own project."""
    linked = select(AgreementCaseLink.case_id).where(AgreementCaseLink.agreement_id == agreement_table.id)
    own = and_(agreement_table.kind == COMPREHENSIVE,
               or_(Project.case_id == agreement_table.case_id, Project.agreement_id == agreement_table.id))
    from_links = Project.case_id.in_(linked)
    return and_(~Project.removed, or_(and_(Project.counted, or_(own, from_links)),
                                      Project.id == agreement_table.project_id))


def _search_condition(filters: RegisterFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.kind:
        conditions.append(Agreement.kind == filters.kind)
    if filters.status:
        conditions.append(Agreement.status == filters.status)
    if filters.department:
        conditions.append(
            exists(
                select(Project.id)
                .join(Department, Project.department_id == Department.id)
                .where(under_agreement(), Department.code == filters.department)
            )
        )
    if filters.q.strip():
        words = filters.q.split()
        for word in words:
            like = f"%{word}%"
            conditions.append(
                or_(
                    Agreement.title.ilike(like),
                    Organisation.name.ilike(like),
                    Case.number.ilike(like),
                    exists(select(Project.id).where(under_agreement(), Project.title.ilike(like))),
                )
            )
    return conditions


def _search_query(actor: Actor, filters: RegisterFilter):
    return (
        select(Agreement.id)
        .join(Organisation, Agreement.organisation_id == Organisation.id)
        .outerjoin(Case, Agreement.case_id == Case.id)  # none for an agreement signed before the system
        .where(visible_to(actor), *_search_condition(filters))
    )


KEYS = (Key(Agreement.signed_on, True), Key(Agreement.id, True))  # newest signing first


def search(session: Session, actor: Actor, filters: RegisterFilter) -> list[AgreementRow]:
    """Every matching agreement, unpaged: the CSV and Excel exports of the register."""
    ids = list(session.scalars(_search_query(actor, filters).order_by(*(k.order(False) for k in KEYS))))
    links = CaseLinks(session, actor)
    return [links.row(row) for chunk in range(0, len(ids), 1000)
            for row in rows_for(session, ids[chunk:chunk + 1000])]


def search_page(session: Session, actor: Actor, filters: RegisterFilter, request: PageRequest | None = None,
                cursor: str | None = None) -> Page[AgreementRow]:
    """A page of the register (engine.paging): the ids by keyset, then the page's rows in a few queries."""
    found = paging.fetch(session, _search_query(actor, filters), KEYS, request, "agreements",
                         lambda row: row.id, cursor)
    links = CaseLinks(session, actor)
    return replace(found, items=[links.row(row) for row in rows_for(session, found.items)])


def rows_for(session: Session, agreement_ids: Sequence[int]) -> list[AgreementRow]:
    if not agreement_ids:
        return []
    found = session.execute(
        select(Agreement.id, Agreement.kind, Agreement.title, Agreement.signed_on, Agreement.valid_from,
               Agreement.valid_until, Agreement.notice_deadline, Agreement.status, Agreement.case_id,
               Agreement.principle_exception_reason, Agreement.registered_at, Organisation.name, Case.number)
        .join(Organisation, Agreement.organisation_id == Organisation.id)
        .outerjoin(Case, Agreement.case_id == Case.id)  # none for an agreement signed before the system
        .where(Agreement.id.in_(agreement_ids))
    )  # columns, not entities: the register never changes an agreement
    by_id = {row.id: (row, row.name, row.number) for row in found}
    projects = _projects(session, agreement_ids)
    records = _records(session, agreement_ids)
    renewals = _renewals(session, agreement_ids)
    late = _late_notices(session, agreement_ids)
    individuals = individuals_of(session, agreement_ids)
    ending = _ending_notices(session, agreement_ids)
    rows = []
    for agreement_id in agreement_ids:
        agreement, organisation_name, case_number = by_id[agreement_id]
        scoped = projects.get(agreement_id, [])
        rows.append(
            AgreementRow(
                id=agreement.id,
                kind=agreement.kind,
                title=agreement.title,
                organisation_name=organisation_name,
                signed_on=agreement.signed_on,
                valid_from=agreement.valid_from,
                valid_until=agreement.valid_until,
                notice_deadline=agreement.notice_deadline,
                status=agreement.status,
                status_label=STATUS_LABELS.get(agreement.status, agreement.status),
                case_id=agreement.case_id,
                case_number=case_number or "",
                period_number=renewals[agreement_id][-1].number if renewals.get(agreement_id) else None,
                categories=[CATEGORIES[c] for c in categories_spanned(p.category for p in scoped)],
                projects=scoped,
                records=records.get(agreement_id, []),
                renewals=renewals.get(agreement_id, []),
                late_notice=late.get(agreement_id),
                principle_exception_reason=agreement.principle_exception_reason,
                individuals=individuals.get(agreement_id, []),
                registered_at=agreement.registered_at,
                ending_notice=ending.get(agreement_id),
            )
        )
    return rows


def _candidates(session: Session, agreement_ids: Sequence[int]) -> ColumnElement[bool]:
    """Every project ``under_agreement`` could take for these agreements, read by the indexes of ``project``
    first and handed to the join as a list of ids; the rule itself is applied on top. Without it the join's OR
    is tested against every project (0.9 s a page at 100k cases on PostgreSQL, 2.9 s on SQLite, whose planner
    also scanned when the candidates were given as conditions instead of ids)."""
    chosen = Agreement.id.in_(agreement_ids)
    cases = set(session.scalars(select(Agreement.case_id).where(chosen, Agreement.case_id.is_not(None))))
    cases |= set(session.scalars(select(AgreementCaseLink.case_id)
                                 .where(AgreementCaseLink.agreement_id.in_(agreement_ids))))
    own = list(session.scalars(select(Agreement.project_id).where(chosen, Agreement.project_id.is_not(None))))
    ids = set(session.scalars(select(Project.id).where(Project.case_id.in_(sorted(cases)))))
    ids |= set(session.scalars(select(Project.id).where(Project.agreement_id.in_(agreement_ids))))
    return Project.id.in_(sorted(ids | set(own)))


def _projects(session: Session, agreement_ids: Sequence[int]) -> dict[int, list[ProjectRow]]:
    rows = session.execute(
        select(Agreement.id, Project, Department.name, Case.number)
        .select_from(Agreement)
        .join(Project, under_agreement())
        .outerjoin(Case, Project.case_id == Case.id)
        .outerjoin(Department, Project.department_id == Department.id)
        .where(Agreement.id.in_(agreement_ids), _candidates(session, agreement_ids))
        .order_by(Agreement.id, Project.case_id, Project.id)
    )
    found: dict[int, list[ProjectRow]] = defaultdict(list)
    for agreement_id, project, department_name, case_number in rows:
        found[agreement_id].append(
            ProjectRow(project.id, project.title, project.category, department_name, project.case_id,
                       case_number or "")
        )
    return found


def _records(session: Session, agreement_ids: Sequence[int]) -> dict[int, list[YearRecord]]:
    implemented = func.sum(when((PartnershipResult.implemented, 1), else_=0))
    rows = session.execute(
        select(
            PartnershipResult.agreement_id,
            PartnershipResult.fiscal_year,
            func.count(),
            implemented,
            func.coalesce(func.sum(PartnershipResult.citizen_reach), 0),
        )
        .where(PartnershipResult.agreement_id.in_(agreement_ids))
        .group_by(PartnershipResult.agreement_id, PartnershipResult.fiscal_year)
        .order_by(PartnershipResult.agreement_id, PartnershipResult.fiscal_year)
    )
    found: dict[int, list[YearRecord]] = defaultdict(list)
    for agreement_id, year, recorded, done, reach in rows:
        found[agreement_id].append(
            YearRecord(year, fiscal_year_label(year), recorded, int(done or 0), int(reach))
        )
    return found


def _renewals(session: Session, agreement_ids: Sequence[int]) -> dict[int, list[PeriodView]]:
    rows = session.execute(
        select(AgreementPeriod, Case.number)
        .outerjoin(Case, AgreementPeriod.case_id == Case.id)  # a period passed before registration has none
        .where(AgreementPeriod.agreement_id.in_(agreement_ids))
        .order_by(AgreementPeriod.agreement_id, AgreementPeriod.number)
    )
    found: dict[int, list[PeriodView]] = defaultdict(list)
    for period, number in rows:
        found[period.agreement_id].append(
            PeriodView(
                period.number,
                period.valid_from,
                period.valid_until,
                period.notice_deadline,
                period.outcome,
                OUTCOMES.get(period.outcome or "", "進行中"),
                period.case_id,
                number or "",
            )
        )
    return found


def notice_view(notice: AgreementNotice, recorded_by: str | None) -> NoticeView:
    return NoticeView(
        notice.given_by, notice.given_on, notice.in_time, notice.takes_effect_on, notice.reason, recorded_by
    )


def _late_notices(session: Session, agreement_ids: Sequence[int]) -> dict[int, NoticeView]:
    """Notice given after the current period's deadline: that period still renews (R-6.2)."""
    rows = session.execute(
        select(AgreementNotice, UserAccount.display_name)
        .join(AgreementPeriod, AgreementNotice.period_id == AgreementPeriod.id)
        .outerjoin(UserAccount, AgreementNotice.recorded_by_id == UserAccount.id)
        .where(
            AgreementNotice.agreement_id.in_(agreement_ids),
            ~AgreementNotice.in_time,
            AgreementPeriod.outcome.is_(None),
        )
        .order_by(AgreementNotice.id)
    )
    return {notice.agreement_id: notice_view(notice, name) for notice, name in rows}


def _ending_notices(session: Session, agreement_ids: Sequence[int]) -> dict[int, NoticeView]:
    """The notice that ends each agreement at its current expiry: given in time in this period, or late in the
    one before (R-6.2). The export carries it, so an agreement about to end is imported as about to end."""
    rows = session.execute(
        select(AgreementNotice, UserAccount.display_name)
        .join(Agreement, AgreementNotice.agreement_id == Agreement.id)
        .outerjoin(UserAccount, AgreementNotice.recorded_by_id == UserAccount.id)
        .where(AgreementNotice.agreement_id.in_(agreement_ids),
               AgreementNotice.takes_effect_on == Agreement.valid_until)
        .order_by(AgreementNotice.given_on.desc(), AgreementNotice.id.desc())
    )
    return {notice.agreement_id: notice_view(notice, name) for notice, name in rows}


def agreement_row(session: Session, actor: Actor, agreement_id: int) -> AgreementRow:
    visible_agreement(session, actor, agreement_id)
    return CaseLinks(session, actor).row(rows_for(session, [agreement_id])[0])
