"""Agreements signed before the system (既存協定の登録, issue #12 item 5) live without a case

Such an agreement was never proposed here: it has no case, its projects belong to it instead of a case, and the
validity periods that passed before it was entered have no lifecycle case. agreement.registered_at and
registered_by_id say when and by whom it was entered. Existing rows keep their cases; nothing is rewritten.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('registered_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('registered_by_id', sa.Integer(), nullable=True))
        batch_op.alter_column('case_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_foreign_key(batch_op.f('fk_agreement_registered_by_id_user_account'), 'user_account',
                                    ['registered_by_id'], ['id'])

    with op.batch_alter_table('agreement_period', schema=None) as batch_op:
        batch_op.alter_column('case_id',
               existing_type=sa.INTEGER(),
               nullable=True)

    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agreement_id', sa.Integer(), nullable=True))
        batch_op.alter_column('case_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_index(batch_op.f('ix_project_agreement_id'), ['agreement_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_project_agreement_id_agreement'), 'agreement',
                                    ['agreement_id'], ['id'], use_alter=True)


def downgrade() -> None:
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_project_agreement_id_agreement'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_project_agreement_id'))
        batch_op.alter_column('case_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('agreement_id')

    with op.batch_alter_table('agreement_period', schema=None) as batch_op:
        batch_op.alter_column('case_id',
               existing_type=sa.INTEGER(),
               nullable=False)

    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_agreement_registered_by_id_user_account'), type_='foreignkey')
        batch_op.alter_column('case_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('registered_by_id')
        batch_op.drop_column('registered_at')
