"""個別協定 under a 包括連携協定 (R-1, R-2).

A 包括連携協定 names no projects: they "go into individual agreements or contracts as needed" (R-1). So from a
concluded agreement's page the 担当課 of one of its projects (or 総合政策課) starts an ``individual_agreement``
case for that project — the same process the R-5.8 fallback calls, given the same ``project`` the calling
multi-instance would pass. The case is linked to the agreement and the project (``agreement_case_link``), so
the register lists each agreement's 個別協定 and a second one for the same project is refused while one is
open. When such a case ends 締結, its 個別協定 is recorded in the register like the fallback's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access import Actor, individual_role_refusal, individual_start_refusal
from engine.agreements.lifecycle import OPEN_STATUSES
from engine.agreements.scope import projects_under
from engine.agreements.views import INDIVIDUAL_KINDS, PROGRESS_LABELS, IndividualView, StartableProject
from engine.cases import service as cases
from engine.cases.stored import case_workflow
from engine.errors import CaseStateError, FormDataError, NotAllowedError
from engine.events import AgreementSigned, CaseEnded, Event, publish
from engine.persistence.models import (
    Agreement,
    AgreementCaseLink,
    Case,
    Department,
    PartnershipMeeting,
    Project,
)
from engine.persistence.models.agreement import COMPREHENSIVE, INDIVIDUAL_PROJECT
from engine.persistence.models.partnership_meeting import REGULAR
from engine.workflow.runner import case_data

INDIVIDUAL_PROCESS = "individual_agreement"
MAX_ROW_ID = 2**31 - 1  # PostgreSQL's integer


def start_individual(session: Session, actor: Actor, agreement: Agreement, project_id: str, kind: str,
                     now: datetime, meeting_id: str | None = None) -> Case:
    """Starts the 個別協定 case; a refusal or a bad field changes nothing (the caller's one transaction)."""
    refusal = individual_role_refusal(actor)
    if refusal is not None:
        raise NotAllowedError(refusal)
    errors: dict[str, str] = {}
    if kind not in INDIVIDUAL_KINDS:
        errors["kind"] = "協定の種別（特定事業／特定分野）を選択してください"
    project = _project_under(session, agreement, project_id)
    if project is None:
        errors["project_id"] = "この協定の連携事業から選択してください"
    meeting = _meeting_of(session, agreement, meeting_id)
    if meeting_id and meeting is None:
        errors["meeting_id"] = "この協定の個別定例会議から選択してください"
    if project is not None:
        refusal = individual_start_refusal(actor, project.department_id)
        if refusal is not None:
            raise NotAllowedError(refusal)
    if errors:
        raise FormDataError(errors)
    assert project is not None
    _check_state(session, agreement, project)
    department = session.get(Department, project.department_id) if project.department_id else None
    data = {"project": _project_data(project, department), "individual_kind": kind,
            "agreement_title": agreement.title}
    case = cases.open_case(session, actor, INDIVIDUAL_PROCESS, agreement.organisation_id, "city", now, data,
                           by_engine=True)
    case.title = f"個別協定：{project.title}"
    session.add(AgreementCaseLink(agreement_id=agreement.id, case_id=case.id, project_id=project.id,
                                  individual_kind=kind, meeting_id=meeting.id if meeting else None,
                                  created_at=now))
    session.flush()
    return case


def row_id(text: str | int | None) -> int | None:
    """A row id a person sent, or None: anything else, or a number no integer column holds (a query with it
    would fail in PostgreSQL instead of naming the field)."""
    value = str(text or "")
    return int(value) if value.isdigit() and int(value) <= MAX_ROW_ID else None


def _project_under(session: Session, agreement: Agreement, project_id: str) -> Project | None:
    wanted = row_id(project_id)
    if agreement.kind != COMPREHENSIVE or wanted is None:
        return None
    return next((s.project for s in projects_under(session, agreement) if s.project.id == wanted), None)


def _meeting_of(session: Session, agreement: Agreement, meeting_id: str | None) -> PartnershipMeeting | None:
    wanted = row_id(meeting_id)
    if wanted is None:
        return None
    meeting = session.get(PartnershipMeeting, wanted)
    if meeting is None or meeting.agreement_id != agreement.id or meeting.kind != REGULAR:
        return None
    return meeting


def check_open(agreement: Agreement) -> None:
    """Nothing new starts under an agreement that has ended (期間満了 or 解除)."""
    if agreement.status not in OPEN_STATUSES:
        raise CaseStateError("この協定は既に終了しているため、新しい案件を始められません")


def _check_state(session: Session, agreement: Agreement, project: Project) -> None:
    check_open(agreement)
    if project.department_id is None:
        raise CaseStateError(f"連携事業「{project.title}」の担当課が決まっていないため、個別協定を始められません")
    if _open_for(session, [project.id]):
        raise CaseStateError(f"連携事業「{project.title}」の個別協定は協議中です。その案件で進めてください")


def _open_for(session: Session, project_ids: Sequence[int]) -> set[int]:
    """The projects with a 個別協定 case still running (one at a time per project)."""
    if not project_ids:
        return set()
    return set(session.scalars(
        select(AgreementCaseLink.project_id)
        .join(Case, AgreementCaseLink.case_id == Case.id)
        .where(AgreementCaseLink.project_id.in_(project_ids), Case.status == "running")
    ))


def _project_data(project: Project, department: Department | None) -> dict:
    """The project as docs/process-data.md defines it, and as the fallback's multi-instance passes it."""
    return {"id": project.key, "title": project.title, "summary": project.summary, "category": project.category,
            "fiscal_year": project.fiscal_year, "department": department.code if department else None}


def startable_projects(session: Session, actor: Actor, agreement: Agreement) -> list[StartableProject]:
    """The projects a 個別協定 could be started for, each with this person's answer (engine.access)."""
    if agreement.kind != COMPREHENSIVE or agreement.status not in OPEN_STATUSES:
        return []
    scoped = projects_under(session, agreement)
    running = _open_for(session, [s.project.id for s in scoped])
    found = []
    for s in scoped:
        refusal = individual_start_refusal(actor, s.project.department_id)
        if refusal is None and s.project.id in running:
            refusal = "協議中の個別協定があります"
        found.append(StartableProject(s.project.id, s.project.title, s.department.name if s.department else None,
                                      refusal))
    return found


def individuals_of(session: Session, agreement_ids: Sequence[int]) -> dict[int, list[IndividualView]]:
    """Each agreement's 個別協定 started under it, oldest first (the register, its CSV and the API)."""
    if not agreement_ids:
        return {}
    rows = session.execute(
        select(AgreementCaseLink, Case, Project.title, Department.name)
        .join(Case, AgreementCaseLink.case_id == Case.id)
        .join(Project, AgreementCaseLink.project_id == Project.id)
        .outerjoin(Department, Project.department_id == Department.id)
        .where(AgreementCaseLink.agreement_id.in_(agreement_ids))
        .order_by(AgreementCaseLink.agreement_id, AgreementCaseLink.id)
    ).all()
    signed = {
        a.case_id: a for a in session.scalars(
            select(Agreement).where(Agreement.case_id.in_([case.id for _, case, _, _ in rows]),
                                    Agreement.kind != COMPREHENSIVE))
    }
    found: dict[int, list[IndividualView]] = defaultdict(list)
    for link, case, title, department in rows:
        own = signed.get(case.id)
        progress = "running" if case.status == "running" else (case.outcome or "dropped")
        kind = own.kind if own is not None else (link.individual_kind or INDIVIDUAL_PROJECT)
        found[link.agreement_id].append(IndividualView(
            case.id, case.number or "", link.project_id, title, department, kind,
            INDIVIDUAL_KINDS.get(kind, kind), progress, PROGRESS_LABELS.get(progress, progress),
            own.signed_on if own is not None else None, own.id if own is not None else None, link.meeting_id,
        ))
    return found


def on_case_ended(session: Session, event: Event) -> None:
    """A 個別協定 case started under an agreement ended 締結: its agreement goes into the register (R-2)."""
    assert isinstance(event, CaseEnded)
    if event.outcome != "concluded":
        return
    link = session.scalar(select(AgreementCaseLink).where(AgreementCaseLink.case_id == event.case_id,
                                                          AgreementCaseLink.project_id.is_not(None)))
    if link is None:
        return
    case = session.get(Case, event.case_id)
    result = case_data(case_workflow(case)).get("individual_result") or {}
    if not result.get("signed_on"):
        return
    project = session.get(Project, link.project_id)
    agreement = Agreement(
        case_id=case.id, organisation_id=case.organisation_id, kind=result.get("kind") or link.individual_kind,
        project_id=project.id, title=f"個別協定：{project.title}", signed_on=date.fromisoformat(result["signed_on"]),
        created_at=event.at,
    )
    session.add(agreement)
    session.flush()
    publish(session, AgreementSigned(event.at, case.id, agreement.id))
