"""An in-app notification (お知らせ): what one person was told, and whether they have read it.

Every notification is kept here whatever the person chose for mail, so the list and its unread count
work when mail is off or the SMTP server is down. ``key`` makes each notice happen once: a task that
becomes ready is announced once per person, however often the task rows are refreshed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.persistence.base import Base, JSONText, UTCDateTime, utcnow

# How the notification reaches the person's mailbox (from their preference at the time it was made).
MAIL_IMMEDIATE, MAIL_DIGEST, MAIL_OFF = "immediate", "digest", "off"


class Notification(Base):
    __tablename__ = "notification"
    __table_args__ = (
        UniqueConstraint("user_id", "key"),
        Index("ix_notification_user_read", "user_id", "read_at"),
        Index("ix_notification_digest", "mail", "digested_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    kind: Mapped[str] = mapped_column(String(30))  # engine.notifications.kinds.Kind
    key: Mapped[str] = mapped_column(String(120))  # what makes it unique, e.g. task_assigned:<task id>
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_record.id"), index=True)
    task_id: Mapped[str | None] = mapped_column(String(36))
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreement.id"))
    title: Mapped[str] = mapped_column(String(300))  # one line for the list
    link: Mapped[str | None] = mapped_column(String(200))  # a path inside Renkei, e.g. /tasks/<id>
    context: Mapped[dict[str, Any]] = mapped_column(JSONText, default=dict)  # what the mail templates read
    mail: Mapped[str] = mapped_column(String(10), default=MAIL_IMMEDIATE)
    digested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
