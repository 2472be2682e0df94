"""R-9.1 judgements: after two fiscal years without 実績.

総合政策課 decides to terminate or to continue, and records why.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.persistence.base import Base, UTCDateTime, utcnow


class AgreementReview(Base):
    __tablename__ = "agreement_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id"), index=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("agreement_period.id"), index=True)
    review_year: Mapped[int]  # the later of the two fiscal years without 実績
    decision: Mapped[str] = mapped_column(String(20))  # terminate or continue
    reason: Mapped[str] = mapped_column(Text)
    task_id: Mapped[str | None] = mapped_column(String(36))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
