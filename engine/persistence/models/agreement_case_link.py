"""A case started under an existing agreement.

A new proposal (①) raised at one of its 個別定例会議 (R-8.1), or a 個別協定 for one of its projects (R-1: the
projects go into individual agreements as needed; R-2). ``project_id`` names that project; ``meeting_id`` the
個別定例会議 the case came from, when it did.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.persistence.base import Base, UTCDateTime, utcnow


class AgreementCaseLink(Base):
    __tablename__ = "agreement_case_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id"), unique=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("partnership_meeting.id"))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id"), index=True)  # a 個別協定's project
    individual_kind: Mapped[str | None] = mapped_column(String(30))  # specific_project / specific_field
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
