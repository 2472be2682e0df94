"""The audit trail (透明性: who decided what, when and why must be traceable). Rows are only ever added."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.persistence.base import Base, JSONText, UTCDateTime, utcnow


class AuditEvent(Base):
    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_case_at", "case_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_record.id"))
    task_id: Mapped[str | None] = mapped_column(String(36))
    # task_completed, task_claimed, task_released, task_reassigned, case_started, case_cancelled, deployed …
    action: Mapped[str] = mapped_column(String(40))
    step: Mapped[str | None] = mapped_column(String(200))  # the task's name at the time
    lane: Mapped[str | None] = mapped_column(String(20))
    detail: Mapped[dict[str, Any]] = mapped_column(JSONText, default=dict)
