"""Public registrations, kept so that one address (or a flood from many) cannot fill 総合政策課's inbox.

The limit must hold across every web worker, so it is counted in the database, like sign-in attempts.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.persistence.base import Base, UTCDateTime, utcnow


class RegistrationAttempt(Base):
    __tablename__ = "registration_attempt"
    __table_args__ = (
        Index("ix_registration_attempt_address_at", "address", "at"),
        Index("ix_registration_attempt_succeeded_at", "succeeded", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str | None] = mapped_column(String(64))
    succeeded: Mapped[bool] = mapped_column(default=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
