"""Notifications (issue #7): in-app notices, mail preferences per kind, and the scan that finds due work.

``Notifications`` is the feature's service (a class taking the CaseEngine, like every feature): each
method is one unit of work. Notices caused by the flow are written by the TaskReady subscriber in the
step's own transaction; the rest are found by ``scan``, which ``renkei mail send`` runs before sending.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select, update

from engine.access import Actor
from engine.errors import FormDataError, NotFoundError
from engine.notifications.digest import build_digests
from engine.notifications.kinds import DEFAULT_DELIVERY, DELIVERIES, Kind
from engine.notifications.settings import NotificationSettings
from engine.notifications.tasks import notify_due_tasks
from engine.notifications.watch import (
    notify_notice_deadlines,
    notify_termination_proposed,
    notify_waiting_cases,
)
from engine.persistence.models import Notification, NotificationPreference, UserAccount

if TYPE_CHECKING:
    from engine.context import Context

__all__ = ["Kind", "NotificationSettings", "Notifications", "notify_termination_proposed"]


@dataclass(frozen=True)
class NotificationView:
    id: int
    kind: str
    kind_label: str
    title: str
    link: str | None
    created_at: datetime
    read: bool


@dataclass(frozen=True)
class NotificationList:
    items: list[NotificationView]
    unread: int


@dataclass(frozen=True)
class PreferenceView:
    kind: str
    label: str
    description: str
    delivery: str


@dataclass(frozen=True)
class Preferences:
    email: str | None
    rows: list[PreferenceView]
    choices: dict[str, str]


@dataclass(frozen=True)
class ScanResult:
    notices: int
    digests: int


class Notifications:
    def __init__(self, context: Context, settings: NotificationSettings | None = None) -> None:
        self.context = context
        self.settings = settings or NotificationSettings()

    def list(self, actor: Actor, unread_only: bool = False, limit: int = 200) -> NotificationList:
        """The person's notifications, newest first, and how many are unread."""
        with self.context.unit_of_work() as session:
            query = select(Notification).where(Notification.user_id == actor.user_id)
            if unread_only:
                query = query.where(Notification.read_at.is_(None))
            rows = session.scalars(query.order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit))
            items = [NotificationView(n.id, n.kind, Kind(n.kind).label, n.title, n.link, n.created_at,
                                      n.read_at is not None) for n in rows]
            return NotificationList(items, self._unread(session, actor))

    def unread_count(self, actor: Actor) -> int:
        with self.context.unit_of_work() as session:
            return self._unread(session, actor)

    @staticmethod
    def _unread(session, actor: Actor) -> int:
        return session.scalar(select(func.count()).select_from(Notification).where(
            Notification.user_id == actor.user_id, Notification.read_at.is_(None))) or 0

    def mark_read(self, actor: Actor, notification_id: int) -> str | None:
        """Marks one of the person's own notifications read; returns where it links to."""
        with self.context.unit_of_work() as session:
            row = session.get(Notification, notification_id)
            if row is None or row.user_id != actor.user_id:
                raise NotFoundError(f"お知らせ {notification_id} は見つかりません")
            row.read_at = row.read_at or self.context.clock()
            return row.link

    def mark_all_read(self, actor: Actor) -> int:
        with self.context.unit_of_work() as session:
            result = session.execute(update(Notification).where(
                Notification.user_id == actor.user_id, Notification.read_at.is_(None)).values(read_at=self.context.clock()))
            return result.rowcount or 0

    def preferences(self, actor: Actor) -> Preferences:
        with self.context.unit_of_work() as session:
            user = session.get(UserAccount, actor.user_id)
            if user is None:
                raise NotFoundError("利用者が見つかりません")
            chosen = {p.kind: p.delivery for p in session.scalars(
                select(NotificationPreference).where(NotificationPreference.user_id == user.id))}
            rows = [PreferenceView(kind.value, kind.label, kind.description, chosen.get(kind.value, DEFAULT_DELIVERY))
                    for kind in Kind]
            return Preferences(user.email, rows, dict(DELIVERIES))

    def set_preferences(self, actor: Actor, chosen: Mapping[str, str]) -> None:
        """Saves a delivery per kind; an unknown or missing choice refuses the whole form, naming the kind."""
        errors = {kind.value: f"「{kind.label}」の受け取り方を選んでください" for kind in Kind
                  if chosen.get(kind.value) not in DELIVERIES}
        if errors:
            raise FormDataError(errors)
        with self.context.unit_of_work() as session:
            if session.get(UserAccount, actor.user_id) is None:
                raise NotFoundError("利用者が見つかりません")
            for kind in Kind:
                row = session.get(NotificationPreference, (actor.user_id, kind.value))
                if row is None:
                    session.add(NotificationPreference(user_id=actor.user_id, kind=kind.value,
                                                       delivery=chosen[kind.value]))
                else:
                    row.delivery = chosen[kind.value]

    def scan(self) -> ScanResult:
        """Finds due, overdue and waiting work and approaching deadlines, then queues the daily digests."""
        now, settings = self.context.clock(), self.settings
        with self.context.unit_of_work() as session:
            notices = (notify_due_tasks(session, now, settings.due_soon)
                       + notify_waiting_cases(session, now, settings.waiting_limit)
                       + notify_notice_deadlines(session, now, settings.notice_lead_days))
        with self.context.unit_of_work() as session:
            digests = build_digests(session, now, settings.digest_hour)
        return ScanResult(notices, digests)
