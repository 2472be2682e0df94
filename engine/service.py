"""The engine's public API for cases and tasks: what the web layer, the CLI and the tests call.

Each method is one unit of work (one transaction) and takes the Actor it acts for. It returns plain
values from the feature packages' ``views`` and raises the domain errors of engine.errors; it knows
nothing of HTTP. It is built by ``engine.bootstrap.bootstrap``, which wires the event table and the
storage guards; the constructor only keeps what it is given.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from engine.access import SYSTEM, Actor
from engine.accounts.identity import active_person, actor_for, authenticate, end_sessions, person_of
from engine.accounts.views import Person
from engine.cases import queries
from engine.cases import service as cases
from engine.cases.queries import InboxView
from engine.cases.timers import TimerWorker
from engine.cases.views import CaseStatus, TaskDetail, TaskSummary
from engine.context import Clock
from engine.definitions.bundle import Bundle
from engine.errors import DatabaseUnavailableError, NotFoundError
from engine.events import EventHandlers
from engine.library.deployment import DeployResult, deploy_bundle
from engine.persistence.availability import DATABASE_ERRORS, Health, check, unavailable
from engine.persistence.base import utcnow
from engine.persistence.database import session_factory
from engine.persistence.models import UserAccount
from engine.persistence.schema import upgrade
from engine.persistence.unit_of_work import unit_of_work

log = logging.getLogger(__name__)


class CaseEngine:
    def __init__(self, database: Engine, handlers: EventHandlers, clock: Clock = utcnow) -> None:
        self.database = database
        self.sessions: sessionmaker[Session] = session_factory(database)
        self.handlers = {event: list(listed) for event, listed in handlers.items()}
        self.clock = clock

    def upgrade_schema(self) -> None:
        upgrade(self.database)

    def unit_of_work(self):
        return unit_of_work(self.sessions, self.handlers)

    def health(self) -> Health:
        """For a load balancer: the database answers and its schema is at head (no session, no sign-in)."""
        return check(self.database)

    # The errors the unit of work lets through when the database is down, and which of them are an outage:
    # the web layer answers those with 503 without naming SQLAlchemy.
    database_errors = DATABASE_ERRORS

    @staticmethod
    def unavailable(error: BaseException) -> DatabaseUnavailableError | None:
        return unavailable(error)

    # --- people -------------------------------------------------------------------------------------
    def authenticate(self, username: str, password: str, address: str | None = None) -> Person | None:
        """None for a wrong name or password; raises SignInThrottledError after repeated failures."""
        with self.unit_of_work() as session:
            user = authenticate(session, username, password, address, self.clock())
            return person_of(session, user) if user else None

    def person(self, user_id: int, session_generation: int | None = None) -> Person | None:
        """The active user with this id, or None if unknown or deactivated (or, given the web session's
        generation, if that session was ended by logout or deactivation)."""
        with self.unit_of_work() as session:
            return active_person(session, user_id, session_generation)

    def end_sessions(self, user_id: int) -> None:
        """Logout: every web session of this user ends, on every device (copied cookies included)."""
        with self.unit_of_work() as session:
            user = session.get(UserAccount, user_id)
            if user is not None:
                end_sessions(session, user)

    def actor(self, username: str) -> Actor:
        with self.unit_of_work() as session:
            user = session.scalar(select(UserAccount).where(UserAccount.username == username))
            if user is None or not user.active:
                raise NotFoundError(f"利用者「{username}」は見つかりません")
            return actor_for(session, user)

    # --- definitions --------------------------------------------------------------------------------
    def deploy(self, bundle: Bundle, actor: Actor = SYSTEM, comment: str | None = None,
               process_ids: list[str] | None = None, include_layout: bool = False) -> list[DeployResult]:
        with self.unit_of_work() as session:
            return deploy_bundle(session, bundle, actor, comment, process_ids, include_layout)

    # --- cases and tasks ----------------------------------------------------------------------------
    def start_case(self, actor: Actor, process_id: str, organisation_id: int, initiated_by: str = "organisation",
                   data: Mapping[str, Any] | None = None) -> CaseStatus:
        """Refusals (NotAllowedError, NotFoundError) come before anything is written, and the answer is read
        in the same unit of work: no request commits a case and then answers that it cannot be seen."""
        with self.unit_of_work() as session:
            case = cases.start_case(session, actor, process_id, organisation_id, initiated_by, self.clock(), data)
            # the starter reads what they started, or nothing is kept
            cases.visible_case(session, actor, case.id)
            case_id = case.id
        return self.case_status(actor, case_id)

    def list_tasks(self, actor: Actor, view: InboxView = "group") -> list[TaskSummary]:
        with self.unit_of_work() as session:
            return queries.list_tasks(session, actor, view)

    def get_task(self, actor: Actor, task_id: str) -> TaskDetail:
        with self.unit_of_work() as session:
            return queries.get_task(session, actor, task_id)

    def claim(self, actor: Actor, task_id: str) -> None:
        with self.unit_of_work() as session:
            cases.claim(session, actor, task_id, self.clock())

    def release(self, actor: Actor, task_id: str) -> None:
        with self.unit_of_work() as session:
            cases.release(session, actor, task_id, self.clock())

    def reassign(self, actor: Actor, task_id: str, assignee_id: int) -> None:
        with self.unit_of_work() as session:
            cases.reassign(session, actor, task_id, assignee_id, self.clock())

    def complete_task(self, actor: Actor, task_id: str, data: Mapping[str, Any],
                      expected_case_version: int | None = None) -> int:
        """Returns the case id. Raises FormDataError (every bad field), TaskConflictError, NotAllowedError."""
        with self.unit_of_work() as session:
            return cases.complete(session, actor, task_id, data, self.clock(), expected_case_version).id

    def case_status(self, actor: Actor, case_id: int) -> CaseStatus:
        with self.unit_of_work() as session:
            return queries.case_status(session, actor, case_id)

    def cancel_case(self, actor: Actor, case_id: int, reason: str) -> None:
        with self.unit_of_work() as session:
            cases.cancel(session, actor, case_id, reason, self.clock())

    # --- timers -------------------------------------------------------------------------------------
    def fire_due_timers(self) -> int:
        """Fires each due case once, in its own transaction; a failing one is recorded and retried later."""
        return TimerWorker(self).run().fired
