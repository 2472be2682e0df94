"""Two people complete the same task at the same moment: exactly one wins, nothing is lost or doubled."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from engine.accounts.identity import create_user
from engine.bootstrap import bootstrap
from engine.cases import service as case_operations
from engine.errors import TaskConflictError
from engine.persistence.models import AuditEvent, HumanTask
from engine.service import CaseEngine
from tests.integration.flow import FOUR_PROJECTS_THREE_CATEGORIES, Flow


def test_two_connections_completing_the_same_task_one_wins_one_gets_a_conflict(engine, database_url, clock,
                                                                                 monkeypatch):
    with engine.unit_of_work() as session:
        create_user(session, "shonan2", "renkei-demo-2025", "organisation", "湘南 次郎",
                    organisation="湘南サンプル株式会社")
    flow = Flow(engine).start()
    task = flow.task("propose")
    # Two engines: two connection pools, as two web workers would have.
    first, second = engine, bootstrap(database_url, clock)
    both_loaded = threading.Barrier(2, timeout=30)
    validate = case_operations.validate_submission

    def validate_after_both_loaded(*args, **kwargs):
        both_loaded.wait()  # both requests have read the task and the case before either writes
        return validate(*args, **kwargs)

    monkeypatch.setattr(case_operations, "validate_submission", validate_after_both_loaded)
    rows = [{k: v for k, v in p.items() if k != "department"} for p in FOUR_PROJECTS_THREE_CATEGORIES]
    outcomes: dict[str, object] = {}

    def complete(name: str, case_engine: CaseEngine, username: str, title: str) -> None:
        try:
            case_engine.complete_task(case_engine.actor(username), task.id,
                                      {"proposal_title": title, "proposal_summary": "概要", "projects": rows})
            outcomes[name] = "ok"
        except TaskConflictError as error:
            outcomes[name] = error

    threads = [threading.Thread(target=complete, args=("a", first, "shonan", "Aの提案")),
               threading.Thread(target=complete, args=("b", second, "shonan2", "Bの提案"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    second.database.dispose()

    assert sorted(str(type(v).__name__) if v != "ok" else "ok" for v in outcomes.values()) == [
        "TaskConflictError", "ok"]
    winner = "Aの提案" if outcomes["a"] == "ok" else "Bの提案"
    loser = next(v for v in outcomes.values() if v != "ok")
    assert "他の利用者が先に" in str(loser) or "既に完了" in str(loser)
    status = flow.status()
    assert status.title == winner
    assert [t.bpmn_id for t in status.open_tasks] == ["record_partnership"]  # one next task, not two
    with engine.unit_of_work() as session:
        completions = session.scalar(select(func.count()).select_from(AuditEvent)
                                     .where(AuditEvent.task_id == task.id, AuditEvent.action == "task_completed"))
        ready = session.scalar(select(func.count()).select_from(HumanTask)
                               .where(HumanTask.case_id == flow.case_id, HumanTask.state == "ready"))
    assert (completions, ready) == (1, 1)
    assert len(status.projects) == 4


def test_two_people_claiming_one_task_at_the_same_moment_one_wins_even_when_the_clock_shows_the_same_time(
        engine, database_url, clock, monkeypatch):
    with engine.unit_of_work() as session:
        create_user(session, "shonan2", "renkei-demo-2025", "organisation", "湘南 次郎",
                    organisation="湘南サンプル株式会社")
    task = Flow(engine).start().task("propose")  # the clock stands still: both claims carry the same time
    first, second = engine, bootstrap(database_url, clock)
    both_loaded = threading.Barrier(2, timeout=30)
    in_lane = case_operations.acts_in_lane

    def in_lane_after_both_loaded(*args, **kwargs):
        both_loaded.wait()  # both requests have read the task and the case before either writes
        return in_lane(*args, **kwargs)

    monkeypatch.setattr(case_operations, "acts_in_lane", in_lane_after_both_loaded)
    outcomes: dict[str, object] = {}

    def claim(name: str, case_engine: CaseEngine, username: str) -> None:
        try:
            case_engine.claim(case_engine.actor(username), task.id)
            outcomes[name] = "ok"
        except TaskConflictError as error:
            outcomes[name] = error

    threads = [threading.Thread(target=claim, args=("a", first, "shonan")),
               threading.Thread(target=claim, args=("b", second, "shonan2"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    second.database.dispose()

    assert sorted("ok" if v == "ok" else type(v).__name__ for v in outcomes.values()) == ["TaskConflictError", "ok"]
    with engine.unit_of_work() as session:
        claims = session.scalar(select(func.count()).select_from(AuditEvent)
                                .where(AuditEvent.task_id == task.id, AuditEvent.action == "task_claimed"))
    assert claims == 1
