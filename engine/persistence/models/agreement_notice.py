"""申出: notice that a 包括連携協定 should end at expiry (R-6.2), by the 企業等 or by the city.

Notice given by the deadline ends the agreement at the period's expiry. Later notice is recorded too, but
that year's renewal still happens and the agreement ends at the next expiry (``takes_effect_on``).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.persistence.base import Base, UTCDateTime, utcnow

BY_ORGANISATION, BY_CITY = "organisation", "city"


class AgreementNotice(Base):
    __tablename__ = "agreement_notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreement.id"), index=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("agreement_period.id"), index=True)
    task_id: Mapped[str | None] = mapped_column(String(36))  # the task it was given in
    given_by: Mapped[str] = mapped_column(String(20))  # organisation or city
    given_on: Mapped[date] = mapped_column(Date)
    in_time: Mapped[bool]  # by the notice deadline of the period it was given in
    takes_effect_on: Mapped[date] = mapped_column(Date)  # the expiry at which the agreement ends
    reason: Mapped[str | None] = mapped_column(Text)
    contact: Mapped[str | None] = mapped_column(String(200))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
