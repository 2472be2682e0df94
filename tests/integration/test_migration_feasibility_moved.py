"""Issue #6: a process owner moves ④ from 総合政策課 to 担当課; running cases keep their routing until moved.

The redrawn version (tests/integration/redrawn.py) runs ④ once per project in the 担当課 lane (R-5.4), so a
new case asks each project's department; a case started before keeps asking 総合政策課 until a process owner
migrates it, which SpiffWorkflow's diff allows because ④ has not started in it yet.
"""

from __future__ import annotations

import pytest

from engine.access import SYSTEM
from engine.errors import CaseStateError, NotAllowedError
from engine.library.drafts import DraftService
from engine.library.migration import MigrationRefusedError, MigrationService
from tests.integration.flow import FOUR_PROJECTS_THREE_CATEGORIES, Flow
from tests.integration.redrawn import PROCESS, redrawn_files

DEPARTMENTS_OF_FOUR = ["こども育成相談課", "市民自治推進課", "環境政策課", "環境政策課"]


def at_step_4(engine) -> Flow:
    return (
        Flow(engine)
        .start()
        .propose(FOUR_PROJECTS_THREE_CATEGORIES)
        .record_partnership()
        .assign_departments(FOUR_PROJECTS_THREE_CATEGORIES)
    )


def deploy_redrawn(engine) -> int:
    owner, drafts = engine.actor("process"), DraftService(engine)
    draft = drafts.create(owner, PROCESS, "④を担当課の協議に変更")
    for path, text in redrawn_files().items():
        drafts.save_file(owner, draft, path, text)
    return drafts.deploy(
        owner,
        draft,
        "④ 実施可否の協議を担当課ごとに行う",
        override_reason="既存シナリオは④を総合政策課で完了させるため、別途更新する",
    ).version


def routing(flow: Flow) -> list[tuple[str, str, str | None]]:
    return sorted((t.bpmn_id, t.lane, t.department_name) for t in flow.status().open_tasks)


def test_a_new_case_asks_each_projects_department_while_a_running_case_keeps_the_old_routing(engine):
    running = at_step_4(engine)
    assert deploy_redrawn(engine) == 2
    new = at_step_4(engine)
    assert new.status().process_version == 2
    assert routing(new) == sorted(("consult_feasibility", "担当課", d) for d in DEPARTMENTS_OF_FOUR)
    assert running.status().process_version == 1
    assert routing(running) == [("consult_feasibility", "総合政策課", "総合政策課")]


def test_migrating_the_running_case_routes_step_4_to_the_departments_and_it_goes_on(engine):
    running = at_step_4(engine)
    deploy_redrawn(engine)
    owner, migration = engine.actor("process"), MigrationService(engine)
    [check] = migration.overview(owner, PROCESS).cases
    assert (check.case_id, check.from_version, check.to_version, check.movable) == (
        running.case_id,
        1,
        2,
        True,
    )
    [preview] = migration.dry_run(owner, PROCESS, [running.case_id])
    assert sorted(w.routed_to for w in preview.waiting_after) == sorted(DEPARTMENTS_OF_FOUR)
    assert running.status().process_version == 1  # the dry run changed nothing
    migration.migrate(owner, PROCESS, [running.case_id])
    assert running.status().process_version == 2
    assert routing(running) == sorted(("consult_feasibility", "担当課", d) for d in DEPARTMENTS_OF_FOUR)
    for key, feasible in (("P1", "yes"), ("P2", "yes"), ("P3", "no"), ("P4", "yes")):
        running.complete(
            "consult_feasibility",
            {
                "feasibility_result": {
                    "consultation_date": "2025-07-01",
                    "feasible": feasible,
                    "note": "担当課で協議",
                }
            },
            project_key=key,
        )
    assert sorted(t.project_key for t in running.status().open_tasks) == [
        "P1",
        "P2",
        "P4",
    ]  # ⑤ for the feasible ones
    # The projects table knows ④'s outcome too, though no form submitted a ``feasibility`` list.
    assert {p.key: p.feasible for p in running.status().projects} == {"P1": True, "P2": True, "P3": False, "P4": True}
    history = running.status().history
    assert [h.detail for h in history if h.action == "case_migrated"] == [
        {"process_id": PROCESS, "from_version": 1, "to_version": 2}
    ]


def test_a_case_past_step_4_cannot_move_and_is_told_why_and_a_bulk_move_with_it_moves_nothing(engine):
    waiting, past = at_step_4(engine), at_step_4(engine).consult_feasibility()
    deploy_redrawn(engine)
    owner, migration = engine.actor("process"), MigrationService(engine)
    checks = {c.case_id: c for c in migration.overview(owner, PROCESS).cases}
    assert checks[waiting.case_id].movable
    assert not checks[past.case_id].movable
    assert (
        "「④ 連携事業の実施可否に関する協議（consult_feasibility）」は完了済みですが、"
        "新しいバージョンで変更されています" in checks[past.case_id].reasons
    )
    with pytest.raises(MigrationRefusedError, match="どの案件も移行していません"):
        migration.migrate(owner, PROCESS, [waiting.case_id, past.case_id])
    assert (waiting.status().process_version, past.status().process_version) == (1, 1)


def test_a_migration_is_undone_while_the_case_has_not_moved_on_and_not_after(engine):
    running = at_step_4(engine)
    deploy_redrawn(engine)
    owner, migration = engine.actor("process"), MigrationService(engine)
    migration.migrate(owner, PROCESS, [running.case_id])
    [record] = migration.overview(owner, PROCESS).history
    assert record.revertible
    migration.revert(owner, record.id)
    assert running.status().process_version == 1
    assert routing(running) == [("consult_feasibility", "総合政策課", "総合政策課")]
    running.consult_feasibility()  # the reopened task is the case's own ④ again and can be completed
    assert running.task("decide_implementation", "P1")
    assert [h.action for h in running.status().history if "migrat" in h.action] == [
        "case_migrated",
        "case_migration_reverted",
    ]


def test_undoing_is_refused_once_the_case_has_moved_on(engine):
    running = at_step_4(engine)
    deploy_redrawn(engine)
    owner, migration = engine.actor("process"), MigrationService(engine)
    migration.migrate(owner, PROCESS, [running.case_id])
    running.complete(
        "consult_feasibility",
        {"feasibility_result": {"consultation_date": "2025-07-01", "feasible": "yes"}},
        project_key="P1",
    )
    [record] = migration.overview(owner, PROCESS).history
    assert record.undo_refused == "移行後に案件が進んだため、元に戻せません"
    with pytest.raises(CaseStateError, match="移行後に案件が進んだため"):
        migration.revert(owner, record.id)
    assert engine.case_status(SYSTEM, running.case_id).process_version == 2


@pytest.mark.parametrize("username", ["seisaku", "kankyo", "kanri"])
def test_only_process_owners_and_administrators_migrate_cases(engine, username):
    running = at_step_4(engine)
    deploy_redrawn(engine)
    with pytest.raises(NotAllowedError):
        MigrationService(engine).migrate(engine.actor(username), PROCESS, [running.case_id])
    assert running.status().process_version == 1
