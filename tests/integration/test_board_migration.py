"""Revision 0005 fills the board columns of cases that existed before it, as the engine does on each step
(its project counts as recounted by revision 0010)."""

from __future__ import annotations

import importlib.util

from sqlalchemy import select, update

from engine.persistence.models import Case
from tests.conftest import ROOT
from tests.integration.board_cases import at_step_2, at_step_5, concluded, fallen_back

COLUMNS = (Case.board_step, Case.waiting_lane, Case.fiscal_year, Case.project_count, Case.category_count)


def _revision(name: str):
    path = ROOT / f"engine/persistence/migrations/versions/{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_existing_cases_get_the_same_board_columns_the_engine_keeps(engine):
    ids = [build(engine).case_id for build in (at_step_2, at_step_5, fallen_back, concluded)]
    with engine.database.connect() as connection:
        kept = connection.execute(select(Case.id, *COLUMNS, Case.fell_back_at).where(Case.id.in_(ids))
                                  .order_by(Case.id)).all()
    with engine.database.begin() as connection:
        connection.execute(update(Case).values(board_step=None, waiting_lane=None, fiscal_year=None, project_count=0,
                                               category_count=0, fell_back_at=None))
        _revision("0005_board_columns")._fill_existing_cases(connection)
        # 0005 counted every listed project; 0010 recounts by, as the engine does
        _revision("0010_counted_projects").recount(connection)
    with engine.database.connect() as connection:
        filled = connection.execute(select(Case.id, *COLUMNS, Case.fell_back_at).where(Case.id.in_(ids))
                                  .order_by(Case.id)).all()
    assert [row[:-1] for row in filled] == [row[:-1] for row in kept]
    assert [row[-1] is not None for row in filled] == [False, False, True, False]
    assert filled[2][-1] == kept[2][-1]  # entered 個別協定 when its first 個別協定 task became ready
