"""Revision 0010 recounts existing cases by the one rule (R-3.3/R-3.4/R-3.6), as the engine does each step."""

from __future__ import annotations

import importlib.util

from sqlalchemy import select, update

from engine.persistence.models import Case, Project
from tests.conftest import ROOT
from tests.integration.board_cases import at_step_2, at_step_5, concluded
from tests.integration.flow import FOUR_PROJECTS_THREE_CATEGORIES, Flow


def revision(name: str):
    path = ROOT / f"engine/persistence/migrations/versions/{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def with_an_excluded_project(engine) -> Flow:
    """P4 (⑤ 環境・自然, like P3) recorded as 実施する with R-3.6 ① ticked, as ⑤ saved it before it refused that
    contradiction (engine.domain.projects.decision_errors): the old columns counted it, the rule does not."""
    flow = Flow(engine, "digital").start().propose(FOUR_PROJECTS_THREE_CATEGORIES).record_partnership()
    flow.assign_departments(FOUR_PROJECTS_THREE_CATEGORIES).consult_feasibility()
    flow.decide("P1").decide("P2").decide("P3").decide("P4", implement=False, exclusions=("1",))
    with engine.database.begin() as connection:
        connection.execute(update(Project).where(Project.case_id == flow.case_id, Project.key == "P4")
                           .values(implementation="implement"))
    return flow


def counts(engine, ids):
    with engine.database.connect() as connection:
        cases = connection.execute(select(Case.id, Case.project_count, Case.category_count)
                                   .where(Case.id.in_(ids)).order_by(Case.id)).all()
        projects = connection.execute(select(Project.case_id, Project.key, Project.counted)
                                      .where(Project.case_id.in_(ids)).order_by(Project.id)).all()
    return cases, projects


def test_existing_cases_are_recounted_so_an_excluded_project_counts_nowhere(engine):
    ids = [build(engine).case_id for build in (at_step_2, at_step_5, concluded, with_an_excluded_project)]
    kept = counts(engine, ids)
    with engine.database.begin() as connection:  # what the engine wrote before: every listed project
        connection.execute(update(Project).where(Project.implementation == "implement").values(counted=True))
        connection.execute(update(Case).values(project_count=4, category_count=4))
        revision("0010_counted_projects").recount(connection)
    assert counts(engine, ids) == kept
    cases, projects = kept
    assert [(c.project_count, c.category_count) for c in cases] == [(0, 0), (1, 1), (4, 3), (3, 3)]
    assert [p.key for p in projects if p.case_id == ids[3] and not p.counted] == ["P4"]


def test_board_columns_filled_by_revision_0005_end_as_the_engine_keeps_them_after_0010(engine):
    ids = [build(engine).case_id for build in (at_step_5, with_an_excluded_project)]
    kept = counts(engine, ids)
    with engine.database.begin() as connection:
        revision("0005_board_columns")._fill_existing_cases(connection)  # the proposals' counts, as in 0005
        revision("0010_counted_projects").recount(connection)
    assert counts(engine, ids) == kept
