"""Sign-in attempts, kept so that guessing passwords is slowed down across all web workers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.persistence.base import Base, UTCDateTime, utcnow


class LoginAttempt(Base):
    __tablename__ = "login_attempt"
    __table_args__ = (
        Index("ix_login_attempt_username_at", "username", "at"),
        Index("ix_login_attempt_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(64))
    succeeded: Mapped[bool]
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
