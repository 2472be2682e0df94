"""What falls under an agreement: its partnership projects (with their 担当課) and its 実績 per fiscal year.

A 包括連携協定's projects are the partnership projects of its own case plus those of cases started under it
(new proposals from its 個別定例会議, R-8.1): in both, a project judged 実施する at ⑤ with no R-3.6 exclusion
(engine.domain.projects, stored as ``project.counted``). The lifecycle asks each of those 担当課 for a
yearly meeting, and the register lists them; both read this one definition.

A project judged 実施する but excluded under R-3.6 "is not a partnership project at all": the register
neither lists it among an agreement's 連携事業 nor counts its category among the 連携分野, and no 個別定例会議
is asked about it. It stays on its case page, marked as excluded (the case is where that judgement lives).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from engine.persistence.models import Agreement, AgreementCaseLink, Department, PartnershipResult, Project
from engine.persistence.models.agreement import COMPREHENSIVE


@dataclass(frozen=True)
class ScopedProject:
    project: Project
    department: Department | None


def _linked_case_ids(session: Session, agreement_id: int):
    return select(AgreementCaseLink.case_id).where(AgreementCaseLink.agreement_id == agreement_id)


def projects_under(session: Session, agreement: Agreement) -> list[ScopedProject]:
    if agreement.kind != COMPREHENSIVE:
        project = session.get(Project, agreement.project_id) if agreement.project_id else None
        if project is None:
            return []
        return [ScopedProject(project, session.get(Department, project.department_id))]
    # its own case's projects, or those entered with it when it was signed before the system (既存協定の登録)
    own = or_(Project.case_id == agreement.case_id, Project.agreement_id == agreement.id)
    linked = Project.case_id.in_(_linked_case_ids(session, agreement.id))
    rows = session.execute(
        select(Project, Department)
        .outerjoin(Department, Project.department_id == Department.id)
        .where(or_(own, linked), Project.counted)
        .order_by(Project.case_id.nullsfirst(), Project.id)
    )
    return [ScopedProject(project, department) for project, department in rows]


def meeting_departments(session: Session, agreement: Agreement) -> dict[str, dict]:
    """The multi-instance input of the 個別定例会議: one entry per 担当課.

    Keyed M1, M2 …: a multi-instance input is a dict, never a list (notes §3).
    """
    grouped: dict[int, list[Project]] = defaultdict(list)
    departments: dict[int, Department] = {}
    for scoped in projects_under(session, agreement):
        if scoped.department is not None:
            grouped[scoped.department.id].append(scoped.project)
            departments[scoped.department.id] = scoped.department
    result = {}
    for number, department_id in enumerate(sorted(grouped), start=1):
        department = departments[department_id]
        key = f"M{number}"
        result[key] = {
            "id": key,
            "title": department.name,
            "department": department.code,
            "department_name": department.name,
            "projects": [{"project_id": p.id, "title": p.title} for p in grouped[department_id]],
        }
    return result


def involved_departments(session: Session, agreement: Agreement) -> list[dict[str, str]]:
    """Choices for the 全体会議's attendees (R-8.2): every 担当課 with a project under the agreement."""
    return [
        {"value": entry["department"], "label": entry["department_name"]}
        for entry in meeting_departments(session, agreement).values()
    ]


def results_by_year(session: Session, agreement_id: int) -> dict[str, int]:
    """Implemented projects per fiscal year (R-9.1 counts years without any)."""
    rows = session.execute(
        select(PartnershipResult.fiscal_year, func.count())
        .where(PartnershipResult.agreement_id == agreement_id, PartnershipResult.implemented)
        .group_by(PartnershipResult.fiscal_year)
    )
    return {str(year): count for year, count in rows}
