"""The process view (issue #4 item 4): open cases per step drawn on the current diagram; managers only read."""

from __future__ import annotations

import pytest

from engine.board.filters import BoardQuery
from engine.board.service import Board
from engine.errors import FormDataError, NotAllowedError
from tests.integration.board_cases import at_step_2, at_step_5, fallen_back


def test_the_heat_view_counts_open_cases_per_step(engine):
    at_step_2(engine)
    at_step_2(engine)
    at_step_5(engine)
    fallen_back(engine)
    view = Board(engine).heat(engine.actor("kanri"), "comprehensive_agreement")
    counts = {s.bpmn_id: (s.cases, s.tasks) for s in view.steps}
    assert counts == {"record_partnership": (2, 2), "decide_implementation": (1, 2), "individual_agreements": (1, 3)}
    assert view.version == 1 and 'id="record_partnership"' in view.xml
    assert {"comprehensive_agreement", "individual_agreement"} <= {p.value for p in view.processes}


def test_a_step_of_the_heat_view_lists_the_cases_waiting_there(engine):
    waiting = {at_step_2(engine).case_id, at_step_2(engine).case_id}
    at_step_5(engine)
    view = Board(engine).heat(engine.actor("kanri"), "comprehensive_agreement", "record_partnership")
    assert {row.id for row in view.rows} == waiting
    assert view.element_name == "② 連携事業の実績を整理"
    inside = Board(engine).heat(engine.actor("kanri"), "individual_agreement", "negotiate_terms")
    assert inside.rows == [] and inside.steps == []


def test_an_unknown_step_is_refused_with_its_name(engine):
    with pytest.raises(FormDataError) as error:
        Board(engine).heat(engine.actor("kanri"), "comprehensive_agreement", "no_such_step")
    assert "no_such_step" in error.value.errors["element"]


def test_a_manager_reads_every_case_and_every_write_is_refused(engine):
    flow = at_step_5(engine)
    manager = engine.actor("kanri")
    board = Board(engine)
    assert [row.id for row in board.board(manager, BoardQuery()).rows] == [flow.case_id]
    assert board.case_detail(manager, flow.case_id).row.id == flow.case_id
    task = flow.task("decide_implementation", "P2")
    organisation_id = engine.actor("shonan").organisation_id
    refused = [
        lambda: engine.start_case(manager, "comprehensive_agreement", organisation_id),
        lambda: engine.claim(manager, task.id),
        lambda: engine.release(manager, task.id),
        lambda: engine.reassign(manager, task.id, engine.actor("kankyo").user_id),
        lambda: engine.complete_task(manager, task.id, {"project_decision": {}}),
        lambda: engine.cancel_case(manager, flow.case_id, "管理職による取り下げ"),
    ]
    for attempt in refused:
        with pytest.raises(NotAllowedError):
            attempt()
    after = board.case_detail(manager, flow.case_id)
    assert [h.action for h in after.history].count("task_completed") == 5  # nothing changed
    assert all(t.claimed_by is None for t in flow.status().open_tasks)
