"""HTTP load benchmark (issue #15 item 4): prints figures, asserts nothing.

Starts ``renkei serve`` (gunicorn, ``--workers 4 --threads 4`` by default) on 127.0.0.1 against a PostgreSQL
database seeded with ``--cases`` cases (benchmarks/seeding.py; 10,000 by default), then runs ``--users``
closed-loop users (40 by default: each sends its next request as soon as the last one is answered) for
``--duration`` seconds or ``--requests`` requests, whichever ends first, and stops the server it started.

Each user signs in (``POST /api/login``, which returns the session cookie and the CSRF token) as a demo person
of a role that has the work to do: 総合政策課 ``seisaku``, the 担当課 users, the 企業等 contacts and the manager
``kanri``. Its requests are drawn from a mix: the inbox page and ``GET /api/tasks``, the board page and
``GET /api/cases``, the page of a case it has a task in (the manager: any case), and claiming then releasing
one of its group's tasks (``POST /api/tasks/<id>/claim`` and ``/release`` with ``X-CSRFToken``; users of the
same name share their tasks out so that no two claim the same one).

Printed: requests per second over the run, p50/p95/p99 per kind, and errors (an answer of 400 or more, or an
exception such as a refused or dropped connection), with the first message of each. The client runs on the same
machine as the server and takes its share of the CPU: compare figures taken on the same machine only.

    .venv/bin/python -m benchmarks.bench_http                      # a new database on scripts/ensure-postgres
    .venv/bin/python -m benchmarks.bench_http --cases 100000 --duration 60
    .venv/bin/python -m benchmarks.bench_http --database-url postgresql+psycopg://…/renkei_bench
    .venv/bin/python -m benchmarks.bench_http --server http://127.0.0.1:8000   # a server already running

Without ``--database-url`` a database ``renkei_bench_http_<pid>`` is created on the shared server and dropped at
the end. With ``--server`` nothing is seeded or started; that server's database must hold the demo people, and
the mix leaves out case pages (which cases have a workflow to draw is known only to the seeder).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from benchmarks.seeding import attach_workflows, prepare, seed
from engine.demo import DEMO_PASSWORD
from engine.persistence.models import WorkflowState

ROOT = Path(__file__).resolve().parent.parent
# Who the users are, in turn: the coordinator, every 担当課, every 企業等 contact, the manager (40 users give
# each department user 3 or 4 sessions of their own).
PEOPLE = ["seisaku", "kankyo", "kodomo", "shiminkatsudo", "kenko", "kyoiku", "bosai", "toshi",
          "shonan", "mirai", "digital", "umibe", "kanri"]
MIX = {"inbox page": 20, "GET /api/tasks": 15, "board page": 15, "GET /api/cases": 15, "case page": 20,
       "claim+release": 15}
CASE_PAGES = 2000  # running cases given a real workflow state, for their case page
IDLE_RECONNECT = 1.0  # seconds: below gunicorn's keepalive of 2


@dataclass
class Results:
    samples: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    first_error: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, seconds: float, problem: str | None) -> None:
        with self.lock:
            self.samples[kind].append(seconds)
            if problem:
                self.errors[kind] += 1
                self.first_error.setdefault(kind, problem)


class User:
    """One person's browser-like session: a kept-alive connection, the session cookie and the CSRF token."""

    def __init__(self, host: str, port: int, username: str) -> None:
        self.host, self.port, self.username = host, port, username
        self.connection = http.client.HTTPConnection(host, port, timeout=60)
        self.cookies: dict[str, str] = {}
        self.csrf = ""
        self.case_ids: list[int] = []
        self.claimable: list[str] = []
        self.answered = 0.0  # when the last answer came; see request

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
        # gunicorn closes a kept-alive connection after 2 idle seconds (its ``keepalive``); a browser then
        # opens a new one. A user who waited at the start barrier would otherwise send into a closed socket
        # and count the server's ordinary housekeeping as an error.
        if time.perf_counter() - self.answered > IDLE_RECONNECT:
            self.connection.close()
        try:
            return self._send(method, path, body)
        finally:
            self.answered = time.perf_counter()

    def _send(self, method: str, path: str, body: dict | None) -> tuple[int, bytes]:
        headers = {"Accept": "text/html,application/json"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers.update({"Content-Type": "application/json", "X-CSRFToken": self.csrf})
        try:
            self.connection.request(method, path, payload, headers)
            response = self.connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()  # the next request reconnects
            raise
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, data

    def sign_in(self) -> None:
        status, data = self.request("POST", "/api/login", {"username": self.username, "password": DEMO_PASSWORD})
        if status != 200:
            raise RuntimeError(f"sign-in of {self.username}: {status} {data[:200]!r}")
        self.csrf = json.loads(data)["csrf_token"]


def prepare_user(user: User, share: tuple[int, int], with_workflow: set[int]) -> None:
    """Signs in and learns which cases the user may open and which tasks are its share to claim."""
    user.sign_in()

    def tasks(query: str) -> list[dict]:
        status, data = user.request("GET", f"/api/tasks?{query}&limit=500")  # the lists page (50 by default)
        return json.loads(data)["tasks"] if status == 200 else []

    index, of = share
    if user.username == "kanri":
        user.case_ids = sorted(with_workflow)[:500]
    else:
        user.case_ids = sorted({t["case_id"] for t in tasks("view=open")} & with_workflow)
    # the group's unclaimed tasks: the open view's first page can be all mine when I have claimed many
    group = [t["id"] for t in tasks("view=group") if t["state"] == "ready" and not t["claimed_by_id"]]
    user.claimable = sorted(group)[index::of]


def one_request(user: User, kind: str, rng: random.Random, results: Results) -> None:
    steps = {"inbox page": [("GET", "/inbox/")], "GET /api/tasks": [("GET", "/api/tasks")],
             "board page": [("GET", "/board/")], "GET /api/cases": [("GET", "/api/cases")]}
    if kind == "case page":
        steps[kind] = [("GET", f"/cases/{rng.choice(user.case_ids)}")]
    elif kind == "claim+release":
        task_id = rng.choice(user.claimable)
        steps[kind] = [("POST", f"/api/tasks/{task_id}/claim"), ("POST", f"/api/tasks/{task_id}/release")]
    for method, path in steps[kind]:
        label = f"{method} claim" if path.endswith("/claim") else f"{method} release" if path.endswith(
            "/release") else kind
        began = time.perf_counter()
        try:
            status, data = user.request(method, path, {} if method == "POST" else None)
            problem = f"{status} {path}: {data[:160]!r}" if status >= 400 else None
        except Exception as error:  # noqa: BLE001 — every failure is a figure, not a crash of the run
            problem = f"{type(error).__name__} {path}: {error}"
        results.record(label, time.perf_counter() - began, problem)


def run_user(user: User, seed_value: int, until: float, budget: threading.Semaphore, results: Results,
             start: threading.Barrier) -> None:
    rng = random.Random(seed_value)
    kinds = [kind for kind in MIX if (kind != "case page" or user.case_ids)
             and (kind != "claim+release" or user.claimable)]
    weights = [MIX[kind] for kind in kinds]
    for kind in kinds:  # warm-up, not counted: each worker compiles its templates and loads its specs
        one_request(user, kind, rng, Results())
    start.wait()
    while time.perf_counter() < until and budget.acquire(blocking=False):
        one_request(user, rng.choices(kinds, weights)[0], rng, results)


def percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def report(results: Results, elapsed: float, users: int) -> None:
    total = sum(len(s) for s in results.samples.values())
    errors = sum(results.errors.values())
    print(f"\n{total:,} requests in {elapsed:.1f} s by {users} users: {total / elapsed:.1f} req/s, "
          f"{errors} errors")
    print(f"{'kind':<18}{'count':>8}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'errors':>8}")
    everything = []
    for kind in sorted(results.samples):
        ordered = sorted(results.samples[kind])
        everything += ordered
        print(f"{kind:<18}{len(ordered):>8}{percentile(ordered, .5) * 1000:>10.0f}"
              f"{percentile(ordered, .95) * 1000:>10.0f}{percentile(ordered, .99) * 1000:>10.0f}"
              f"{results.errors.get(kind, 0):>8}")
    everything.sort()
    if everything:
        print(f"{'all':<18}{len(everything):>8}{percentile(everything, .5) * 1000:>10.0f}"
              f"{percentile(everything, .95) * 1000:>10.0f}{percentile(everything, .99) * 1000:>10.0f}{errors:>8}")
    for kind, message in results.first_error.items():
        print(f"first error of {kind}: {message}")


def load(host: str, port: int, options, with_workflow: set[int]) -> None:
    users = [User(host, port, PEOPLE[n % len(PEOPLE)]) for n in range(options.users)]
    sessions_of = defaultdict(list)
    for user in users:
        sessions_of[user.username].append(user)
    for _username, same in sessions_of.items():
        for index, user in enumerate(same):
            prepare_user(user, (index, len(same)), with_workflow)
    print(f"{len(users)} users signed in: " + ", ".join(f"{name}×{len(same)}" for name, same in sessions_of.items()),
          flush=True)
    results, budget = Results(), threading.Semaphore(options.requests)
    start = threading.Barrier(len(users) + 1)
    threads = [threading.Thread(target=run_user, args=(user, n, float("inf"), budget, results, start), daemon=True)
               for n, user in enumerate(users)]
    for thread in threads:
        thread.start()
    start.wait()  # every user warmed up; the clock starts now
    began = time.perf_counter()
    deadline = began + options.duration
    for thread in threads:  # users check the deadline through the budget: drained when time is up
        thread.join(max(0.0, deadline - time.perf_counter()))
    while budget.acquire(blocking=False):
        pass
    for thread in threads:
        thread.join()
    report(results, time.perf_counter() - began, len(users))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(database_url: str, port: int, options, folder: str) -> subprocess.Popen:
    """``renkei serve`` from this checkout (``python -m web.cli``, so the checkout's code runs), loopback only."""
    env = {**os.environ, "RENKEI_DATABASE_URL": database_url, "RENKEI_SECRET_KEY": "bench-http",
           "RENKEI_SESSION_COOKIE_SECURE": "false", "RENKEI_INSTANCE_PATH": folder}
    log = open(Path(folder) / "server.log", "w")  # noqa: SIM115 — the server writes it until it stops
    server = subprocess.Popen([sys.executable, "-m", "web.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
                               "--workers", str(options.workers), "--threads", str(options.threads)],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    for _ in range(600):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            pass
        if server.poll() is not None:
            break
        time.sleep(0.1)
    stop_server(server)
    raise SystemExit("the server did not start:\n" + (Path(folder) / "server.log").read_text()[-3000:])


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)  # its own session: gunicorn and the workers it forked
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def seeded(database_url: str, cases: int) -> set[int]:
    """Seeds up to ``cases`` cases; returns the ids of the cases whose page can be drawn (see attach_workflows)."""
    engine = prepare(database_url)
    began = time.perf_counter()
    seed(engine, cases, random.Random(15))
    with engine.unit_of_work() as session:
        have = session.scalar(select(func.count()).select_from(WorkflowState))
    attach_workflows(engine, max(0, CASE_PAGES - have))
    with engine.unit_of_work() as session:
        ids = set(session.scalars(select(WorkflowState.case_id)))
    print(f"database ready with {cases:,} cases in {time.perf_counter() - began:.1f} s", flush=True)
    engine.database.dispose()
    return ids


def shared_server_url() -> str:
    found = subprocess.run([str(ROOT / "scripts" / "ensure-postgres"), "--url"], capture_output=True, text=True,
                           check=True)
    return found.stdout.strip().splitlines()[-1]


def with_database(name: str, action: str) -> str:
    """Creates or drops ``name`` on the shared PostgreSQL server; returns its URL."""
    server = make_url(shared_server_url())
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if action == "create":
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        else:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
    return server.set(database=name).render_as_string(hide_password=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="a PostgreSQL database to seed (default: a new one, dropped after)")
    parser.add_argument("--server", help="the base URL of a server already running: nothing seeded or started")
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of load (default: %(default)s)")
    parser.add_argument("--requests", type=int, default=20_000, help="at most this many (default: %(default)s)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    options = parser.parse_args()
    if options.server:
        target = urlsplit(options.server)
        with_workflow = set()
        load(target.hostname, target.port or 80, options, with_workflow)
        return
    created = None if options.database_url else f"renkei_bench_http_{os.getpid()}"
    database_url = options.database_url or with_database(created, "create")
    folder = tempfile.mkdtemp(prefix="renkei-bench-http-")
    server = None
    try:
        with_workflow = seeded(database_url, options.cases)
        port = free_port()
        began = time.perf_counter()
        server = start_server(database_url, port, options, folder)
        print(f"server up in {time.perf_counter() - began:.1f} s: 127.0.0.1:{port}, "
              f"{options.workers} workers × {options.threads} threads (log: {folder}/server.log)", flush=True)
        load("127.0.0.1", port, options, with_workflow)
    finally:
        if server is not None:
            stop_server(server)
        if created:
            with_database(created, "drop")


if __name__ == "__main__":
    main()
