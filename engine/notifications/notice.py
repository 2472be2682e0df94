"""Recording a notice: one in-app notification per person, and its mail in the outbox when they want it at once.

This runs inside the unit of work of whatever caused the notice (a task completion, a timer, the
notification scan), so the notification and its outbox row are committed with the event or not at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.notifications.kinds import DEFAULT_DELIVERY, Kind
from engine.notifications.recipients import may_hear_of
from engine.persistence.models import MailOutbox, Notification, NotificationPreference, UserAccount
from engine.persistence.models.notification import MAIL_IMMEDIATE, MAIL_OFF


@dataclass(frozen=True)
class Notice:
    """What happened, once; ``key`` identifies it so repeating the same notice changes nothing."""

    kind: Kind
    key: str
    title: str
    link: str | None
    organisation_id: int | None  # whose case or agreement it is about (企業等 hear only of their own)
    case_id: int | None = None
    task_id: str | None = None
    agreement_id: int | None = None
    context: dict[str, Any] = field(default_factory=dict)


def notify(session: Session, notice: Notice, people: Iterable[UserAccount], now: datetime) -> list[Notification]:
    """Notifies each person once (by ``notice.key``); returns the notifications that are new."""
    people = {user.id: user for user in people if user.active and may_hear_of(user, notice.organisation_id)}
    if not people:
        return []
    # One read for everyone: their delivery choice for this kind and whether they already have this notice.
    standing = session.execute(
        select(UserAccount.id, NotificationPreference.delivery, Notification.id)
        .outerjoin(NotificationPreference, (NotificationPreference.user_id == UserAccount.id)
                   & (NotificationPreference.kind == notice.kind.value))
        .outerjoin(Notification, (Notification.user_id == UserAccount.id) & (Notification.key == notice.key))
        .where(UserAccount.id.in_(people))).all()
    already = {user_id for user_id, _, notification_id in standing if notification_id is not None}
    chosen = {user_id: delivery for user_id, delivery, _ in standing if delivery is not None}
    created = []
    for user in people.values():
        if user.id in already:
            continue
        mail = chosen.get(user.id, DEFAULT_DELIVERY) if user.email else MAIL_OFF
        row = Notification(
            user_id=user.id, kind=notice.kind.value, key=notice.key, case_id=notice.case_id, task_id=notice.task_id,
            agreement_id=notice.agreement_id, title=notice.title[:300], link=notice.link,
            context=notice.context, mail=mail, created_at=now,
        )
        session.add(row)
        if mail == MAIL_IMMEDIATE:
            session.add(MailOutbox(
                key=f"{notice.key}:{user.id}", user_id=user.id, to_address=user.email, template=notice.kind.value,
                context={**notice.context, "recipient_name": user.display_name, "link": notice.link,
                         "title": notice.title},
                next_attempt_at=now, created_at=now,
            ))
        created.append(row)
    return created
