"""board columns on case_record: current step, waiting lane, fiscal year, project counts, parallel progress

The board and the figures (issue #4) read these indexed columns and never a workflow. Cases that already
exist are filled from the rows the engine kept before this revision (human_task, project, active_steps).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

import json
from datetime import UTC, datetime, timedelta, timezone

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

_JAPAN = timezone(timedelta(hours=9))
_MARKS = "①②③④⑤⑥⑦"
_INDEXED = ("board_step", "fell_back_at", "fiscal_year", "started_at", "waiting_lane")


def upgrade() -> None:
    with op.batch_alter_table('case_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('board_step', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('waiting_lane', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('fiscal_year', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('project_count', sa.Integer(), nullable=False, server_default=sa.text('0')))
        batch_op.add_column(sa.Column('category_count', sa.Integer(), nullable=False, server_default=sa.text('0')))
        batch_op.add_column(sa.Column('parallel_done', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('parallel_total', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('fell_back_at', sa.DateTime(timezone=True), nullable=True))
        for column in _INDEXED:
            batch_op.create_index(batch_op.f(f'ix_case_record_{column}'), [column], unique=False)
    _fill_existing_cases(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table('case_record', schema=None) as batch_op:
        for column in reversed(_INDEXED):
            batch_op.drop_index(batch_op.f(f'ix_case_record_{column}'))
        for column in ('fell_back_at', 'parallel_total', 'parallel_done', 'category_count', 'project_count',
                       'fiscal_year', 'waiting_lane', 'board_step'):
            batch_op.drop_column(column)


def _aware(value):
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def _step_of(names) -> str | None:
    marks = sorted(_MARKS.index(name[0]) + 1 for name in names if name and name[0] in _MARKS)
    return str(marks[0]) if marks else None


def _fill_existing_cases(connection) -> None:
    """The same values engine.board.columns computes on each step, from the rows that exist already."""
    cases = connection.execute(sa.text("SELECT id, started_at, status, active_steps FROM case_record")).all()
    for case_id, started_at, status, active_steps in cases:
        started = _aware(started_at).astimezone(_JAPAN)
        projects = connection.execute(sa.text(
            "SELECT category FROM project WHERE case_id = :c AND removed = :f"), {"c": case_id, "f": False}).all()
        tasks = connection.execute(sa.text(
            "SELECT name, lane, process_id, state, created_at FROM human_task WHERE case_id = :c ORDER BY created_at"),
            {"c": case_id}).all()
        open_tasks = [t for t in tasks if t.state == "ready"]
        individual = [_aware(t.created_at) for t in tasks if t.process_id == "individual_agreement"]
        step = None
        if status == "running" and any(t.process_id == "individual_agreement" for t in open_tasks):
            step = "individual"
        elif status == "running" and open_tasks:
            step = _step_of([t.name for t in open_tasks]) or "other"
        elif status == "running":
            step = _step_of(json.loads(active_steps or "[]")) or "waiting"
        connection.execute(sa.text(
            "UPDATE case_record SET board_step = :step, waiting_lane = :lane, fiscal_year = :year, "
            "project_count = :projects, category_count = :categories, fell_back_at = :fell WHERE id = :c"
        ).bindparams(sa.bindparam("fell", type_=sa.DateTime(timezone=True))), {
            "c": case_id, "step": step, "lane": open_tasks[0].lane if open_tasks else None,
            "year": started.year if started.month >= 4 else started.year - 1,
            "projects": len(projects), "categories": len({p.category for p in projects if p.category}),
            "fell": min(individual) if individual else None,
        })
