"""``renkei demo``: a fictional city and partners, and cases standing at different steps.

The cases are driven through the public engine API as the right person for each lane, with the
inputs of the process owners' scenario files, so the demo shows exactly what production does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import select

from engine.access import SYSTEM
from engine.accounts.identity import create_department, create_organisation, create_user, hash_password
from engine.context import Clock
from engine.definitions.bundle import Bundle
from engine.demo_data import DEPARTMENTS
from engine.domain.guideline import Lane
from engine.domain.japan_time import JAPAN
from engine.persistence.models import Department, Organisation, UserAccount
from engine.service import CaseEngine

DEMO_PASSWORD = "renkei-demo-2025"

ORGANISATIONS = (
    ("shonan", "湘南サンプル株式会社", "湘南 花子"),
    ("mirai", "茅ヶ崎みらい大学（架空）", "未来 太郎"),
    ("digital", "株式会社ちがさきデジタル（架空）", "電子 次郎"),
    ("umibe", "NPO法人 海辺のまちづくり研究会（架空）", "海辺 さくら"),
)
STAFF = (
    ("admin", "システム管理者", "admin", None),
    ("process", "プロセス管理者（業務改革担当）", "process_owner", None),
    ("kanri", "管理職（閲覧のみ）", "manager", None),
    ("seisaku", "総合政策課 政策 一郎", "coordinator", None),
)


@dataclass(frozen=True)
class DemoCase:
    scenario: str  # processes/<process>/scenarios/<file>
    organisation: str  # username of the organisation's contact
    steps: int | None  # how many scenario steps to run (None: all)
    note: str


DEMO_CASES = (
    DemoCase("comprehensive_agreement/scenarios/organisation_concludes.json", "shonan", None, "締結済み"),
    DemoCase("comprehensive_agreement/scenarios/organisation_concludes.json", "mirai", 1, "② 実績の整理待ち"),
    DemoCase("comprehensive_agreement/scenarios/organisation_concludes.json", "digital", 5, "⑤ 個別協議の途中"),
    DemoCase("comprehensive_agreement/scenarios/city_initiated_concludes.json", "umibe", 1, "① 企業等の確認待ち"),
    DemoCase("comprehensive_agreement/scenarios/two_categories_fall_back.json", "digital", 10, "個別協定の協議中"),
)


def seed_people(engine: CaseEngine) -> list[tuple[str, str]]:
    """Creates departments, organisations and users (skipping any that exist); returns (username, role)."""
    created = []
    password_hash = hash_password(DEMO_PASSWORD)  # one salted hash serves every demo account
    with engine.unit_of_work() as session:
        for code, name, is_coordinator in DEPARTMENTS:
            if session.scalar(select(Department.id).where(Department.code == code)) is None:
                create_department(session, name, code, is_coordinator)
        for username, org_name, person in ORGANISATIONS:
            if session.scalar(select(Organisation.id).where(Organisation.name == org_name)) is None:
                create_organisation(session, org_name, verified=True)
                create_user(session, username, None, "organisation", f"{person}（{org_name}）",
                            organisation=org_name, password_hash=password_hash)
                created.append((username, f"企業等（{org_name}）"))
        for username, display, role, _ in STAFF:
            if _missing_user(session, username):
                create_user(session, username, None, role, display, password_hash=password_hash)
                created.append((username, display))
        for code, name, is_coordinator in DEPARTMENTS:
            if not is_coordinator and _missing_user(session, code):
                create_user(session, code, None, "department", f"{name} 職員", departments=[code],
                            password_hash=password_hash)
                created.append((code, f"担当課（{name}）"))
    return created


def _missing_user(session, username: str) -> bool:
    return session.scalar(select(UserAccount.id).where(UserAccount.username == username)) is None


def _person_for(engine: CaseEngine, task, organisation_user: str) -> str:
    if task.lane == Lane.ORGANISATION.value:
        return organisation_user
    if task.lane == Lane.COORDINATOR.value:
        return "seisaku"
    with engine.unit_of_work() as session:
        return session.scalar(select(Department.code).where(Department.name == task.department_name))


def run_demo_case(engine: CaseEngine, bundle: Bundle, demo: DemoCase) -> int:
    """A scenario's dates are plausible on the days its ``dates`` name (engine.domain.plausible_dates), so the
    case starts on its ``case_start`` and its steps are taken on its ``today``, as the scenario runner measures."""
    scenario = json.loads(bundle.files[demo.scenario])
    process_id = demo.scenario.split("/")[0]
    start = scenario.get("start", {})
    dates = scenario.get("dates") or {}
    initiated_by = start.get("initiated_by", "organisation")
    organisation_actor = engine.actor(demo.organisation)
    starter = organisation_actor if initiated_by == "organisation" else engine.actor("seisaku")
    real_clock = engine.clock
    try:
        engine.clock = _on_day(dates.get("case_start"), real_clock)
        case = engine.start_case(starter, process_id, organisation_actor.organisation_id, initiated_by,
                                 start.get("data"))
        engine.clock = _on_day(dates.get("today"), real_clock)
        for step in scenario["steps"][: demo.steps]:
            if "expect_error" in step:
                continue
            task = _find_task(engine, case.id, step)
            actor = engine.actor(_person_for(engine, task, demo.organisation))
            engine.complete_task(actor, task.id, step.get("data", {}))
    finally:
        engine.clock = real_clock
    return case.id


def _on_day(day: str | None, real_clock: Clock) -> Clock:
    """10:00 in Japan on ``day`` (ISO), or the real clock when the scenario names no day."""
    if day is None:
        return real_clock
    moment = datetime.combine(date.fromisoformat(day), time(10), JAPAN)
    return lambda: moment


def _find_task(engine: CaseEngine, case_id: int, step):
    status = engine.case_status(SYSTEM, case_id)
    for task in status.open_tasks:
        if task.bpmn_id == step["task"] and (task.project_key == step.get("project") or "project" not in step):
            return task
    raise LookupError(f"demo: step {step['task']} is not ready in case {case_id}")
