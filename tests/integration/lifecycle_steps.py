"""Driving a signed agreement through its years: a controlled clock, the timer worker, and the right person.

SpiffWorkflow's timers read ``datetime.now(timezone.utc)`` (notes §5), so the tests freeze time with freezegun
and build the engine on the real clock function; moving the frozen clock moves both.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from freezegun import freeze_time
from freezegun.api import FrozenDateTimeFactory

from engine.access import SYSTEM
from engine.agreements.service import AgreementRegister
from engine.agreements.views import AgreementDetail
from engine.bootstrap import bootstrap
from engine.definitions.bundle import Bundle
from engine.demo import seed_people
from engine.demo_data import DEPARTMENTS
from engine.domain.guideline import Lane
from engine.service import CaseEngine
from tests.conftest import PROCESSES
from tests.integration.flow import FOUR_PROJECTS_THREE_CATEGORIES, Flow

DEPARTMENT_USERS = {name: code for code, name, _ in DEPARTMENTS}


class Lifecycle:
    """One 包括連携協定 of 湘南サンプル株式会社.

    Its 4 projects: こども育成相談課, 市民自治推進課, 環境政策課 ×2.
    """

    def __init__(self, engine: CaseEngine, clock: FrozenDateTimeFactory) -> None:
        self.engine, self.clock = engine, clock
        self.register = AgreementRegister(engine)
        self.agreement_id: int | None = None

    def sign(self, signed_on: str = "2025-06-15") -> Lifecycle:
        self.clock.move_to(f"{signed_on}T01:00:00+09:00")
        flow = Flow(self.engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES).record_partnership()
        flow.assign_departments(FOUR_PROJECTS_THREE_CATEGORIES).consult_feasibility()
        for key in ("P1", "P2", "P3", "P4"):
            flow.decide(key)
        flow.judge().agree_and_sign(signed_on)
        [agreement] = flow.status().agreements
        self.agreement_id = agreement.id
        return self

    def at(self, moment: str) -> int:
        """Moves the clock (Japan time unless an offset is given) and runs the timer worker once."""
        self.clock.move_to(moment if ("+" in moment[10:] or moment.endswith("Z")) else f"{moment}+09:00")
        return self.engine.fire_due_timers()

    def detail(self) -> AgreementDetail:
        return self.register.detail(SYSTEM, self.agreement_id)

    def open_steps(self) -> list[tuple[str, str | None]]:
        return sorted((t.step, t.department_name) for t in self.detail().open_tasks)

    def task(self, step: str, department: str | None = None):
        found = [
            t
            for t in self.detail().open_tasks
            if t.step == step and (department is None or t.department_name == department)
        ]
        assert found, f"{step} is not open; open: {self.open_steps()}"
        return found[0]

    def person_for(self, task) -> str:
        if task.lane == Lane.ORGANISATION.value:
            return "shonan"
        if task.lane == Lane.COORDINATOR.value:
            return "seisaku"
        return DEPARTMENT_USERS[task.department_name]

    def complete(
        self, step: str, data: dict, department: str | None = None, as_user: str | None = None
    ) -> None:
        task = self.task(step, department)
        self.engine.complete_task(self.engine.actor(as_user or self.person_for(task)), task.id, data)

    def task_data(self, step: str, department: str | None = None) -> dict:
        task = self.task(step, department)
        return self.engine.get_task(self.engine.actor(self.person_for(task)), task.id).data

    # --- the steps, with ordinary answers ---------------------------------------------------------
    def give_notice(self, as_user: str = "shonan") -> None:
        """R-6.2: the 企業等 gives notice from its agreement's page (the same call as the page and the API)."""
        self.register.give_notice(
            self.engine.actor(as_user), self.agreement_id, "事業の見直しのため", "湘南 花子 0467-00-0000"
        )

    def notice_action(self, as_user: str = "shonan"):
        return self.register.detail(self.engine.actor(as_user), self.agreement_id).notice

    def hold_meetings(self, held_on: date, implemented: bool, proposals: list[dict] | None = None) -> None:
        """Every open 個別定例会議, each reporting all its projects implemented (or none)."""
        for task in [t for t in self.detail().open_tasks if t.step == "個別定例会議（R-8.1）"]:
            rows = self.task_data(task.step, task.department_name)["meeting_results"]
            results = [
                {
                    **row,
                    "implemented": "yes" if implemented else "no",
                    "outcome": "参加者から好評" if implemented else "担当者の異動により見送り",
                    **({"citizen_reach": 120} if implemented else {}),
                }
                for row in rows
            ]
            self.complete(
                task.step,
                {
                    "meeting_held_on": held_on.isoformat(),
                    "meeting_results": results,
                    "new_proposals": proposals or [],
                    "meeting_notes": "前年度の振り返りと次年度の計画",
                },
                department=task.department_name,
            )


@contextmanager
def frozen_engine(
    database_url: str, moment: str, *extra: Bundle
) -> Iterator[tuple[CaseEngine, FrozenDateTimeFactory]]:
    """A fresh database with the processes (and ``extra`` bundles) and demo people, on a frozen clock."""
    with freeze_time(moment) as clock:
        engine = bootstrap(database_url)
        engine.upgrade_schema()
        for bundle in (Bundle.from_folder(PROCESSES), *extra):
            engine.deploy(bundle)
        seed_people(engine)
        yield engine, clock
        engine.database.dispose()


@pytest.fixture
def lifecycle(database_url):
    """The processes and demo people on a frozen clock the timers also read."""
    with frozen_engine(database_url, "2025-04-01T00:00:00+09:00") as (engine, clock):
        yield Lifecycle(engine, clock)
