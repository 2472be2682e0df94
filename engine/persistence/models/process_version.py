"""A deployed, immutable version of a process: the files it was deployed from, numbered per process."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine.persistence.base import Base, JSONText, UTCDateTime, utcnow


class ProcessVersion(Base):
    __tablename__ = "process_version"
    __table_args__ = (UniqueConstraint("process_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))
    starts_cases: Mapped[bool] = mapped_column(default=True)
    # {relative path: UTF-8 text} of the process and every process it calls: the version is self-contained.
    # Deferred: a task completion needs only (id, content_hash) to find the compiled process in its cache.
    files: Mapped[dict[str, str]] = mapped_column(JSONText, deferred=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    comment: Mapped[str | None] = mapped_column(Text)
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deployed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


def latest(session: Session, process_id: str) -> ProcessVersion | None:
    return session.scalars(
        select(ProcessVersion).where(ProcessVersion.process_id == process_id).order_by(ProcessVersion.version.desc())
    ).first()


def next_number(session: Session, process_id: str) -> int:
    current = session.scalar(select(func.max(ProcessVersion.version)).where(ProcessVersion.process_id == process_id))
    return (current or 0) + 1
