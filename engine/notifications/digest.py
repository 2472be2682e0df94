"""The daily digest: everything a person chose to receive "1日1回まとめて" goes out in one mail a day.

The digest is built once the configured hour (Japan time) has come; its outbox key carries the
person and the date, so however many workers build digests, a person gets at most one a day.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.domain.japan_time import JAPAN
from engine.notifications.kinds import Kind
from engine.persistence.models import MailOutbox, Notification, UserAccount
from engine.persistence.models.notification import MAIL_DIGEST


def build_digests(session: Session, now: datetime, digest_hour: int) -> int:
    """Queues today's digest for each person with notices waiting for it; returns how many were queued."""
    local = now.astimezone(JAPAN)
    if local.hour < digest_hour:
        return 0
    waiting = session.execute(
        select(Notification, UserAccount).join(UserAccount, Notification.user_id == UserAccount.id)
        .where(Notification.mail == MAIL_DIGEST, Notification.digested_at.is_(None), Notification.created_at <= now)
        .order_by(Notification.user_id, Notification.created_at, Notification.id))
    people: dict[int, UserAccount] = {}
    per_person: dict[int, list[Notification]] = defaultdict(list)
    for notification, user in waiting:
        people[user.id] = user
        per_person[user.id].append(notification)
    queued = 0
    for user_id, items in per_person.items():
        user = people[user_id]
        key = f"digest:{user.id}:{local.date().isoformat()}"
        if session.scalar(select(MailOutbox.id).where(MailOutbox.key == key)) is not None:
            continue  # today's digest is out; these wait for tomorrow's
        if user.active and user.email:
            session.add(MailOutbox(key=key, user_id=user.id, to_address=user.email, template="digest",
                                   context=_context(user, items, local), next_attempt_at=now, created_at=now))
            queued += 1
        for notification in items:
            notification.digested_at = now
    session.flush()
    return queued


def _context(user: UserAccount, items: list[Notification], local: datetime) -> dict:
    return {
        "recipient_name": user.display_name, "date": local.date().isoformat(), "count": len(items),
        "items": [{"kind": n.kind, "kind_label": Kind(n.kind).label,
                   "title": n.title, "link": n.link, "created_at": n.created_at.isoformat()} for n in items],
    }
