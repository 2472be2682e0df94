"""What every request pays besides its own listing (issue #15 item 4): prints figures, asserts nothing.

For a few pages and API calls, through the Flask test client on a seeded database (benchmarks/seeding.py), prints
the median time of a request and how it splits: loading the signed-in person (Flask-Login's user loader, with the
session-generation check), each menu badge, rendering the template (without the badges, which the menu's context
processor computes first), and the rest (the view's engine call, CSRF, headers, the session cookie). It also counts
SQL statements and connection checkouts per request: each checkout is one unit of work, and costs a BEGIN, a COMMIT
and the pool's pre-ping on top of its statements.

    .venv/bin/python -m benchmarks.bench_request_overhead [--database-url URL] [--cases 10000] [--repeat 30]
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import statistics
import tempfile
import time
from collections import defaultdict

from flask import before_render_template, template_rendered
from sqlalchemy import event

from benchmarks.bench_lists import signed_in
from benchmarks.seeding import prepare, seed
from web import create_app

REQUESTS = [("kanri", "/notifications/"), ("seisaku", "/"), ("kankyo", "/inbox/"), ("seisaku", "/board/"),
            ("shonan", "/api/tasks"), ("kanri", "/api/cases")]


class Split:
    """Time spent per part of the request being measured, and its statements and checkouts."""

    def __init__(self) -> None:
        self.parts: dict[str, float] = defaultdict(float)
        self.statements = self.checkouts = 0
        self.rendering_since = 0.0

    def timed(self, name: str, call):
        def wrapper(*args, **kwargs):
            began = time.perf_counter()
            try:
                return call(*args, **kwargs)
            finally:
                self.parts[name] += time.perf_counter() - began
        return wrapper


def instrument(app, engine, split: Split) -> None:
    manager = app.login_manager
    manager._user_callback = split.timed("person", manager._user_callback)
    items = app.extensions["renkei.nav"]
    items[:] = [dataclasses.replace(item, badge=split.timed(f"badge {item.label}", item.badge)) if item.badge
                else item for item in items]

    def render_began(*_args, **_kwargs) -> None:
        split.rendering_since = time.perf_counter()

    def render_ended(*_args, **_kwargs) -> None:
        split.parts["template"] += time.perf_counter() - split.rendering_since

    before_render_template.connect(render_began, app, weak=False)
    template_rendered.connect(render_ended, app, weak=False)

    def statement(*_args) -> None:
        split.statements += 1

    def checkout(*_args) -> None:
        split.checkouts += 1

    event.listen(engine.database, "before_cursor_execute", statement)
    event.listen(engine.database.pool, "checkout", checkout)


def measure(app, split: Split, who: str, path: str, repeat: int) -> None:
    client = signed_in(app, who)
    client.get(path)
    totals, parts, statements, checkouts = [], defaultdict(list), [], []
    for _ in range(repeat):
        split.parts.clear()
        split.statements = split.checkouts = 0
        began = time.perf_counter()
        status = client.get(path).status_code
        totals.append(time.perf_counter() - began)
        for name, seconds in split.parts.items():
            parts[name].append(seconds)
        statements.append(split.statements)
        checkouts.append(split.checkouts)
    total = statistics.median(totals) * 1000
    named = {name: statistics.median(samples) * 1000 for name, samples in parts.items()}
    rest = total - sum(named.values())
    shares = ", ".join(f"{name} {ms:.1f}" for name, ms in sorted(named.items(), key=lambda kv: -kv[1]))
    print(f"{who:>8} {path:<18} {status}  {total:7.1f} ms = {shares}, view and the rest {rest:.1f}"
          f"  | {statistics.median(statements):.0f} statements, {statistics.median(checkouts):.0f} checkouts",
          flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="an empty database; default: a new SQLite file in a temporary folder")
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine = prepare(args.database_url or f"sqlite:///{folder}/bench.sqlite3")
        seed(engine, args.cases, random.Random(15))
        app = create_app({"TESTING": True, "SECRET_KEY": "bench", "RENKEI_ENGINE": engine,
                          "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False})
        app.instance_path = folder
        split = Split()
        instrument(app, engine, split)
        print(f"{args.cases:,} cases on {engine.database.dialect.name}; median of {args.repeat} requests, ms")
        for who, path in REQUESTS:
            measure(app, split, who, path, args.repeat)
        engine.database.dispose()


if __name__ == "__main__":
    main()
