"""Issue #13 item 5: renaming a task (same id, new name) does not stop a case that has done it from moving.

SpiffWorkflow's spec diff counts a new ``name`` as a change like any other; Renkei compares behaviour only, so
a case past ① moves to a version where ① and ② are renamed, its history keeps the name ① had when it was done,
and the step it waits on is shown under its new name.
"""

from __future__ import annotations

from engine.library.drafts import DraftService
from engine.library.migration import MigrationService
from tests.integration.flow import FOUR_PROJECTS_THREE_CATEGORIES, Flow
from tests.integration.redrawn import BPMN, PROCESS

RENAMES = {
    "① 連携事業の提案": "① 連携事業のご提案",
    "② 連携事業の実績を整理": "② 過去の連携実績の整理",
}


def deploy_renamed(engine, renames: dict[str, str] = RENAMES, extra: tuple[str, str] | None = None) -> int:
    owner, drafts = engine.actor("process"), DraftService(engine)
    draft = drafts.create(owner, PROCESS, "①と②の名称を変更")
    bpmn = drafts.file(owner, draft, BPMN)
    for old, new in renames.items():
        bpmn = bpmn.replace(f'name="{old}"', f'name="{new}"')
    if extra:
        bpmn = bpmn.replace(*extra)
    drafts.save_file(owner, draft, BPMN, bpmn)
    reason = "シナリオは次の版で直す" if extra else None
    return drafts.deploy(owner, draft, "①と②の名称を見直し", override_reason=reason).version


def test_a_case_past_a_renamed_task_moves_and_its_history_keeps_the_name_it_was_done_under(engine):
    case = Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES)
    assert deploy_renamed(engine) == 2
    owner, migration = engine.actor("process"), MigrationService(engine)

    [check] = migration.overview(owner, PROCESS).cases
    assert check.movable and check.reasons == []
    assert check.notes == [
        "完了済みの「① 連携事業の提案（propose）」は名称が「① 連携事業のご提案」に変わるだけなので、"
        "移行を妨げません"
    ]
    assert [(w.name, w.lane, w.routed_to) for w in check.waiting_after] == [
        ("② 過去の連携実績の整理", "総合政策課", "総合政策課")
    ]

    migration.migrate(owner, PROCESS, [case.case_id])
    status = case.status()
    assert status.process_version == 2
    assert [t.step for t in status.open_tasks] == ["② 過去の連携実績の整理"]
    case.record_partnership().assign_departments(FOUR_PROJECTS_THREE_CATEGORIES)
    history = case.status().history
    steps = [(h.action, h.step) for h in history if h.action in ("task_completed", "case_migrated")]
    assert steps == [
        ("task_completed", "① 連携事業の提案"),  # as it was called when it was done
        ("case_migrated", None),
        ("task_completed", "② 過去の連携実績の整理"),
        ("task_completed", "③ ニーズ調査・担当課の決定"),
    ]


def test_a_renamed_task_whose_behaviour_also_changed_still_blocks_a_case_that_completed_it(engine):
    case = Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES)
    deploy_renamed(
        engine,
        {"① 連携事業の提案": "① 連携事業のご提案"},
        extra=('name="① 連携事業のご提案" camunda:formRef="proposal"',
               'name="① 連携事業のご提案" camunda:formRef="proposal_confirmation"'),
    )
    [check] = MigrationService(engine).overview(engine.actor("process"), PROCESS).cases
    assert (check.case_id, check.movable) == (case.case_id, False)
    assert check.reasons == [
        "「① 連携事業の提案（propose）」は完了済みですが、新しいバージョンで変更されています"
    ]
    assert check.waiting_after == [] and check.notes == []


def test_undoing_the_move_gives_the_waiting_step_its_old_name_back(engine):
    case = Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES)
    deploy_renamed(engine)
    owner, migration = engine.actor("process"), MigrationService(engine)
    migration.migrate(owner, PROCESS, [case.case_id])
    assert [t.step for t in case.status().open_tasks] == ["② 過去の連携実績の整理"]
    [record] = migration.overview(owner, PROCESS).history
    migration.revert(owner, record.id)
    status = case.status()
    assert (status.process_version, [t.step for t in status.open_tasks]) == (1, ["② 連携事業の実績を整理"])


def test_a_case_waiting_at_step_5_keeps_each_projects_task_and_department_when_it_moves(engine):
    case = (
        Flow(engine)
        .start()
        .propose(FOUR_PROJECTS_THREE_CATEGORIES)
        .record_partnership()
        .assign_departments(FOUR_PROJECTS_THREE_CATEGORIES)
        .consult_feasibility()
    )
    before = sorted((t.project_key, t.department_name) for t in case.status().open_tasks)
    deploy_renamed(engine)
    owner, migration = engine.actor("process"), MigrationService(engine)
    [check] = migration.overview(owner, PROCESS).cases
    assert check.reasons == []
    # ⑤ is a multi-instance: each task keeps its project (the element variable) across the move
    assert sorted((w.project, w.routed_to) for w in check.waiting_after) == before
    migration.migrate(owner, PROCESS, [case.case_id])
    assert sorted((t.project_key, t.department_name) for t in case.status().open_tasks) == before
    case.decide("P1")  # P1's department decides on the moved case
    assert "P1" not in [t.project_key for t in case.status().open_tasks]
