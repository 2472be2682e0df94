"""Notifications benchmark (issue #7): prints figures, asserts nothing.

(a) what announcing a new task costs a completion: completing ① (which makes ② ready for 総合政策課) with
    that division at 1, 50 and 200 staff, each with a mail address (one notice and one outbox row per person);
(b) sending the outbox to an SMTP server on loopback (aiosmtpd): mails per second over one connection;
(c) the notification scan (due, overdue, waiting, deadlines) with N open tasks that have due dates.

    .venv/bin/python benchmarks/bench_notifications.py [--completions 40] [--mails 300] [--tasks 1000]

Each part runs on a fresh SQLite file; the figures include the machine's other load.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select, update

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.accounts.identity import create_user  # noqa: E402
from engine.bootstrap import bootstrap  # noqa: E402
from engine.definitions.bundle import Bundle  # noqa: E402
from engine.demo import seed_people  # noqa: E402
from engine.notifications.mail import Mailer  # noqa: E402
from engine.notifications.service import Notifications  # noqa: E402
from engine.persistence.base import utcnow  # noqa: E402
from engine.persistence.models import HumanTask, MailOutbox  # noqa: E402
from engine.service import CaseEngine  # noqa: E402
from tests.mail_server import MailServer, give_everyone_mail  # noqa: E402

PROPOSAL = {"proposal_title": "ベンチマーク用の提案", "proposal_summary": "概要", "projects": [
    {"id": "", "title": f"事業{n}", "summary": "概要", "category": str(n), "fiscal_year": 2025} for n in (1, 2, 5)]}


def fresh_engine(url: str) -> CaseEngine:
    engine = bootstrap(url)
    engine.upgrade_schema()
    engine.deploy(Bundle.from_folder(ROOT / "processes"))
    seed_people(engine)
    give_everyone_mail(engine)
    return engine


def grow_coordinating_division(engine: CaseEngine, size: int) -> None:
    with engine.unit_of_work() as session:
        for n in range(size - 1):
            create_user(session, f"seisaku{n:03d}", None, "coordinator", f"政策 職員{n}", email=f"s{n}@example.jp",
                        password_hash="x")


def completion_ms(engine: CaseEngine, count: int) -> tuple[float, float]:
    shonan = engine.actor("shonan")
    samples = []
    for _ in range(count):
        case = engine.start_case(shonan, "comprehensive_agreement", shonan.organisation_id)
        started = time.perf_counter()
        engine.complete_task(shonan, case.open_tasks[0].id, PROPOSAL)
        samples.append((time.perf_counter() - started) * 1000)
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(int(len(ordered) * 0.95) - 1, 0)]


def bench_completions(url_for, count: int) -> None:
    print("(a) completing ① with the new ② announced to the whole coordinating division")
    for size in (1, 50, 200):
        engine = fresh_engine(url_for(f"a{size}"))
        grow_coordinating_division(engine, size)
        median, p95 = completion_ms(engine, count)
        print(f"    {size:>4} staff: median {median:7.1f} ms, p95 {p95:7.1f} ms per completion")
        engine.database.dispose()


def bench_sending(url: str, mails: int) -> None:
    engine = fresh_engine(url)
    shonan = engine.actor("shonan")
    while True:
        with engine.unit_of_work() as session:
            if session.query(MailOutbox).count() >= mails:
                break
        engine.start_case(shonan, "comprehensive_agreement", shonan.organisation_id)
    smtp = MailServer().start()
    mailer = Mailer(engine, smtp.settings())
    started = time.perf_counter()
    sent = 0
    while (result := mailer.send_due(limit=100)).sent:
        sent += result.sent
    elapsed = time.perf_counter() - started
    smtp.stop()
    print(f"(b) sending the outbox over loopback SMTP: {sent} mails in {elapsed:.2f} s = {sent / elapsed:.0f} mails/s")
    engine.database.dispose()


def bench_scan(url: str, tasks: int) -> None:
    engine = fresh_engine(url)
    shonan = engine.actor("shonan")
    for _ in range(tasks):
        engine.start_case(shonan, "comprehensive_agreement", shonan.organisation_id)
    with engine.unit_of_work() as session:
        session.execute(update(HumanTask).values(due_at=utcnow() + timedelta(days=10)))
        ids = list(session.scalars(select(HumanTask.id)))
    notifications = Notifications(engine)
    started = time.perf_counter()
    notifications.scan()
    quiet = (time.perf_counter() - started) * 1000
    with engine.unit_of_work() as session:
        session.execute(update(HumanTask).where(HumanTask.id.in_(ids[: tasks // 10])).values(
            due_at=utcnow() - timedelta(hours=1)))
    started = time.perf_counter()
    result = notifications.scan()
    busy = (time.perf_counter() - started) * 1000
    print(f"(c) scan over {tasks} open tasks with due dates: {quiet:.1f} ms with nothing due, "
          f"{busy:.1f} ms announcing {result.notices} overdue")
    engine.database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--completions", type=int, default=40)
    parser.add_argument("--mails", type=int, default=300)
    parser.add_argument("--tasks", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        def url_for(name: str) -> str:
            return f"sqlite:///{Path(folder) / name}.sqlite3"  # a fresh database per part

        bench_completions(url_for, args.completions)
        bench_sending(url_for("b"), args.mails)
        bench_scan(url_for("c"), args.tasks)


if __name__ == "__main__":
    main()
