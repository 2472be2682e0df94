"""The papers of an agreement (issue #16): 協定書 templates, each document's fields, signed scans, calendar feeds

協定書 templates are versioned per kind of agreement; a ⑦ negotiation round and a signed agreement keep the
fields their document was rendered from; the signed copy is a PDF kept with its hash; a calendar feed is a
revocable token (its hash only). New tables only: nothing existing changes.

Revision ID: 0017
Revises: 0014
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('agreement_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user_account.id'], name=op.f('fk_agreement_template_uploaded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement_template')),
    sa.UniqueConstraint('kind', 'version', name=op.f('uq_agreement_template_kind'))
    )
    with op.batch_alter_table('agreement_template', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_template_kind'), ['kind'], unique=False)

    op.create_table('calendar_feed',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_calendar_feed_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_feed')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_calendar_feed_token_hash'))
    )
    with op.batch_alter_table('calendar_feed', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_feed_user_id'), ['user_id'], unique=False)

    op.create_table('agreement_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=True),
    sa.Column('stage', sa.String(length=10), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('project_key', sa.String(length=20), nullable=True),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.String(length=36), nullable=True),
    sa.Column('template_id', sa.Integer(), nullable=True),
    sa.Column('fields', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], name=op.f('fk_agreement_document_agreement_id_agreement')),
    sa.ForeignKeyConstraint(['case_id'], ['case_record.id'], name=op.f('fk_agreement_document_case_id_case_record')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_agreement_document_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['template_id'], ['agreement_template.id'], name=op.f('fk_agreement_document_template_id_agreement_template')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement_document'))
    )
    with op.batch_alter_table('agreement_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_document_agreement_id'), ['agreement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agreement_document_case_id'), ['case_id'], unique=False)

    op.create_table('signed_copy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], name=op.f('fk_signed_copy_agreement_id_agreement')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user_account.id'], name=op.f('fk_signed_copy_uploaded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signed_copy'))
    )
    with op.batch_alter_table('signed_copy', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signed_copy_agreement_id'), ['agreement_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('signed_copy', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signed_copy_agreement_id'))

    op.drop_table('signed_copy')
    with op.batch_alter_table('agreement_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_document_case_id'))
        batch_op.drop_index(batch_op.f('ix_agreement_document_agreement_id'))

    op.drop_table('agreement_document')
    with op.batch_alter_table('calendar_feed', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendar_feed_user_id'))

    op.drop_table('calendar_feed')
    with op.batch_alter_table('agreement_template', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_template_kind'))

    op.drop_table('agreement_template')
