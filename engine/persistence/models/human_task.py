"""A user task waiting for (or done by) a person: the inbox reads only this table, never workflow JSON.

Routing is resolved when the task becomes ready: a 企業等 task carries the case's organisation, a
総合政策課 task the coordinating division, a 担当課 task the department that owns its project.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.persistence.base import Base, UTCDateTime, utcnow
from engine.persistence.models.case import Case

READY, COMPLETED, CANCELLED = "ready", "completed", "cancelled"


class HumanTask(Base):
    __tablename__ = "human_task"
    __table_args__ = (
        # The group inbox: a department's or an organisation's ready tasks, oldest first (revision 0009).
        Index("ix_human_task_state_department_created", "state", "department_id", "created_at"),
        Index("ix_human_task_state_organisation_created", "state", "organisation_id", "created_at"),
        Index("ix_human_task_claimed_state", "claimed_by_id", "state"),
        Index("ix_human_task_completed_by", "completed_by_id", "completed_at"),
        # Which cases a 担当課 reads (engine.access.readable_cases), from the index alone (0019).
        Index("ix_human_task_department_case", "department_id", "case_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the SpiffWorkflow task id
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id"), index=True)
    process_id: Mapped[str] = mapped_column(String(100))
    bpmn_id: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    lane: Mapped[str] = mapped_column(String(20))
    form_ref: Mapped[str | None] = mapped_column(String(100))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    project_key: Mapped[str | None] = mapped_column(String(20))
    project_title: Mapped[str | None] = mapped_column(String(300))
    state: Mapped[str] = mapped_column(String(20), default=READY)
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    case: Mapped[Case] = relationship()
