"""Revision 0018 stores each process version's specs once (issue #15): cases saved at revision 0017, with the
specs in every state, keep running after the upgrade, their rows a fraction of the size, and a case migration
made before it can still be undone."""

from __future__ import annotations

import json

from sqlalchemy import func, inspect, select, text

from engine.library.migration import MigrationService
from engine.persistence.models import CaseMigration, WorkflowSpec
from engine.persistence.schema import downgrade, upgrade
from engine.workflow.serialization import load_workflow
from tests.integration.flow import FOUR_PROJECTS_THREE_CATEGORIES as FOUR
from tests.integration.flow import Flow
from tests.integration.test_migration_renamed_task import PROCESS, deploy_renamed


def states_at_0017(database) -> dict[int, str]:
    with database.connect() as connection:
        return dict(connection.execute(text("SELECT case_id, state FROM workflow_state")).all())


def test_cases_saved_at_revision_0017_run_on_after_0018_with_their_specs_stored_once(engine):
    at_2 = Flow(engine).start().propose(FOUR)
    at_5 = Flow(engine).start().propose(FOUR).record_partnership()
    at_5.assign_departments(FOUR).consult_feasibility()
    moved = Flow(engine).start().propose(FOUR)
    deploy_renamed(engine)
    owner, migration = engine.actor("process"), MigrationService(engine)
    migration.migrate(owner, PROCESS, [moved.case_id])
    database = engine.database

    downgrade(database, "0017")  # every state self-contained again, as revision 0017 stored them
    assert "workflow_spec" not in inspect(database).get_table_names()
    before = states_at_0017(database)
    assert all(json.loads(state)["spec"]["name"] == PROCESS for state in before.values())
    assert len(before[at_5.case_id].encode()) > 50_000
    with database.connect() as connection:
        [previous] = connection.execute(text("SELECT previous_state FROM case_migration")).scalars()
    assert load_workflow(previous).spec.name == PROCESS  # the state from before the move, whole

    upgrade(database)
    with engine.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(WorkflowSpec)) == 2  # versions 1 and 2
        assert len(at_5.status().open_tasks) == 4
        [record_id] = session.scalars(select(CaseMigration.id))
    with database.connect() as connection:
        sizes = dict(connection.execute(text("SELECT case_id, state FROM workflow_state")).all())
    assert len(sizes[at_5.case_id]) < 8_000

    for key in ("P1", "P2", "P3", "P4"):
        at_5.decide(key)
    assert [t.bpmn_id for t in at_5.status().open_tasks] == ["judge_necessity"]
    at_2.record_partnership()
    assert [t.bpmn_id for t in at_2.status().open_tasks] == ["assign_departments"]
    migration.revert(owner, record_id)  # the case has not moved since: the move can be undone
    assert moved.status().process_version == 1
    moved.record_partnership()
    with engine.unit_of_work() as session:  # the engine found the digests the migration wrote
        assert session.scalar(select(func.count()).select_from(WorkflowSpec)) == 2
