"""Domain events: what happened in a unit of work, handled before it commits.

Features that react to the flow (notifications, the agreement lifecycle) are listed against the events they
handle in one table, ``engine.handlers.EVENT_HANDLERS``, instead of being called from the case operations, so
``engine.cases`` does not grow with every feature. Handlers run inside the same transaction: if one fails,
nothing of the request is saved.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

_PENDING = "renkei.events"


@dataclass(frozen=True)
class Event:
    at: datetime


@dataclass(frozen=True)
class CaseStarted(Event):
    case_id: int


@dataclass(frozen=True)
class TaskReady(Event):
    """A user task became ready and was routed (human_task row exists)."""

    case_id: int
    task_id: str


@dataclass(frozen=True)
class TaskCompleted(Event):
    case_id: int
    task_id: str
    actor_id: int | None
    # What the step submitted (validated): a reaction can depend on the decision without loading the workflow.
    submitted: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class TaskReassigned(Event):
    """総合政策課 or an administrator made ``assignee_id`` the one person holding the task."""

    case_id: int
    task_id: str
    assignee_id: int
    by_id: int | None


@dataclass(frozen=True)
class CaseEnded(Event):
    case_id: int
    outcome: str | None


@dataclass(frozen=True)
class AgreementSigned(Event):
    case_id: int
    agreement_id: int


@dataclass(frozen=True)
class TimerFired(Event):
    case_id: int


Handler = Callable[[Session, Event], None]
EventHandlers = Mapping[type[Event], Sequence[Handler]]


def publish(session: Session, event: Event) -> None:
    session.info.setdefault(_PENDING, []).append(event)


def dispatch(session: Session, handlers: EventHandlers) -> None:
    """Runs handlers until no new events are published (a handler may publish more).

    ``handlers`` is the table the engine was wired with (``engine.handlers.EVENT_HANDLERS``).
    """
    while session.info.get(_PENDING):
        pending, session.info[_PENDING] = session.info[_PENDING], []
        for event in pending:
            for handler in handlers.get(type(event), ()):
                handler(session, event)
