"""実績: what one project under an agreement achieved in one fiscal year, recorded at a 個別定例会議 (R-8.1).

R-9.1 reads these: an agreement with no implemented project for two fiscal years is judged for termination.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.persistence.base import Base, UTCDateTime, utcnow


class PartnershipResult(Base):
    __tablename__ = "partnership_result"
    __table_args__ = (UniqueConstraint("agreement_id", "project_id", "fiscal_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("partnership_meeting.id"), index=True)
    fiscal_year: Mapped[int] = mapped_column(index=True)
    implemented: Mapped[bool]
    outcome: Mapped[str | None] = mapped_column(Text)
    citizen_reach: Mapped[int | None]  # people who took part in or used the project
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
