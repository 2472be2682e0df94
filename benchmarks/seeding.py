"""Bulk loading for the benchmarks: a database of many cases in seconds, not the hours the workflows would take.

Case rows with their board columns, open and completed human tasks, projects, and a 包括連携協定 (with its first
period) for every case that ended ``concluded``, all with batched core INSERTs: the ORM's flush per case would
dominate the run. No workflow state is written: the listings never read one. Cases are added up to a total, so a
benchmark can grow one database from 1,000 to 10,000 to 100,000 cases and measure at each size.

    prepare(url) → a deployed engine with the demo people;  seed(engine, total, rng) → up to ``total`` cases;
    attach_workflows(engine, count) → that many running cases get a real workflow state, for their case page.
"""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select, text

from engine.board.steps import END_COLUMNS
from engine.bootstrap import bootstrap
from engine.definitions.bundle import Bundle
from engine.demo import seed_people
from engine.domain.guideline import Lane
from engine.persistence.models import (
    Agreement,
    AgreementPeriod,
    Case,
    Department,
    HumanTask,
    Organisation,
    ProcessVersion,
    Project,
    UserAccount,
    WorkflowState,
)
from engine.persistence.models.agreement import COMPREHENSIVE
from engine.persistence.models.user import user_department
from engine.service import CaseEngine

ROOT = Path(__file__).resolve().parent.parent
STEPS = {"2": ("record_partnership", "② 連携事業の実績を整理", Lane.COORDINATOR),
         "3": ("assign_departments", "③ ニーズ調査・担当課の決定", Lane.COORDINATOR),
         "5": ("decide_implementation", "⑤ 個別協議・事業実施の判断", Lane.DEPARTMENT),
         "7": ("confirm_agreement", "⑦ 協定書の内容の確認", Lane.ORGANISATION)}
DONE = [("propose", "① 連携事業の提案", Lane.ORGANISATION), *[(b, n, lane) for b, n, lane in STEPS.values()]]
BATCH = 2000


def prepare(url: str) -> CaseEngine:
    """An empty database made ready: schema, the shipped processes, the demo people (password DEMO_PASSWORD)."""
    engine = bootstrap(url)
    engine.upgrade_schema()
    engine.deploy(Bundle.from_folder(ROOT / "processes"))
    seed_people(engine)
    return engine


def seed(engine: CaseEngine, total: int, rng: random.Random) -> None:
    """Adds cases until there are ``total``: three in four running at ②③⑤⑦, the rest ended, the concluded
    ones with their agreement. Rows are built and inserted a batch at a time, so memory stays flat at 100,000."""
    with engine.unit_of_work() as session:
        first = (session.scalar(select(func.max(Case.id))) or 0) + 1
        next_agreement = (session.scalar(select(func.max(Agreement.id))) or 0) + 1
        version = session.scalars(select(ProcessVersion).where(ProcessVersion.process_id == "comprehensive_agreement")
                                  ).first()
        context = {"version": version.id, "organisations": list(session.scalars(select(Organisation.id))),
                   "departments": list(session.scalars(select(Department.id).where(Department.is_coordinator.is_(False)))),
                   "coordinator": session.scalar(select(Department.id).where(Department.is_coordinator)),
                   "staff": _people(session)}
        for start in range(first, total + 1, BATCH):
            rows: dict[type, list[dict]] = {Case: [], HumanTask: [], Project: [], Agreement: [], AgreementPeriod: []}
            for case_id in range(start, min(start + BATCH, total + 1)):
                next_agreement = _case(case_id, rng, context, rows, next_agreement)
            for model, batch in rows.items():  # cases before what refers to them
                if batch:
                    session.execute(insert(model), batch)
        _advance_sequences(session)
    refresh_statistics(engine)


def _people(session) -> dict[tuple[str, int], list[int]]:
    """Who completes or claims a task: the users of each department and of each organisation. Without them
    every seeded task would have no claimant and no completer, and the planners (SQLite's above all) would
    learn from the statistics that a person's claimed or completed tasks are every task."""
    people: dict[tuple[str, int], list[int]] = defaultdict(list)
    for user_id, department_id in session.execute(select(user_department.c.user_id, user_department.c.department_id)):
        people[("department", department_id)].append(user_id)
    for user_id, organisation_id in session.execute(
            select(UserAccount.id, UserAccount.organisation_id).where(UserAccount.organisation_id.is_not(None))):
        people[("organisation", organisation_id)].append(user_id)
    return people


def _advance_sequences(session) -> None:
    """Case and agreement ids were given explicitly, which PostgreSQL's sequences do not see: set them past the
    rows, or the next case the engine starts would take id 1 again."""
    if session.bind.dialect.name == "postgresql":
        for table in (Case.__tablename__, Agreement.__tablename__):
            session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                 f"(SELECT coalesce(max(id), 1) FROM {table}))"))


def _case(case_id: int, rng: random.Random, context: dict, rows: dict, next_agreement: int) -> int:
    started = datetime(2023, 4, 1, tzinfo=UTC) + timedelta(hours=rng.randrange(0, 3 * 365 * 24))
    step = rng.choice(list(STEPS)) if rng.random() < 0.75 else None
    organisation = rng.choice(context["organisations"])
    row = {"id": case_id, "number": f"B-{case_id:06d}", "process_version_id": context["version"],
           "process_id": "comprehensive_agreement", "organisation_id": organisation, "title": f"ベンチマークの提案 {case_id}",
           "initiated_by": "organisation", "status": "running" if step else "completed",
           "outcome": None if step else rng.choice(list(END_COLUMNS)), "active_steps": [], "started_at": started,
           "updated_at": started, "board_step": step, "fiscal_year": started.year, "project_count": 3,
           "category_count": 2, "ended_at": None if step else started + timedelta(days=90), "version_id": 1,
           "waiting_since": None, "waiting_lane": None, "parallel_done": None, "parallel_total": None}
    at = started
    for bpmn_id, name, lane in DONE[: rng.randint(1, len(DONE))]:
        created, at = at, at + timedelta(hours=rng.randrange(1, 24 * 20))
        rows[HumanTask].append(_task(case_id, bpmn_id, name, lane, "completed", created, at, organisation, context, rng))
    if step:
        bpmn_id, name, lane = STEPS[step]
        for _ in range(3 if step == "5" else 1):
            rows[HumanTask].append(_task(case_id, bpmn_id, name, lane, "ready", at, None, organisation, context, rng))
        row.update(waiting_since=at, waiting_lane=lane.value, active_steps=[name])
        if step == "5":
            row.update(parallel_done=1, parallel_total=3)
    rows[Case].append(row)
    concluded = row["outcome"] == "concluded"
    for key in ("P1", "P2", "P3"):
        rows[Project].append({
            "case_id": case_id, "key": key, "title": f"事業{key}", "category": str(rng.randint(1, 7)),
            "fiscal_year": started.year, "department_id": rng.choice(context["departments"]),
            "implementation": "implement" if concluded else rng.choice(["implement", "not_implement", None]),
            "removed": False, "exclusions": [], "counted": concluded, "updated_at": started})
    if concluded:
        _agreement(next_agreement, row, rows)
        return next_agreement + 1
    return next_agreement


def _agreement(agreement_id: int, case: dict, rows: dict) -> None:
    """A 包括連携協定 signed when the case ended, for two years (renewed yearly after that, as the guideline sets)."""
    signed = case["ended_at"].date()
    until = date(signed.year + 2, signed.month, min(signed.day, 28))
    deadline = until - timedelta(days=90)
    rows[Agreement].append({"id": agreement_id, "case_id": case["id"], "organisation_id": case["organisation_id"],
                            "kind": COMPREHENSIVE, "title": f"包括連携協定 {case['number']}", "signed_on": signed,
                            "valid_from": signed, "valid_until": until, "notice_deadline": deadline,
                            "status": "active", "created_at": case["ended_at"]})
    rows[AgreementPeriod].append({"agreement_id": agreement_id, "number": 1, "valid_from": signed,
                                  "valid_until": until, "notice_deadline": deadline, "started_at": case["ended_at"]})


def _task(case_id, bpmn_id, name, lane, state, created, completed, organisation, context, rng) -> dict:
    """A task routed as the engine routes it; a completed one has its completer, one open task in five is
    claimed (by a person of its department or organisation)."""
    department = {Lane.COORDINATOR: context["coordinator"], Lane.DEPARTMENT: rng.choice(context["departments"])}
    party = ("organisation", organisation) if lane is Lane.ORGANISATION else ("department", department.get(lane))
    people = context["staff"].get(party) or [None]
    done = state == "completed"
    claimant = rng.choice(people) if done or rng.random() < 0.2 else None
    return {"id": str(uuid.uuid4()), "case_id": case_id, "process_id": "comprehensive_agreement", "bpmn_id": bpmn_id,
            "name": name, "lane": lane.value, "state": state, "created_at": created, "completed_at": completed,
            "department_id": department.get(lane),
            "organisation_id": organisation if lane is Lane.ORGANISATION else None,
            "completed_by_id": claimant if done else None, "claimed_by_id": claimant,
            "claimed_at": created if claimant else None}


PROPOSAL = {"proposal_title": "ベンチマーク用の提案", "proposal_summary": "概要", "projects": [
    {"id": "", "title": f"事業{n}", "summary": "概要", "category": str(n), "fiscal_year": 2025} for n in (1, 2, 5, 6)]}


def attach_workflows(engine: CaseEngine, count: int) -> list[int]:
    """Gives the first ``count`` running seeded cases a copy of a real workflow state, and returns their ids.

    The case page draws the live diagram from the workflow, which ``seed`` never writes (a state per case would
    make 100,000 cases gigabytes). One case is run through ① by the engine, and its state row is copied, whatever
    columns the table has. The seeded tasks and the copied state disagree on task ids; the page only draws it.
    """
    shonan = engine.actor("shonan")
    case = engine.start_case(shonan, "comprehensive_agreement", shonan.organisation_id)
    engine.complete_task(shonan, case.open_tasks[0].id, PROPOSAL)
    table = WorkflowState.__table__
    with engine.unit_of_work() as session:
        template = dict(session.execute(select(table).where(table.c.case_id == case.id)).mappings().one())
        missing = select(Case.id).where(Case.status == "running", Case.id != case.id,
                                        ~select(table.c.case_id).where(table.c.case_id == Case.id).exists())
        ids = list(session.scalars(missing.order_by(Case.id).limit(count)))
        for batch in range(0, len(ids), BATCH):
            session.execute(insert(table), [{**template, "case_id": case_id} for case_id in ids[batch:batch + BATCH]])
    return ids


def refresh_statistics(engine: CaseEngine) -> None:
    """PostgreSQL plans from table statistics, which autovacuum keeps current as a real database grows; right
    after a bulk load they are missing and every listing would be planned blind. SQLite's ANALYZE does the same
    for its planner."""
    with engine.database.connect() as connection:
        connection.execute(text("ANALYZE"))
        connection.commit()
