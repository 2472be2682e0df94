"""A case (案件): one run of a process for one 企業等, and its stored workflow state.

The case row carries what lists and boards show (status, outcome, current steps, waiting since, next
timer) so they never read workflow JSON. Its ``version_id`` is the optimistic lock: of two requests
that change the same case at once, the second fails at commit and nothing of it is saved.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.persistence.base import Base, JSONText, UTCDateTime, utcnow
from engine.persistence.models.organisation import Organisation
from engine.persistence.models.process_version import ProcessVersion


class Case(Base):
    __tablename__ = "case_record"
    __table_args__ = (
        # The board's default order, with the id that breaks ties, so a page starts inside the index (0019).
        Index("ix_case_record_waiting_since_id", "waiting_since", "id"),
        # A kanban column (or the step filter) in the board's order: its first cards, not all the others.
        Index("ix_case_record_board_step_waiting", "board_step", "waiting_since", "id"),
        Index("ix_case_record_outcome_waiting", "outcome", "waiting_since", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(20), unique=True)
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_version.id"), index=True)
    process_id: Mapped[str] = mapped_column(String(100), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    initiated_by: Mapped[str] = mapped_column(String(20))  # "organisation" or "city"
    status: Mapped[str] = mapped_column(String(20), index=True)  # running, completed, cancelled
    outcome: Mapped[str | None] = mapped_column(String(30))  # indexed with the board's order
    active_steps: Mapped[list[str]] = mapped_column(JSONText, default=list)
    waiting_since: Mapped[datetime | None] = mapped_column(UTCDateTime)  # indexed with the id (above)
    next_timer_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)
    # A timer whose firing failed (engine.cases.timers): retried after timer_retry_at, with growing back-off.
    timer_attempts: Mapped[int] = mapped_column(Integer, default=0)
    timer_error: Mapped[str | None] = mapped_column(Text)
    timer_retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The board and the figures (issue #4), kept by engine.board.columns on every step.
    board_step: Mapped[str | None] = mapped_column(String(20))  # "1".."7", "individual", "waiting"
    waiting_lane: Mapped[str | None] = mapped_column(String(20), index=True)  # lane of the longest-waiting task
    fiscal_year: Mapped[int | None] = mapped_column(Integer, index=True)  # fiscal year of the proposal
    project_count: Mapped[int] = mapped_column(Integer, default=0)
    category_count: Mapped[int] = mapped_column(Integer, default=0)
    parallel_done: Mapped[int | None] = mapped_column(Integer)  # instances of the running multi-instance done
    parallel_total: Mapped[int | None] = mapped_column(Integer)
    fell_back_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)  # entered 個別協定

    organisation: Mapped[Organisation] = relationship()
    process_version: Mapped[ProcessVersion] = relationship()
    workflow: Mapped[WorkflowState] = relationship(back_populates="case", uselist=False)

    __mapper_args__ = {"version_id_col": version_id}


class WorkflowSpec(Base):
    """The serialized process specs workflow states run on, stored once under the SHA-256 of their text,
    however many states name them (engine.workflow.serialization). Written once, never changed; the serializer version
    is the one the text was written with, and always that of the states that name it."""

    __tablename__ = "workflow_spec"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    serializer_version: Mapped[str] = mapped_column(String(20))
    specs: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WorkflowState(Base):
    """The serialized SpiffWorkflow instance, kept apart so case lists never load it. Its specs are a
    ``WorkflowSpec``, read only when this process has not rebuilt them yet."""

    __tablename__ = "workflow_state"

    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id"), primary_key=True)
    state: Mapped[bytes] = mapped_column(LargeBinary)  # JSON, compressed (engine.workflow.serialization)
    spec_digest: Mapped[str] = mapped_column(ForeignKey("workflow_spec.digest"))
    serializer_version: Mapped[str] = mapped_column(String(20))
    spiff_version: Mapped[str] = mapped_column(String(20))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(back_populates="workflow")
