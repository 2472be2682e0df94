"""定例会議: a 個別定例会議 of one 担当課 (R-8.1) or a 全体会議 of all involved departments (R-8.2)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.persistence.base import Base, JSONText, UTCDateTime, utcnow

REGULAR, GENERAL = "regular", "general"


class PartnershipMeeting(Base):
    __tablename__ = "partnership_meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id"), index=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("agreement_period.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # regular (個別定例会議) or general (全体会議)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)  # regular only
    review_year: Mapped[int | None]  # the fiscal year a regular meeting reviewed
    agenda: Mapped[str | None] = mapped_column(Text)  # general: why it was called
    planned_on: Mapped[date | None] = mapped_column(Date)  # general: the date it was called for
    invited_department_ids: Mapped[list[int]] = mapped_column(JSONText, default=list)
    attendee_department_ids: Mapped[list[int]] = mapped_column(JSONText, default=list)
    held_on: Mapped[date | None] = mapped_column(Date)  # None: called, not yet recorded
    notes: Mapped[str | None] = mapped_column(Text)
    # regular: 新たな提案 as {title, summary, category, case_id}; case_id: the ① case or 個別協定 it became
    proposals: Mapped[list[dict] | None] = mapped_column(JSONText)
    task_id: Mapped[str | None] = mapped_column(String(36))
    called_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
