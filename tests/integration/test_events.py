"""Domain events reach their subscribers inside the same transaction as the step that caused them."""

from __future__ import annotations

import pytest

from engine import events
from engine.errors import FormDataError
from tests.integration.flow import FOUR_PROJECTS_THREE_CATEGORIES, Flow


@pytest.fixture
def recorded(engine, monkeypatch):
    seen: list[events.Event] = []
    for kind in (events.CaseStarted, events.TaskReady, events.TaskCompleted, events.CaseEnded,
                 events.AgreementSigned):
        monkeypatch.setitem(engine.handlers, kind, [lambda session, event: seen.append(event)])
    return seen


def test_starting_and_completing_publish_events(engine, recorded):
    flow = Flow(engine).start()
    assert [type(e).__name__ for e in recorded] == ["CaseStarted", "TaskReady"]
    flow.propose(FOUR_PROJECTS_THREE_CATEGORIES)
    assert [type(e).__name__ for e in recorded[2:]] == ["TaskReady", "TaskCompleted"]
    assert recorded[2].task_id == flow.task("record_partnership").id


def test_a_refused_submission_publishes_nothing(engine, recorded):
    flow = Flow(engine).start()
    recorded.clear()
    with pytest.raises(FormDataError):
        flow.complete("propose", {"proposal_title": ""})
    assert recorded == []


def test_a_failing_handler_rolls_the_whole_step_back(engine, monkeypatch):
    flow = Flow(engine).start()

    def broken(session, event):
        raise RuntimeError("subscriber failed")

    monkeypatch.setitem(engine.handlers, events.TaskCompleted, [broken])
    with pytest.raises(RuntimeError):
        flow.propose(FOUR_PROJECTS_THREE_CATEGORIES)
    status = flow.status()
    assert [t.bpmn_id for t in status.open_tasks] == ["propose"] and status.projects == []
