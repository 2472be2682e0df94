"""A 個別定例会議's new proposal (新たな提案, R-8.1) becomes a case from the meeting's record.

The meeting task can start a ① case for ticked proposals at once (engine.agreements.lifecycle_tasks); a proposal
left unticked stays on the meeting's record, and from the agreement's page it later becomes either a new ①
case (comprehensive_agreement, started for the same 企業等 with the proposal's text: a new partnership proposal,
R-5.1, which 総合政策課 starts) or a 個別協定 for it (R-2, which the meeting's 担当課 — the proposal's owner — or
総合政策課 starts). Either way the case is linked to the agreement and the meeting, and the proposal to the case.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from engine.access import Actor, individual_start_refusal, start_refusal
from engine.accounts.registration import PROPOSAL_PROCESS
from engine.agreements.individual import INDIVIDUAL_PROCESS, check_open, row_id
from engine.cases import service as cases
from engine.domain.japan_time import japan_date
from engine.domain.validity import fiscal_year
from engine.domain.wareki import format_wareki
from engine.errors import CaseStateError, FormDataError, NotAllowedError
from engine.persistence.models import (
    Agreement,
    AgreementCaseLink,
    Case,
    Department,
    PartnershipMeeting,
    Project,
)
from engine.persistence.models.agreement import INDIVIDUAL_FIELD, INDIVIDUAL_PROJECT
from engine.persistence.models.partnership_meeting import REGULAR

AS_PROPOSAL, AS_INDIVIDUAL = "comprehensive", "individual"


def proposal_refusal(
    actor: Actor, agreement: Agreement, meeting: PartnershipMeeting, becomes: str
) -> str | None:
    """Why this person may not turn a proposal of ``meeting`` into that kind of case (engine.access's rules)."""
    if becomes == AS_PROPOSAL:
        return start_refusal(actor, agreement.organisation_id, "city")
    return individual_start_refusal(actor, meeting.department_id)


def start_from_proposal(session: Session, actor: Actor, agreement: Agreement, meeting_id: int, number: int,
                        becomes: str, kind: str, now: datetime) -> Case:
    """``number``: the proposal's place on the meeting's record, from 1. One transaction: a refusal changes
    nothing."""
    meeting = session.get(PartnershipMeeting, meeting_id) if row_id(meeting_id) is not None else None
    proposals = list(meeting.proposals or []) if meeting is not None else []
    if meeting is None or meeting.agreement_id != agreement.id or meeting.kind != REGULAR \
            or not 1 <= number <= len(proposals):
        raise FormDataError({"proposal": "この協定の個別定例会議の提案から選択してください"})
    if becomes not in (AS_PROPOSAL, AS_INDIVIDUAL):
        raise FormDataError({"becomes": "①の案件か個別協定かを選択してください"})
    refusal = proposal_refusal(actor, agreement, meeting, becomes)
    if refusal is not None:
        raise NotAllowedError(refusal)
    if becomes == AS_INDIVIDUAL and kind not in (INDIVIDUAL_PROJECT, INDIVIDUAL_FIELD):
        raise FormDataError({"kind": "協定の種別（特定事業／特定分野）を選択してください"})
    check_open(agreement)
    proposal = proposals[number - 1]
    if proposal.get("case_id"):
        raise CaseStateError(f"提案「{proposal['title']}」は既に案件になっています")
    department = session.get(Department, meeting.department_id) if meeting.department_id else None
    if becomes == AS_PROPOSAL:
        case = _proposal_case(session, actor, agreement, meeting, proposal, department, now)
        session.add(AgreementCaseLink(agreement_id=agreement.id, case_id=case.id, meeting_id=meeting.id,
                                      created_at=now))
    else:
        case, project = _individual_case(session, actor, agreement, proposal, department, kind, now)
        session.add(AgreementCaseLink(agreement_id=agreement.id, case_id=case.id, meeting_id=meeting.id,
                                      project_id=project.id, individual_kind=kind, created_at=now))
    proposals[number - 1] = {**proposal, "case_id": case.id}
    meeting.proposals = proposals
    session.flush()
    return case


def _project(proposal: dict, department: Department | None, now: datetime) -> dict:
    return {"id": "P1", "title": proposal["title"], "summary": proposal.get("summary"),
            "category": proposal.get("category"), "fiscal_year": fiscal_year(japan_date(now)),
            "department": department.code if department else None}


def _proposal_case(session: Session, actor: Actor, agreement: Agreement, meeting: PartnershipMeeting,
                   proposal: dict, department: Department | None, now: datetime) -> Case:
    """A ① case (市からの提案) with the proposal's text, as the meeting task starts one (lifecycle_tasks)."""
    name = department.name if department else "担当課"
    data = {
        "proposal_title": f"{agreement.title}：{name}の個別定例会議からの提案",
        "proposal_summary": f"{format_wareki(meeting.held_on)}の個別定例会議で提案された連携事業です。",
        "projects": [{**_project(proposal, None, now), "id": ""}],
    }
    return cases.start_case(session, actor, PROPOSAL_PROCESS, agreement.organisation_id, "city", now, data)


def _individual_case(session: Session, actor: Actor, agreement: Agreement, proposal: dict,
                     department: Department | None, kind: str, now: datetime) -> tuple[Case, Project]:
    """A 個別協定 for the proposal: the proposal becomes the case's own project, owned by the meeting's 担当課."""
    if department is None:
        raise CaseStateError("この会議の担当課が見つからないため、個別協定を始められません")
    data = {"project": _project(proposal, department, now), "individual_kind": kind,
            "agreement_title": agreement.title}
    case = cases.open_case(session, actor, INDIVIDUAL_PROCESS, agreement.organisation_id, "city", now, data,
                           by_engine=True)
    case.title = f"個別協定：{proposal['title']}"
    project = Project(case_id=case.id, key="P1", title=proposal["title"], summary=proposal.get("summary"),
                      category=proposal.get("category"), fiscal_year=data["project"]["fiscal_year"],
                      department_id=department.id)
    session.add(project)
    session.flush()
    return case, project
