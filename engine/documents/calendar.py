"""Each person's private calendar (issue #16): their tasks' due dates, the 申出期限 (R-6.2) of the agreements
they deal with, and the 全体会議 (R-8.2) called for them, as an iCalendar feed built with the icalendar library.

A calendar application cannot sign in, so the feed is reached by a secret URL: a random token whose hash
alone is stored, revocable at any time (issuing a new one revokes the old). The feed answers for the person
as they are now (a deactivated account's feed is gone) and shows only what their own pages show: tasks
routed to them (engine.access.routed_to) and agreements they may read (readable_agreements).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from icalendar import Calendar, Event
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from engine import audit
from engine.access import Actor, Role, readable_agreements, routed_to
from engine.accounts.identity import actor_for
from engine.agreements.lifecycle import OPEN_STATUSES
from engine.agreements.queries import under_agreement
from engine.domain.japan_time import japan_date
from engine.domain.wareki import format_wareki
from engine.errors import NotFoundError
from engine.persistence.models import (
    Agreement,
    CalendarFeed,
    Case,
    HumanTask,
    PartnershipMeeting,
    Project,
    UserAccount,
)
from engine.persistence.models.human_task import READY
from engine.persistence.models.partnership_meeting import GENERAL

if TYPE_CHECKING:
    from engine.context import Context

_MISSING = "このカレンダーのURLは無効です。Renkei の「カレンダー」で新しいURLを発行してください"


@dataclass(frozen=True)
class FeedStatus:
    active: bool
    created_at: datetime | None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def dealt_with(actor: Actor) -> ColumnElement[bool]:
    """The agreements a person deals with: a 企業等 its own, 担当課 staff those with a project of their
    department, 総合政策課 and managers all; within what they may read."""
    if actor.role is Role.ORGANISATION or actor.is_coordinator or actor.role is Role.MANAGER:
        return readable_agreements(actor)
    if actor.department_ids:
        mine = select(Project.id).where(under_agreement(), Project.department_id.in_(list(actor.department_ids)))
        return mine.exists()
    return Agreement.id.is_(None)


def _day_event(uid: str, day: date, summary: str, description: str, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    return event


def _tasks(session: Session, actor: Actor, stamp: datetime) -> list[Event]:
    rows = session.execute(select(HumanTask, Case.number).join(Case, Case.id == HumanTask.case_id).where(
        HumanTask.state == READY, HumanTask.due_at.is_not(None), routed_to(actor)).order_by(HumanTask.due_at))
    return [_day_event(f"task-{t.id}@renkei", japan_date(t.due_at), f"期限: {t.name}",
                       f"案件 {number or t.case_id}" + (f"／{t.project_title}" if t.project_title else ""), stamp)
            for t, number in rows]


def _notice_deadlines(session: Session, actor: Actor, stamp: datetime) -> list[Event]:
    rows = session.scalars(select(Agreement).where(
        dealt_with(actor), Agreement.status.in_(OPEN_STATUSES), Agreement.notice_deadline.is_not(None)))
    return [_day_event(f"notice-{a.id}-{a.notice_deadline.isoformat()}@renkei", a.notice_deadline,
                       f"申出期限: {a.title}",
                       f"この日までに申出がなければ、{format_wareki(a.valid_until)}の満了後1年間更新されます（R-6.2）",
                       stamp) for a in rows]


def _meetings(session: Session, actor: Actor, stamp: datetime) -> list[Event]:
    rows = session.execute(select(PartnershipMeeting, Agreement.title).join(
        Agreement, Agreement.id == PartnershipMeeting.agreement_id).where(
        dealt_with(actor), PartnershipMeeting.kind == GENERAL, PartnershipMeeting.held_on.is_(None),
        PartnershipMeeting.planned_on.is_not(None)))
    invited = (lambda m: True) if actor.role is not Role.DEPARTMENT or actor.is_coordinator else (
        lambda m: bool(set(m.invited_department_ids or []) & actor.department_ids))
    return [_day_event(f"meeting-{m.id}@renkei", m.planned_on, f"全体会議: {title}", m.agenda or "", stamp)
            for m, title in rows if invited(m)]


def feed_calendar(session: Session, actor: Actor, stamp: datetime) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Chigasaki City//Renkei//JA")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Renkei（{actor.display_name}）")
    for event in _tasks(session, actor, stamp) + _notice_deadlines(session, actor, stamp) + \
            _meetings(session, actor, stamp):
        calendar.add_component(event)
    return calendar.to_ical()


class CalendarFeeds:
    def __init__(self, context: Context) -> None:
        self.context = context

    def status(self, actor: Actor) -> FeedStatus:
        with self.context.unit_of_work() as session:
            row = self._active(session, actor.user_id)
            return FeedStatus(row is not None, row.created_at if row else None)

    def issue(self, actor: Actor) -> str:
        """A new secret URL token (shown once); the previous one stops working."""
        token, now = secrets.token_urlsafe(32), self.context.clock()
        with self.context.unit_of_work() as session:
            self._revoke(session, actor, now)
            session.add(CalendarFeed(user_id=actor.user_id, token_hash=_hash(token), created_at=now))
            audit.record(session, actor, "calendar_feed_issued", at=now)
        return token

    def revoke(self, actor: Actor) -> None:
        with self.context.unit_of_work() as session:
            if self._revoke(session, actor, self.context.clock()):
                audit.record(session, actor, "calendar_feed_revoked", at=self.context.clock())

    def feed(self, token: str) -> bytes:
        """The feed for a token, with no sign-in; an unknown, revoked or deactivated one is not found."""
        with self.context.unit_of_work() as session:
            row = session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == _hash(token or ""),
                                                            CalendarFeed.revoked_at.is_(None)))
            user = session.get(UserAccount, row.user_id) if row is not None else None
            if user is None or not user.active:
                raise NotFoundError(_MISSING)
            return feed_calendar(session, actor_for(session, user), self.context.clock())

    @staticmethod
    def _active(session: Session, user_id: int | None) -> CalendarFeed | None:
        return session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user_id,
                                                         CalendarFeed.revoked_at.is_(None)))

    def _revoke(self, session: Session, actor: Actor, now: datetime) -> bool:
        rows = list(session.scalars(select(CalendarFeed).where(CalendarFeed.user_id == actor.user_id,
                                                               CalendarFeed.revoked_at.is_(None))))
        for row in rows:
            row.revoked_at = now
        return bool(rows)



