"""Each person's choice per kind of notification: mail at once, in the daily digest, or no mail.

A missing row means the default (engine.notifications.kinds.DEFAULT_DELIVERY); in-app notices are
always kept regardless of the choice.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.persistence.base import Base


class NotificationPreference(Base):
    __tablename__ = "notification_preference"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    delivery: Mapped[str] = mapped_column(String(10))  # immediate, digest, off
