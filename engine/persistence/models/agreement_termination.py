"""解除 of a 包括連携協定: when, why and who decided.

R-9.1 no 実績 for two years, or R-9.2 the requirements are no longer met.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.persistence.base import Base, JSONText, UTCDateTime, utcnow


class AgreementTermination(Base):
    __tablename__ = "agreement_termination"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id"), unique=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("agreement_period.id"))
    ground: Mapped[str] = mapped_column(String(10))  # "R-9.1" or "R-9.2"
    items: Mapped[list[str]] = mapped_column(JSONText, default=list)  # the requirements no longer met
    reason: Mapped[str] = mapped_column(Text)
    terminated_on: Mapped[date] = mapped_column(Date)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
