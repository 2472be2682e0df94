"""Process code runs under a budget (issue #14 item 1): a loop that cannot end is refused at deploy; one
that only runs away with the case's data is stopped at run time, named, and the case is left as it was."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.access import SYSTEM
from engine.errors import DefinitionError, ScriptOverrunError
from engine.persistence.models import ProcessVersion
from engine.workflow.budget import ScriptLimits, current_limits, set_limits
from tests.diagrams import tiny_bundle


@pytest.fixture(autouse=True)
def small_budget():
    """A budget a runaway exhausts in milliseconds, so the test is quick on a shared machine."""
    before = current_limits()
    set_limits(ScriptLimits(seconds=2.0, operations=50_000, size=100_000))
    yield
    set_limits(before)


@pytest.mark.parametrize("script", [
    "while True:\n    pass",
    "checked = True\nwhile 1:\n    for p in []:\n        break",
    "checked = '{0.__class__.__mro__}'.format(note)",
])
def test_a_script_that_cannot_end_is_refused_at_deploy_and_nothing_is_deployed(engine, script):
    with pytest.raises(DefinitionError, match="確認"):
        engine.deploy(tiny_bundle(script=script))
    with engine.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(ProcessVersion)
                              .where(ProcessVersion.process_id == "tiny")) == 0


@pytest.mark.parametrize(("changes", "message"), [
    ({"script": "n = 0\nwhile n >= 0:\n    n += 1\nchecked = True"},
     "スクリプト『確認』（check）が処理の上限（50,000 回）を超えました"),
    ({"script": "checked = sum(range(10**9)) > 0"},
     "スクリプト『確認』（check）が大きさの上限（100,000）を超えました"),
    ({"condition": "len([p for p in range(1000) for q in range(1000)]) > 0"},
     "分岐条件『確認済み？』（gw）が処理の上限（50,000 回）を超えました"),
])
def test_a_runaway_is_stopped_at_run_time_named_and_the_case_is_unchanged(engine, changes, message):
    engine.deploy(tiny_bundle(**changes))
    coordinator = engine.actor("seisaku")
    case = engine.start_case(coordinator, "tiny", engine.actor("shonan").organisation_id, "city")
    [task] = case.open_tasks
    with pytest.raises(ScriptOverrunError, match=message):
        engine.complete_task(coordinator, task.id, {"note": "メモ"})
    after = engine.case_status(SYSTEM, case.id)
    assert (after.version, after.status) == (case.version, case.status)
    assert [t.id for t in after.open_tasks] == [task.id]
    assert [h.action for h in after.history] == ["case_started"]
