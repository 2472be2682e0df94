"""Board and figures benchmark (issue #4 item 9): prints figures, asserts nothing.

Seeds 1,000 and then 10,000 cases with benchmarks/seeding.py (case rows with their board columns,
open and completed human tasks, projects, agreements; no workflow is ever read by the board), then times the
board's table page, a filtered page, the kanban, an export-size listing and the figures.

    .venv/bin/python -m benchmarks.bench_board [--database-url URL] [--repeat 20]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time

from benchmarks.seeding import prepare, seed
from engine.board.filters import BoardQuery
from engine.board.service import Board
from engine.service import CaseEngine

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
        engine = prepare(args.database_url or f"sqlite:///{folder}/bench.sqlite3")
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
