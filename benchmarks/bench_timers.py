"""Timer worker benchmark (issue #5 item 5): prints figures, asserts nothing.

(a) finding the due cases among 10,000 waiting lifecycle cases through the indexed ``next_timer_at`` column
    (no workflow is loaded), and (b) firing each due case in its own transaction (lock, load, fire, save,
    tables, audit, commit). The waiting cases are copies of one real lifecycle case, each with its own due
    time.

    .venv/bin/python benchmarks/bench_timers.py [--database-url URL] [--waiting 10000] [--due 50]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from freezegun import freeze_time
from sqlalchemy import insert, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine import cases  # noqa: E402
from engine.bootstrap import bootstrap  # noqa: E402
from engine.cases.timers import TimerWorker  # noqa: E402
from engine.definitions.bundle import Bundle  # noqa: E402
from engine.demo import seed_people  # noqa: E402
from engine.persistence.models import Case, WorkflowState  # noqa: E402
from engine.service import CaseEngine  # noqa: E402
from engine.workflow.serialization import pack, unpack  # noqa: E402
from tests.integration.test_comprehensive_flow import concluded_on  # noqa: E402

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
SIGNED_ON = "2025-06-15"  # the first 個別定例会議 timer is due 2026-05-01 09:00 Japan time
DUE_AT = datetime(2026, 5, 1, 0, 0, tzinfo=UTC)


def copy_lifecycle_case(engine: CaseEngine, waiting: int, due: int) -> None:
    """Copies of the lifecycle case: ``due`` of them due now, the rest due on later days (one per row).

    Each copy's workflow gets task ids of its own (they become human_task ids when its timer fires).
    """
    with engine.unit_of_work() as session:
        original = session.scalar(select(Case).where(Case.process_id == "agreement_lifecycle"))
        state = session.get(WorkflowState, original.id)
        columns = {
            c.key: getattr(original, c.key) for c in Case.__table__.columns if c.key not in ("id", "number")
        }
        for start in range(0, waiting, 1000):
            batch = []
            for n in range(start, min(start + 1000, waiting)):
                later = timedelta(0) if n < due else timedelta(days=1 + n % 300, minutes=n)
                batch.append({**columns, "next_timer_at": DUE_AT + later, "title": f"{original.title} #{n}"})
            ids = session.execute(insert(Case).returning(Case.id), batch).scalars().all()
            session.execute(
                insert(WorkflowState),
                [
                    {
                        "case_id": case_id,
                        "state": fresh_ids(state.state),
                        "spec_digest": state.spec_digest,
                        "serializer_version": state.serializer_version,
                        "spiff_version": state.spiff_version,
                        "updated_at": state.updated_at,
                    }
                    for case_id in ids
                ],
            )
        original.next_timer_at = DUE_AT + timedelta(days=400)  # only the copies count


def fresh_ids(state: bytes) -> bytes:
    renamed: dict[str, str] = {}
    return pack(UUID.sub(lambda m: renamed.setdefault(m.group(0), str(uuid.uuid4())), unpack(state)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--waiting", type=int, default=10_000)
    parser.add_argument("--due", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        measure(args, args.database_url or f"sqlite:///{folder}/bench.sqlite3")


def measure(args: argparse.Namespace, url: str) -> None:
    with freeze_time(f"{SIGNED_ON}T01:00:00+09:00"):
        engine = bootstrap(url)
        engine.upgrade_schema()
        engine.deploy(Bundle.from_folder(ROOT / "processes"))
        seed_people(engine)
        concluded_on(engine, SIGNED_ON)
        copy_lifecycle_case(engine, args.waiting, args.due)
    with freeze_time(DUE_AT + timedelta(seconds=1), tick=True):  # the clock runs, so durations are real
        worker = TimerWorker(engine)
        finding = []
        for _ in range(20):
            started = time.perf_counter()
            due = worker.due_case_ids(engine.clock())
            finding.append(time.perf_counter() - started)
        firing = []
        fire = cases.fire_case_timers

        def timed(*args, **kwargs):
            started = time.perf_counter()
            fire(*args, **kwargs)
            firing.append(time.perf_counter() - started)

        cases.fire_case_timers = timed
        started = time.perf_counter()
        run = worker.run()
        total = time.perf_counter() - started
        cases.fire_case_timers = fire
        print(
            f"database: {engine.database.url.get_backend_name()}, waiting cases: {args.waiting}, "
            f"due: {len(due)}"
        )
        print(
            f"(a) find the due cases: median {statistics.median(finding) * 1000:.1f} ms, "
            f"max {max(finding) * 1000:.1f} ms (20 runs)"
        )
        ordered = sorted(firing)
        print(
            f"(b) fire one due case (workflow part): median {statistics.median(ordered) * 1000:.1f} ms, "
            f"p95 {ordered[int(len(ordered) * 0.95) - 1] * 1000:.1f} ms"
        )
        print(
            f"    the whole run: {run.fired} fired, {len(run.failed)} failed in {total:.2f} s "
            f"({total / max(run.fired, 1) * 1000:.1f} ms per case including its transaction)"
        )
        engine.database.dispose()


if __name__ == "__main__":
    main()
