"""A case started under an existing agreement.

A new proposal (①) raised at one of its 個別定例会議 (R-8.1).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from engine.persistence.base import Base, UTCDateTime, utcnow


class AgreementCaseLink(Base):
    __tablename__ = "agreement_case_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id"), unique=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("partnership_meeting.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
