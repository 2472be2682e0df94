"""One validity period of a 包括連携協定 (R-6.1, R-6.2).

The renewal history: one lifecycle case per period.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.persistence.base import Base, UTCDateTime, utcnow


class AgreementPeriod(Base):
    __tablename__ = "agreement_period"
    __table_args__ = (UniqueConstraint("agreement_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id"), index=True)
    number: Mapped[int]  # 1 for the period from signing, then 2, 3 … per renewal
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    notice_deadline: Mapped[date] = mapped_column(Date)
    # the lifecycle case; none for a period that passed before the agreement was registered (既存協定の登録)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_record.id"), unique=True)
    outcome: Mapped[str | None] = mapped_column(String(20))  # renewed, ended, terminated (None while running)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
