"""A running case moved to a newer version of its process (issue #6 item 6), kept so it can be undone.

The workflow state from before the move is kept, with the digest of its specs (stored once); the hash of the
state right after the move tells whether the case has moved on since (a completed task, a fired timer): only
then is undoing refused.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.persistence.base import Base, UTCDateTime, utcnow


class CaseMigration(Base):
    __tablename__ = "case_migration"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id"), index=True)
    from_version_id: Mapped[int] = mapped_column(ForeignKey("process_version.id"))
    to_version_id: Mapped[int] = mapped_column(ForeignKey("process_version.id"), index=True)
    previous_state: Mapped[bytes] = mapped_column(LargeBinary)  # as WorkflowState.state, specs apart
    previous_spec_digest: Mapped[str] = mapped_column(ForeignKey("workflow_spec.digest"))
    previous_serializer_version: Mapped[str] = mapped_column(String(20))
    migrated_state_hash: Mapped[str] = mapped_column(String(64))
    migrated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    migrated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reverted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reverted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
