"""Sign-in timing benchmark (issue #14 item 4): prints figures, asserts nothing.

How long ``CaseEngine.authenticate`` takes for an unknown name, a known name with a wrong password, a known
name with the right password and a deactivated name. If an unknown name answers much faster than a known
one, the answer time tells a stranger which names exist.

    .venv/bin/python benchmarks/bench_sign_in.py [--rounds 20]

Runs on a fresh SQLite file; each attempt comes from an address of its own and the recorded attempts are
cleared between rounds, so throttling never answers instead of the password check. The figures include the
machine's other load.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import delete, update

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.bootstrap import bootstrap  # noqa: E402
from engine.demo import DEMO_PASSWORD, seed_people  # noqa: E402
from engine.persistence.models import LoginAttempt, UserAccount  # noqa: E402

CASES = {
    "unknown name": ("nobody-here", DEMO_PASSWORD),
    "known name, wrong password": ("seisaku", "wrong-password"),
    "known name, right password": ("seisaku", DEMO_PASSWORD),
    "deactivated name": ("kodomo", DEMO_PASSWORD),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory() as folder:
        engine = bootstrap(f"sqlite:///{folder}/bench.sqlite3")
        engine.upgrade_schema()
        seed_people(engine)
        with engine.unit_of_work() as session:
            session.execute(update(UserAccount).where(UserAccount.username == "kodomo").values(active=False))
        engine.authenticate("warm-up", "warm-up", "10.9.9.9")  # the first call pays for imports and the decoy
        timings: dict[str, list[float]] = {label: [] for label in CASES}
        for round_ in range(rounds):
            for number, (label, (username, password)) in enumerate(CASES.items()):
                started = time.perf_counter()
                engine.authenticate(username, password, f"10.0.{round_}.{number}")
                timings[label].append((time.perf_counter() - started) * 1000)
            with engine.unit_of_work() as session:
                session.execute(delete(LoginAttempt))
        engine.database.dispose()
    print(f"CaseEngine.authenticate, {rounds} rounds (ms: median, min, max)")
    for label, values in timings.items():
        print(f"  {label:<28} {statistics.median(values):7.1f} {min(values):7.1f} {max(values):7.1f}")


if __name__ == "__main__":
    main()
