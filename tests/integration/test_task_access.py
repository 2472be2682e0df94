"""Lane routing: a task is seen and completed only by the party its lane names (issue #2 item 6)."""

from __future__ import annotations

import pytest

from engine.errors import FormDataError, NotAllowedError, TaskConflictError, TaskNotFoundError
from tests.integration.flow import FOUR_PROJECTS_THREE_CATEGORIES, Flow


@pytest.fixture
def at_step_5(engine) -> Flow:
    flow = Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES).record_partnership()
    return flow.assign_departments(FOUR_PROJECTS_THREE_CATEGORIES).consult_feasibility()


def test_each_department_sees_only_its_own_projects_step_5(engine, at_step_5):
    kankyo = engine.list_tasks(engine.actor("kankyo"), "group")
    kodomo = engine.list_tasks(engine.actor("kodomo"), "group")
    assert sorted(t.project_key for t in kankyo) == ["P3", "P4"]
    assert [t.project_key for t in kodomo] == ["P1"]
    assert engine.list_tasks(engine.actor("bosai"), "group") == []


def test_a_department_cannot_see_or_complete_another_departments_project_task(engine, at_step_5):
    task = at_step_5.task("decide_implementation", "P1")  # こども育成相談課
    kankyo = engine.actor("kankyo")
    with pytest.raises(TaskNotFoundError):
        engine.get_task(kankyo, task.id)
    with pytest.raises(TaskNotFoundError):
        engine.complete_task(kankyo, task.id, {})


def test_another_organisation_cannot_see_the_task_or_the_case(engine):
    flow = Flow(engine).start()
    task = flow.task("propose")
    other = engine.actor("mirai")
    assert engine.list_tasks(other, "group") == []
    with pytest.raises(TaskNotFoundError):
        engine.get_task(other, task.id)
    with pytest.raises(TaskNotFoundError):
        engine.complete_task(other, task.id, {"proposal_title": "乗っ取り"})
    from engine.errors import CaseNotFoundError

    with pytest.raises(CaseNotFoundError):
        engine.case_status(other, flow.case_id)
    assert [t.id for t in engine.list_tasks(engine.actor("shonan"), "group")] == [task.id]


def test_a_manager_reads_everything_and_changes_nothing(engine, at_step_5):
    manager = engine.actor("kanri")
    task = at_step_5.task("decide_implementation", "P1")
    assert engine.get_task(manager, task.id).may_complete is False
    assert engine.case_status(manager, at_step_5.case_id).organisation_name == "湘南サンプル株式会社"
    for action in (lambda: engine.claim(manager, task.id), lambda: engine.complete_task(manager, task.id, {}),
                   lambda: engine.cancel_case(manager, at_step_5.case_id, "理由")):
        with pytest.raises(NotAllowedError):
            action()


def test_bad_form_data_is_refused_field_by_field_and_nothing_changes(engine):
    flow = Flow(engine).start()
    task = flow.task("propose")
    before = engine.case_status(engine.actor("seisaku"), flow.case_id)
    bad = {"proposal_title": "", "proposal_summary": "概要", "evil": "<script>",
           "projects": [{"id": "", "title": "見守り", "summary": "s", "category": "9", "fiscal_year": "来年"}]}
    with pytest.raises(FormDataError) as error:
        engine.complete_task(engine.actor("shonan"), task.id, bad)
    assert error.value.errors == {
        "proposal_title": "入力してください", "evil": "この項目はフォームにありません",
        "projects.0.category": "選択肢にない値です", "projects.0.fiscal_year": "数値で入力してください",
    }
    after = engine.case_status(engine.actor("seisaku"), flow.case_id)
    assert (after.version, after.history, after.projects) == (before.version, before.history, [])
    assert [t.id for t in after.open_tasks] == [task.id]


def test_claim_release_and_reassign(engine, at_step_5):
    task = at_step_5.task("decide_implementation", "P3")
    kankyo, coordinator = engine.actor("kankyo"), engine.actor("seisaku")
    engine.claim(kankyo, task.id)
    assert [t.id for t in engine.list_tasks(kankyo, "mine")] == [task.id]
    assert task.id not in [t.id for t in engine.list_tasks(kankyo, "group")]
    engine.release(kankyo, task.id)
    assert task.id in [t.id for t in engine.list_tasks(kankyo, "group")]
    with pytest.raises(NotAllowedError):  # 総合政策課 may reassign only to someone of the task's lane
        engine.reassign(coordinator, task.id, coordinator.user_id)
    engine.reassign(coordinator, task.id, kankyo.user_id)
    assert [t.claimed_by for t in engine.list_tasks(kankyo, "mine")] == ["環境政策課 職員"]
    actions = [h.action for h in engine.case_status(coordinator, at_step_5.case_id).history]
    assert actions[-3:] == ["task_claimed", "task_released", "task_reassigned"]


def test_a_completed_task_cannot_be_completed_again(engine):
    flow = Flow(engine).start()
    task = flow.task("propose")
    flow.propose(FOUR_PROJECTS_THREE_CATEGORIES)
    with pytest.raises(TaskConflictError, match="既に完了"):
        engine.complete_task(engine.actor("shonan"), task.id, {})


def test_cancelling_a_case_closes_its_open_tasks(engine, at_step_5):
    engine.cancel_case(engine.actor("seisaku"), at_step_5.case_id, "企業等から取り下げの申し出")
    status = at_step_5.status()
    assert (status.status, status.outcome, status.open_tasks) == ("cancelled", "withdrawn", [])
    assert engine.list_tasks(engine.actor("kankyo"), "group") == []


@pytest.mark.parametrize("username", ["mirai", "bosai"])  # another 企業等; a 担当課 with nothing in the case
def test_withdrawing_a_case_one_may_not_read_answers_not_found_like_reading_it(engine, at_step_5, username):
    from engine.errors import CaseNotFoundError

    with pytest.raises(CaseNotFoundError):
        engine.cancel_case(engine.actor(username), at_step_5.case_id, "取り下げ")
    assert at_step_5.status().status == "running"
