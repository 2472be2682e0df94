"""indexes for paged lists: the board's order with its tie breaker, the register's order, a 担当課's cases

Lists now page by keyset (engine.paging): a page starts at the last row's sort key and id. With the id in
the index, PostgreSQL starts the board's page inside ix_case_record_waiting_since_id instead of reading it
from the beginning; a kanban column (board_step, or outcome for the ended ones) reads its first cards from
its own index instead of passing every waiting case; the register reads ix_agreement_signed_on_id backwards
instead of sorting every agreement; and a 担当課 user's visible cases (engine.access.readable_cases) come
from ix_human_task_department_case and ix_project_department_case alone (index-only) instead of a scan of
every task and a heap read of every project.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07
"""

from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('case_record', schema=None) as batch_op:
        batch_op.drop_index('ix_case_record_waiting_since')
        batch_op.create_index('ix_case_record_waiting_since_id', ['waiting_since', 'id'], unique=False)
        batch_op.drop_index('ix_case_record_board_step')
        batch_op.create_index('ix_case_record_board_step_waiting', ['board_step', 'waiting_since', 'id'],
                              unique=False)
        batch_op.drop_index('ix_case_record_outcome')
        batch_op.create_index('ix_case_record_outcome_waiting', ['outcome', 'waiting_since', 'id'],
                              unique=False)
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.create_index('ix_agreement_signed_on_id', ['signed_on', 'id'], unique=False)
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.create_index('ix_human_task_department_case', ['department_id', 'case_id'], unique=False)
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_index('ix_project_department_id')
        batch_op.create_index('ix_project_department_case', ['department_id', 'case_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_index('ix_project_department_case')
        batch_op.create_index('ix_project_department_id', ['department_id'], unique=False)
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.drop_index('ix_human_task_department_case')
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.drop_index('ix_agreement_signed_on_id')
    with op.batch_alter_table('case_record', schema=None) as batch_op:
        batch_op.drop_index('ix_case_record_outcome_waiting')
        batch_op.create_index('ix_case_record_outcome', ['outcome'], unique=False)
        batch_op.drop_index('ix_case_record_board_step_waiting')
        batch_op.create_index('ix_case_record_board_step', ['board_step'], unique=False)
        batch_op.drop_index('ix_case_record_waiting_since_id')
        batch_op.create_index('ix_case_record_waiting_since', ['waiting_since'], unique=False)
