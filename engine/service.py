"""The engine's public API: what the web layer, the CLI and the tests call.

Each method is one unit of work (one transaction) and takes the Actor it acts for. It returns plain
values from engine.views and raises the domain errors of engine.errors; it knows nothing of HTTP.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from engine import cases, queries
from engine.access import SYSTEM, Actor
from engine.definitions.bundle import Bundle
from engine.deployment import DeployResult, deploy_bundle
from engine.errors import NotFoundError
from engine.identity import actor_for, authenticate
from engine.persistence.base import utcnow
from engine.persistence.database import connect, session_factory
from engine.persistence.models import UserAccount
from engine.persistence.schema import upgrade
from engine.persistence.unit_of_work import unit_of_work
from engine.queries import InboxView
from engine.subscribers import register_all
from engine.timers import TimerWorker
from engine.views import CaseStatus, Person, TaskDetail, TaskSummary

log = logging.getLogger(__name__)


def _person(session: Session, user: UserAccount) -> Person:
    return Person(
        id=user.id, username=user.username, display_name=user.display_name, role=user.role,
        organisation_name=user.organisation.name if user.organisation else None,
        department_names=[d.name for d in user.departments], actor=actor_for(session, user),
    )
Clock = Callable[[], datetime]


class CaseEngine:
    def __init__(self, database: Engine, clock: Clock = utcnow) -> None:
        register_all()
        self.database = database
        self.sessions: sessionmaker[Session] = session_factory(database)
        self.clock = clock

    @classmethod
    def connect(cls, url: str, clock: Clock = utcnow) -> CaseEngine:
        return cls(connect(url), clock)

    def upgrade_schema(self) -> None:
        upgrade(self.database)

    def unit_of_work(self):
        return unit_of_work(self.sessions)

    # --- people -------------------------------------------------------------------------------------
    def authenticate(self, username: str, password: str, address: str | None = None) -> Person | None:
        """None for a wrong name or password; raises SignInThrottledError after repeated failures."""
        with self.unit_of_work() as session:
            user = authenticate(session, username, password, address, self.clock())
            return _person(session, user) if user else None

    def person(self, user_id: int) -> Person | None:
        """The active user with this id (for the web session), or None if unknown or deactivated."""
        with self.unit_of_work() as session:
            user = session.get(UserAccount, user_id)
            return _person(session, user) if user is not None and user.active else None

    def actor(self, username: str) -> Actor:
        with self.unit_of_work() as session:
            user = session.scalar(select(UserAccount).where(UserAccount.username == username))
            if user is None or not user.active:
                raise NotFoundError(f"利用者「{username}」は見つかりません")
            return actor_for(session, user)

    # --- definitions --------------------------------------------------------------------------------
    def deploy(self, bundle: Bundle, actor: Actor = SYSTEM, comment: str | None = None,
               process_ids: list[str] | None = None) -> list[DeployResult]:
        with self.unit_of_work() as session:
            return deploy_bundle(session, bundle, actor, comment, process_ids)

    # --- cases and tasks ----------------------------------------------------------------------------
    def start_case(self, actor: Actor, process_id: str, organisation_id: int, initiated_by: str = "organisation",
                   data: Mapping[str, Any] | None = None) -> CaseStatus:
        """Refusals (NotAllowedError, NotFoundError) come before anything is written, and the answer is read
        in the same unit of work: no request commits a case and then answers that it cannot be seen."""
        with self.unit_of_work() as session:
            case = cases.start_case(session, actor, process_id, organisation_id, initiated_by, self.clock(), data)
            # the starter reads what they started, or nothing is kept
            queries.visible_case(session, actor, case.id)
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
