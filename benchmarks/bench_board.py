"""Board and figures benchmark (issue #4 item 9): prints figures, asserts nothing.

Seeds 1,000 and then 10,000 cases directly through the models (case rows with their board columns,
open and completed human tasks, projects; no workflow is ever read by the board), then times the
board's table page, a filtered page, the kanban, an export-size listing and the figures.

    .venv/bin/python benchmarks/bench_board.py [--database-url URL] [--repeat 20]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select

from engine.board.filters import BoardQuery
from engine.board.service import Board
from engine.board.steps import END_COLUMNS
from engine.bootstrap import bootstrap
from engine.definitions.bundle import Bundle
from engine.demo import seed_people
from engine.domain.guideline import Lane
from engine.persistence.models import Case, Department, HumanTask, Organisation, ProcessVersion, Project
from engine.service import CaseEngine

ROOT = Path(__file__).resolve().parent.parent
STEPS = {"2": ("record_partnership", "② 連携事業の実績を整理", Lane.COORDINATOR),
         "3": ("assign_departments", "③ ニーズ調査・担当課の決定", Lane.COORDINATOR),
         "5": ("decide_implementation", "⑤ 個別協議・事業実施の判断", Lane.DEPARTMENT),
         "7": ("confirm_agreement", "⑦ 協定書の内容の確認", Lane.ORGANISATION)}
DONE = [("propose", "① 連携事業の提案", Lane.ORGANISATION), *[(b, n, lane) for b, n, lane in STEPS.values()]]


def seed(engine: CaseEngine, total: int, rng: random.Random) -> None:
    """Adds cases until there are ``total``: three in four running at ②③⑤⑦, the rest ended.
    Rows go in with batched core INSERTs (the ORM's flush per case would dominate the run)."""
    with engine.unit_of_work() as session:
        first = (session.scalar(select(func.max(Case.id))) or 0) + 1
        version = session.scalars(select(ProcessVersion).where(ProcessVersion.process_id == "comprehensive_agreement")
                                  ).first()
        context = {"version": version.id, "organisations": list(session.scalars(select(Organisation.id))),
                   "departments": list(session.scalars(select(Department.id).where(Department.is_coordinator.is_(False)))),
                   "coordinator": session.scalar(select(Department.id).where(Department.is_coordinator))}
        cases, tasks, projects = [], [], []
        for case_id in range(first, total + 1):
            _case(case_id, rng, context, cases, tasks, projects)
        for model, rows in ((Case, cases), (HumanTask, tasks), (Project, projects)):
            for batch in range(0, len(rows), 2000):
                session.execute(insert(model), rows[batch:batch + 2000])


def _case(case_id: int, rng: random.Random, context: dict, cases: list, tasks: list, projects: list) -> None:
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
        tasks.append(_task(case_id, bpmn_id, name, lane, "completed", created, at, organisation, context, rng))
    if step:
        bpmn_id, name, lane = STEPS[step]
        for _ in range(3 if step == "5" else 1):
            tasks.append(_task(case_id, bpmn_id, name, lane, "ready", at, None, organisation, context, rng))
        row.update(waiting_since=at, waiting_lane=lane.value, active_steps=[name])
        if step == "5":
            row.update(parallel_done=1, parallel_total=3)
    cases.append(row)
    for key in ("P1", "P2", "P3"):
        projects.append({"case_id": case_id, "key": key, "title": f"事業{key}", "category": str(rng.randint(1, 7)),
                         "fiscal_year": started.year, "department_id": rng.choice(context["departments"]),
                         "implementation": rng.choice(["implement", "not_implement", None]), "removed": False,
                         "exclusions": [], "counted": False, "updated_at": started})


def _task(case_id, bpmn_id, name, lane, state, created, completed, organisation, context, rng) -> dict:
    department = {Lane.COORDINATOR: context["coordinator"], Lane.DEPARTMENT: rng.choice(context["departments"])}
    return {"id": str(uuid.uuid4()), "case_id": case_id, "process_id": "comprehensive_agreement", "bpmn_id": bpmn_id,
            "name": name, "lane": lane.value, "state": state, "created_at": created, "completed_at": completed,
            "department_id": department.get(lane),
            "organisation_id": organisation if lane is Lane.ORGANISATION else None}


def timed(call, repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        call()
        samples.append((time.perf_counter() - began) * 1000)
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]


def measure(engine: CaseEngine, repeat: int) -> dict[str, tuple[float, float]]:
    board, manager = Board(engine), engine.actor("kanri")
    kankyo = engine.actor("kankyo")
    return {
        "board table, page 1 (manager)": timed(lambda: board.board(manager, BoardQuery()), repeat),
        "board filtered: 担当課=kankyo, overdue": timed(
            lambda: board.board(manager, BoardQuery(department="kankyo", overdue=True)), repeat),
        "board sorted by step, page 20": timed(lambda: board.board(manager, BoardQuery(sort="step", page=20)), repeat),
        "board as a 担当課 user": timed(lambda: board.board(kankyo, BoardQuery()), repeat),
        "kanban (12 columns)": timed(lambda: board.board(manager, BoardQuery(view="kanban")), repeat),
        "export listing (all running cases)": timed(lambda: board.rows(manager, BoardQuery(status="running")),
                                                    max(3, repeat // 5)),
        "figures (all years)": timed(lambda: board.figures(manager), repeat),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="default: a new SQLite file in a temporary folder")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine = bootstrap(args.database_url or f"sqlite:///{folder}/bench.sqlite3")
        engine.upgrade_schema()
        engine.deploy(Bundle.from_folder(ROOT / "processes"))
        seed_people(engine)
        rng = random.Random(4)
        results = {}
        for total in (1_000, 10_000):
            began = time.perf_counter()
            seed(engine, total, rng)
            print(f"seeded {total:,} cases in {time.perf_counter() - began:.1f} s", flush=True)
            results[total] = measure(engine, args.repeat)
        print(f"\n{'operation (median / p95, ms)':<42}{'1,000 cases':>20}{'10,000 cases':>20}")
        for name in results[1_000]:
            small, large = results[1_000][name], results[10_000][name]
            print(f"{name:<42}{small[0]:>9.1f} / {small[1]:>7.1f}{large[0]:>9.1f} / {large[1]:>7.1f}")
        engine.database.dispose()


if __name__ == "__main__":
    main()
