"""Engine benchmark (issue #2): prints figures, asserts nothing.

(a) completing one user task through the engine API with the database (validate, run, save, tables, audit,
    commit), (b) the same step in bare SpiffWorkflow (deserialize, complete, engine steps, serialize), and the
    ratio (a)/(b); (b′) (b) with the engine's loading (specs shared, engine.workflow.serialization), so that (a)/(b′)
    shows what the engine adds around the workflow; the SQL statements one completion issues and the bytes of the
    workflow state row of a case at ⑤ (exact, where the timings are noisy on a shared machine); (c) listing one
    user's tasks with 1,000 and 10,000 open cases in the database.

    .venv/bin/python benchmarks/bench_engine.py [--database-url URL --second-database-url URL2] [--completions 200]
                                                [--skip-listing]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
import uuid
from functools import partial

from sqlalchemy import event, select

from benchmarks.seeding import prepare, refresh_statistics
from engine.access import SYSTEM
from engine.domain.japan_time import today_in_japan
from engine.persistence.models import Case, HumanTask, WorkflowSpec, WorkflowState
from engine.service import CaseEngine
from engine.workflow.runner import complete_task, ready_tasks
from engine.workflow.scripting import SCRIPT_ENGINE
from engine.workflow.serialization import dump_state, library_serializer, load_state, unpack

LIBRARY = library_serializer()
PROPOSAL = {"proposal_title": "ベンチマーク用の提案", "proposal_summary": "概要", "projects": [
    {"id": "", "title": f"事業{n}", "summary": "概要", "category": str(n), "fiscal_year": 2025} for n in (1, 2, 5, 6)]}
RECORD = {"past_records": [{"fiscal_year": 2024, "title": "防災訓練への協力", "summary": "概要"}],
          "record_notes": "過去の連携実績を整理した"}


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.95) - 1]


def cases_at_step_2(engine: CaseEngine, count: int) -> list[str]:
    """Cases whose ② 連携実績の整理 task is ready; returns those task ids."""
    shonan = engine.actor("shonan")
    task_ids = []
    for _ in range(count):
        case = engine.start_case(shonan, "comprehensive_agreement", shonan.organisation_id)
        engine.complete_task(shonan, case.open_tasks[0].id, PROPOSAL)
        task_ids.append(engine.case_status(SYSTEM, case.id).open_tasks[0].id)
    return task_ids


class StatementCounter:
    """Counts the statements the database is sent, so a completion's figure is exact however noisy the clock."""

    def __init__(self, engine: CaseEngine) -> None:
        self.count = 0
        event.listen(engine.database, "before_cursor_execute", self._seen)

    def _seen(self, *_) -> None:
        self.count += 1


def engine_completion(engine: CaseEngine, coordinator, task_id: str, counter: StatementCounter,
                      statements: list[int]) -> float:
    before = counter.count
    start = time.perf_counter()
    engine.complete_task(coordinator, task_id, RECORD)
    elapsed = time.perf_counter() - start
    statements.append(counter.count - before)
    return elapsed


def spiff_completion(load, dump) -> float:
    """Deserialize, complete ②, run the engine steps, serialize: the workflow work alone."""
    start = time.perf_counter()
    workflow = load()
    workflow.script_engine = SCRIPT_ENGINE  # the same restricted scripts as in the engine
    task = next(t for t in ready_tasks(workflow) if t.bpmn_id == "record_partnership")
    complete_task(workflow, task.id, RECORD)
    dump(workflow)
    return time.perf_counter() - start


def bench_completions(engine: CaseEngine, task_ids: list[str], counter: StatementCounter,
                      statements: list[int]) -> tuple[list[float], list[float], list[float]]:
    """(a), (b) and (b′) in turns, case by case, on the same workflow state.

    A shared machine's speed drifts by half over seconds; measuring all of (a) and then all of (b)
    would put that drift into the ratio. In turns, each triple sees the machine in the same state.
    """
    coordinator = engine.actor("seisaku")
    states = workflow_states(engine, task_ids)
    full, bare, shared = [], [], []
    for task_id in task_ids:
        # (b): the library as it ships, every load rebuilds the specs; (b′): the engine's loading, which shares them
        state, digest, specs = states[task_id]
        whole = self_contained(state, specs)
        bare.append(spiff_completion(partial(LIBRARY.deserialize_json, whole), LIBRARY.serialize_json))
        shared.append(spiff_completion(partial(load_state, state, digest, partial(str, specs)), dump_state))
        full.append(engine_completion(engine, coordinator, task_id, counter, statements))
    return full, bare, shared


def case_at_step_5(engine: CaseEngine) -> int:
    """A case whose four projects wait for their departments' ⑤ 実施判断; returns its id."""
    shonan, seisaku = engine.actor("shonan"), engine.actor("seisaku")
    case = engine.start_case(shonan, "comprehensive_agreement", shonan.organisation_id)
    engine.complete_task(shonan, case.open_tasks[0].id, PROPOSAL)
    engine.complete_task(seisaku, engine.case_status(SYSTEM, case.id).open_tasks[0].id, RECORD)
    departments = ("kodomo", "shiminkatsudo", "kankyo", "kankyo")
    projects = [{**row, "id": f"P{n}", "department": department}
                for n, (row, department) in enumerate(zip(PROPOSAL["projects"], departments, strict=True), start=1)]
    engine.complete_task(seisaku, engine.case_status(SYSTEM, case.id).open_tasks[0].id,
                         {"needs_survey": "各課にニーズあり", "projects": projects})
    consult = engine.case_status(SYSTEM, case.id).open_tasks[0]
    rows = [{"id": row["id"], "feasible": "yes", "note": "協議済み"}
            for row in engine.get_task(seisaku, consult.id).data["feasibility"]]
    today = today_in_japan(engine.clock()).isoformat()
    engine.complete_task(seisaku, consult.id, {"consultation_date": today, "feasibility": rows})
    assert {t.bpmn_id for t in engine.case_status(SYSTEM, case.id).open_tasks} == {"decide_implementation"}
    return case.id


def state_row_bytes(engine: CaseEngine, case_id: int) -> tuple[int, int]:
    """Bytes of the case's workflow_state.state as the database stores it, and of the specs it names (one row
    for every case of the version)."""
    with engine.database.connect() as connection:
        state, digest = connection.execute(select(WorkflowState.state, WorkflowState.spec_digest)
                                           .where(WorkflowState.case_id == case_id)).one()
        specs = connection.scalar(select(WorkflowSpec.specs).where(WorkflowSpec.digest == digest))
        return len(state), len(specs.encode("utf-8"))


def workflow_states(engine: CaseEngine, task_ids: list[str]) -> dict[str, tuple[bytes, str, str]]:
    """Each task's case state, the digest of its specs and their text."""
    with engine.unit_of_work() as session:
        rows = session.execute(select(HumanTask.id, WorkflowState.state, WorkflowState.spec_digest, WorkflowSpec.specs)
                               .join(HumanTask, HumanTask.case_id == WorkflowState.case_id)
                               .join(WorkflowSpec, WorkflowSpec.digest == WorkflowState.spec_digest)
                               .where(HumanTask.id.in_(task_ids)))
        return {task_id: (state, digest, specs) for task_id, state, digest, specs in rows}


def self_contained(state: bytes, specs: str) -> str:
    """The state with its specs, as the library stores a workflow (and as Renkei did before #15)."""
    return json.dumps({**json.loads(unpack(state)), **json.loads(specs)})


def clone_open_cases(engine: CaseEngine, template_task_id: str, total: int) -> None:
    """Fills the database with open cases like a real one, fast: rows copied, not workflows re-run.

    Tasks are spread over the organisations' ① and ②, and over every department's ⑤, as in a busy year.
    """
    with engine.unit_of_work() as session:
        template = session.get(HumanTask, template_task_id)
        case = session.get(Case, template.case_id)
        state, digest = case.workflow.state, case.workflow.spec_digest
        departments = [d for (d,) in session.execute(select(HumanTask.department_id).distinct())] or [None]
        existing = session.query(Case).count()
        batch = []
        for n in range(existing, total):
            clone = Case(process_version_id=case.process_version_id, process_id=case.process_id,
                         organisation_id=case.organisation_id, title=f"提案 {n}", initiated_by="organisation",
                         status="running", active_steps=[template.name], started_at=case.started_at,
                         updated_at=case.updated_at, waiting_since=case.updated_at, number=f"B-{n:06d}")
            session.add(clone)
            batch.append(clone)
            if len(batch) == 1000:
                _add_rows(session, batch, template, state, digest, departments)
                batch = []
        _add_rows(session, batch, template, state, digest, departments)


def _add_rows(session, cases, template, state, digest, departments) -> None:
    session.flush()
    for index, clone in enumerate(cases):
        department = departments[index % len(departments)] if index % 3 == 0 else template.department_id
        session.add(WorkflowState(case_id=clone.id, state=state, spec_digest=digest, serializer_version="1.5",
                                  spiff_version="3.2.0"))
        session.add(HumanTask(id=str(uuid.uuid4()), case_id=clone.id, process_id=template.process_id,
                              bpmn_id=template.bpmn_id, name=template.name, lane=template.lane,
                              form_ref=template.form_ref, department_id=department, state="ready",
                              created_at=template.created_at))
    session.flush()


def bench_listing_in_turns(small: CaseEngine, large: CaseEngine, username: str, view: str,
                           repeat: int = 50) -> tuple[list[float], list[float]]:
    """The same listing in a database of 1,000 and one of 10,000 open cases, in turns (see bench_completions)."""
    actors = {small: small.actor(username), large: large.actor(username)}
    samples: dict[CaseEngine, list[float]] = {small: [], large: []}
    for _ in range(repeat):
        for engine in (small, large):
            start = time.perf_counter()
            engine.list_tasks(actors[engine], view)
            samples[engine].append(time.perf_counter() - start)
    return samples[small], samples[large]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="an empty database for (a), (b) and the 1,000 cases of (c)")
    parser.add_argument("--second-database-url", help="another empty database, for the 10,000 cases of (c)")
    parser.add_argument("--completions", type=int, default=200)
    parser.add_argument("--skip-listing", action="store_true", help="only (a), (b), (b′), statements and row size")
    options = parser.parse_args()
    if bool(options.database_url) != bool(options.second_database_url) and not options.skip_listing:
        parser.error("--database-url and --second-database-url go together (two empty databases)")
    folder = tempfile.mkdtemp(prefix="renkei-bench-")
    engine = prepare(options.database_url or f"sqlite:///{folder}/bench.sqlite3")
    print(f"database: {engine.database.url.render_as_string(hide_password=True)}")

    counter, statements = StatementCounter(engine), []
    bench_completions(engine, cases_at_step_2(engine, 20), counter, [])  # warm-up: caches, compiled processes
    full, bare, shared = bench_completions(engine, cases_at_step_2(engine, options.completions), counter, statements)
    (a_median, a_p95), (b_median, b_p95), (s_median, s_p95) = map(percentiles, (full, bare, shared))
    print(f"(a)  complete a task through the engine API + database: median {a_median * 1000:.2f} ms, "
          f"p95 {a_p95 * 1000:.2f} ms  (n={len(full)})")
    print(f"(b)  the same in bare SpiffWorkflow:                      median {b_median * 1000:.2f} ms, "
          f"p95 {b_p95 * 1000:.2f} ms  (n={len(bare)})")
    print(f"(b′) (b) loading through the engine (specs shared):       median {s_median * 1000:.2f} ms, "
          f"p95 {s_p95 * 1000:.2f} ms")
    print(f"     ratio (a)/(b): median {a_median / b_median:.2f}, p95 {a_p95 / b_p95:.2f}  (target ≤ 1.5)")
    print(f"     ratio (a)/(b′), what the database, tables, audit and notices add to the workflow work: "
          f"median {a_median / s_median:.2f}, p95 {a_p95 / s_p95:.2f}")
    print(f"     statements per completion of ②: median {statistics.median(statements):g}, "
          f"min {min(statements)}, max {max(statements)}")
    state_bytes, spec_bytes = state_row_bytes(engine, case_at_step_5(engine))
    print(f"     workflow_state.state of a case at ⑤: {state_bytes:,} bytes (its specs, stored once: {spec_bytes:,})")
    if options.skip_listing:
        return

    large = prepare(options.second_database_url or f"sqlite:///{folder}/bench-10000.sqlite3")
    for database, total in ((engine, 1_000), (large, 10_000)):
        clone_open_cases(database, cases_at_step_2(database, 1)[0], total)
        refresh_statistics(database)
    for username, view in (("kankyo", "group"), ("seisaku", "group"), ("shonan", "group")):
        (small_median, small_p95), (large_median, large_p95) = map(
            percentiles, bench_listing_in_turns(engine, large, username, view))
        print(f"(c) list_tasks({username}, {view}):  1,000 open cases median {small_median * 1000:.2f} ms, "
              f"p95 {small_p95 * 1000:.2f} ms;  10,000: median {large_median * 1000:.2f} ms, p95 {large_p95 * 1000:.2f} ms"
              f"  → growth {large_median / small_median:.2f}× (target ≤ 1.5×)")


if __name__ == "__main__":
    main()
