"""agreement lifecycle (issue #5): periods, notices, meetings, results, reviews, terminations, links; timer retries

The register and the lifecycle read these tables instead of workflow JSON. The three case_record columns let
the timer worker record a failing timer and retry it later without blocking the others.

Revision ID: 0006
Revises: 0008
Create Date: 2026-11-26 11:48:55.199940
"""

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('agreement_period',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('notice_deadline', sa.Date(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], name=op.f('fk_agreement_period_agreement_id_agreement')),
    sa.ForeignKeyConstraint(['case_id'], ['case_record.id'], name=op.f('fk_agreement_period_case_id_case_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement_period')),
    sa.UniqueConstraint('agreement_id', 'number', name=op.f('uq_agreement_period_agreement_id')),
    sa.UniqueConstraint('case_id', name=op.f('uq_agreement_period_case_id'))
    )
    with op.batch_alter_table('agreement_period', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_period_agreement_id'), ['agreement_id'], unique=False)

    op.create_table('agreement_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.String(length=36), nullable=True),
    sa.Column('given_by', sa.String(length=20), nullable=False),
    sa.Column('given_on', sa.Date(), nullable=False),
    sa.Column('in_time', sa.Boolean(), nullable=False),
    sa.Column('takes_effect_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('contact', sa.String(length=200), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], name=op.f('fk_agreement_notice_agreement_id_agreement')),
    sa.ForeignKeyConstraint(['period_id'], ['agreement_period.id'], name=op.f('fk_agreement_notice_period_id_agreement_period')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_agreement_notice_recorded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement_notice'))
    )
    with op.batch_alter_table('agreement_notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_notice_agreement_id'), ['agreement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agreement_notice_period_id'), ['period_id'], unique=False)

    op.create_table('agreement_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('review_year', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('task_id', sa.String(length=36), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], name=op.f('fk_agreement_review_agreement_id_agreement')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_agreement_review_decided_by_id_user_account')),
    sa.ForeignKeyConstraint(['period_id'], ['agreement_period.id'], name=op.f('fk_agreement_review_period_id_agreement_period')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement_review'))
    )
    with op.batch_alter_table('agreement_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_review_agreement_id'), ['agreement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agreement_review_period_id'), ['period_id'], unique=False)

    op.create_table('agreement_termination',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('ground', sa.String(length=10), nullable=False),
    sa.Column('items', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('terminated_on', sa.Date(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], name=op.f('fk_agreement_termination_agreement_id_agreement')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_agreement_termination_decided_by_id_user_account')),
    sa.ForeignKeyConstraint(['period_id'], ['agreement_period.id'], name=op.f('fk_agreement_termination_period_id_agreement_period')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement_termination')),
    sa.UniqueConstraint('agreement_id', name=op.f('uq_agreement_termination_agreement_id'))
    )
    op.create_table('partnership_meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('review_year', sa.Integer(), nullable=True),
    sa.Column('agenda', sa.Text(), nullable=True),
    sa.Column('planned_on', sa.Date(), nullable=True),
    sa.Column('invited_department_ids', sa.Text(), nullable=False),
    sa.Column('attendee_department_ids', sa.Text(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('task_id', sa.String(length=36), nullable=True),
    sa.Column('called_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], name=op.f('fk_partnership_meeting_agreement_id_agreement')),
    sa.ForeignKeyConstraint(['called_by_id'], ['user_account.id'], name=op.f('fk_partnership_meeting_called_by_id_user_account')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_partnership_meeting_department_id_department')),
    sa.ForeignKeyConstraint(['period_id'], ['agreement_period.id'], name=op.f('fk_partnership_meeting_period_id_agreement_period')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_partnership_meeting_recorded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partnership_meeting'))
    )
    with op.batch_alter_table('partnership_meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partnership_meeting_agreement_id'), ['agreement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_partnership_meeting_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_partnership_meeting_period_id'), ['period_id'], unique=False)

    op.create_table('agreement_case_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], name=op.f('fk_agreement_case_link_agreement_id_agreement')),
    sa.ForeignKeyConstraint(['case_id'], ['case_record.id'], name=op.f('fk_agreement_case_link_case_id_case_record')),
    sa.ForeignKeyConstraint(['meeting_id'], ['partnership_meeting.id'], name=op.f('fk_agreement_case_link_meeting_id_partnership_meeting')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement_case_link')),
    sa.UniqueConstraint('case_id', name=op.f('uq_agreement_case_link_case_id'))
    )
    with op.batch_alter_table('agreement_case_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_case_link_agreement_id'), ['agreement_id'], unique=False)

    op.create_table('partnership_result',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('fiscal_year', sa.Integer(), nullable=False),
    sa.Column('implemented', sa.Boolean(), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=True),
    sa.Column('citizen_reach', sa.Integer(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], name=op.f('fk_partnership_result_agreement_id_agreement')),
    sa.ForeignKeyConstraint(['meeting_id'], ['partnership_meeting.id'], name=op.f('fk_partnership_result_meeting_id_partnership_meeting')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_partnership_result_project_id_project')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_partnership_result_recorded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partnership_result')),
    sa.UniqueConstraint('agreement_id', 'project_id', 'fiscal_year', name=op.f('uq_partnership_result_agreement_id'))
    )
    with op.batch_alter_table('partnership_result', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partnership_result_agreement_id'), ['agreement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_partnership_result_fiscal_year'), ['fiscal_year'], unique=False)
        batch_op.create_index(batch_op.f('ix_partnership_result_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_partnership_result_project_id'), ['project_id'], unique=False)

    with op.batch_alter_table('case_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('timer_attempts', sa.Integer(), nullable=False, server_default=sa.text('0')))
        batch_op.add_column(sa.Column('timer_error', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('timer_retry_at', sa.DateTime(timezone=True), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('case_record', schema=None) as batch_op:
        batch_op.drop_column('timer_retry_at')
        batch_op.drop_column('timer_error')
        batch_op.drop_column('timer_attempts')

    with op.batch_alter_table('partnership_result', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partnership_result_project_id'))
        batch_op.drop_index(batch_op.f('ix_partnership_result_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_partnership_result_fiscal_year'))
        batch_op.drop_index(batch_op.f('ix_partnership_result_agreement_id'))

    op.drop_table('partnership_result')
    with op.batch_alter_table('agreement_case_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_case_link_agreement_id'))

    op.drop_table('agreement_case_link')
    with op.batch_alter_table('partnership_meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partnership_meeting_period_id'))
        batch_op.drop_index(batch_op.f('ix_partnership_meeting_department_id'))
        batch_op.drop_index(batch_op.f('ix_partnership_meeting_agreement_id'))

    op.drop_table('partnership_meeting')
    op.drop_table('agreement_termination')
    with op.batch_alter_table('agreement_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_review_period_id'))
        batch_op.drop_index(batch_op.f('ix_agreement_review_agreement_id'))

    op.drop_table('agreement_review')
    with op.batch_alter_table('agreement_notice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_notice_period_id'))
        batch_op.drop_index(batch_op.f('ix_agreement_notice_agreement_id'))

    op.drop_table('agreement_notice')
    with op.batch_alter_table('agreement_period', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_period_agreement_id'))

    op.drop_table('agreement_period')
