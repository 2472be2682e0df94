"""Who took part in a case and where it came from, as its page shows them.

Participants: the divisions that attended ① (同席, R-5.1) and the 担当課 consulted at ④ (R-5.4), which the
guideline's lanes alone do not record (both steps sit in 総合政策課's lane). Origin: the agreement a case was
started under — a 個別協定 for one of its projects (R-1, R-2) or a new proposal from one of its 個別定例会議
(R-8.1) — so the case leads back to the agreement whose page lists it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.persistence.models import (
    Agreement,
    AgreementCaseLink,
    CaseParticipant,
    Department,
    PartnershipMeeting,
)
from engine.persistence.models.case_participant import PARTICIPATION_LABELS


@dataclass(frozen=True)
class Participation:
    department_name: str
    role: str  # attended / consulted
    role_label: str


@dataclass(frozen=True)
class CaseOrigin:
    agreement_id: int
    agreement_title: str
    individual: bool  # a 個別協定 for one of the agreement's projects
    meeting_held_on: date | None  # the 個別定例会議 it came from
    meeting_department: str | None


def participants(session: Session, case_id: int) -> list[Participation]:
    rows = session.execute(
        select(CaseParticipant.role, Department.name)
        .join(Department, CaseParticipant.department_id == Department.id)
        .where(CaseParticipant.case_id == case_id)
        .order_by(CaseParticipant.role, Department.id)
    )
    return [Participation(name, role, PARTICIPATION_LABELS.get(role, role)) for role, name in rows]


def origin(session: Session, case_id: int) -> CaseOrigin | None:
    found = session.execute(
        select(AgreementCaseLink, Agreement.title)
        .join(Agreement, AgreementCaseLink.agreement_id == Agreement.id)
        .where(AgreementCaseLink.case_id == case_id)
    ).first()
    if found is None:
        return None
    link, title = found
    meeting = session.get(PartnershipMeeting, link.meeting_id) if link.meeting_id else None
    department = session.get(Department, meeting.department_id) if meeting and meeting.department_id else None
    return CaseOrigin(link.agreement_id, title, link.project_id is not None,
                      meeting.held_on if meeting else None, department.name if department else None)
