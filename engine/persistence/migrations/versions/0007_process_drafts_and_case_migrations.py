"""process drafts and case migrations

Revision ID: 0007
Revises: 0005
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('process_draft',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('process_id', sa.String(length=100), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('base_version_id', sa.Integer(), nullable=True),
    sa.Column('files', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deployed_version_id', sa.Integer(), nullable=True),
    sa.Column('deploy_comment', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['base_version_id'], ['process_version.id'], name=op.f('fk_process_draft_base_version_id_process_version')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_process_draft_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['deployed_version_id'], ['process_version.id'], name=op.f('fk_process_draft_deployed_version_id_process_version')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_process_draft_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_process_draft'))
    )
    with op.batch_alter_table('process_draft', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_process_draft_process_id'), ['process_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_process_draft_status'), ['status'], unique=False)

    op.create_table('case_migration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('from_version_id', sa.Integer(), nullable=False),
    sa.Column('to_version_id', sa.Integer(), nullable=False),
    sa.Column('previous_state', sa.Text(), nullable=False),
    sa.Column('previous_serializer_version', sa.String(length=20), nullable=False),
    sa.Column('migrated_state_hash', sa.String(length=64), nullable=False),
    sa.Column('migrated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('migrated_by_id', sa.Integer(), nullable=True),
    sa.Column('reverted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reverted_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case_record.id'], name=op.f('fk_case_migration_case_id_case_record')),
    sa.ForeignKeyConstraint(['from_version_id'], ['process_version.id'], name=op.f('fk_case_migration_from_version_id_process_version')),
    sa.ForeignKeyConstraint(['migrated_by_id'], ['user_account.id'], name=op.f('fk_case_migration_migrated_by_id_user_account')),
    sa.ForeignKeyConstraint(['reverted_by_id'], ['user_account.id'], name=op.f('fk_case_migration_reverted_by_id_user_account')),
    sa.ForeignKeyConstraint(['to_version_id'], ['process_version.id'], name=op.f('fk_case_migration_to_version_id_process_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_migration'))
    )
    with op.batch_alter_table('case_migration', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_migration_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_migration_to_version_id'), ['to_version_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('case_migration', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_migration_to_version_id'))
        batch_op.drop_index(batch_op.f('ix_case_migration_case_id'))

    op.drop_table('case_migration')
    with op.batch_alter_table('process_draft', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_process_draft_status'))
        batch_op.drop_index(batch_op.f('ix_process_draft_process_id'))

    op.drop_table('process_draft')
