"""個別協定 under a 包括連携協定, and who took part in ① and ④

agreement_case_link.project_id: a 個別協定 case started from an agreement's page names the project it is for
(R-1, R-2), so the register lists each agreement's 個別協定 and refuses a second open one for the same project.
case_participant: the divisions that attended ① (同席, R-5.1) and the 担当課 consulted at ④ (R-5.4), who may
then read the case. partnership_meeting.proposals: a 個別定例会議's new proposals (R-8.1), each with the case it
became, so the meeting's record can start one later. All are new and empty: rows before this revision had none.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('case_participant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('task_id', sa.String(length=36), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_record.id'], name=op.f('fk_case_participant_case_id_case_record')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_case_participant_department_id_department')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_participant')),
    sa.UniqueConstraint('case_id', 'department_id', 'role', name=op.f('uq_case_participant_case_id'))
    )
    with op.batch_alter_table('case_participant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_participant_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_participant_department_id'), ['department_id'], unique=False)

    with op.batch_alter_table('partnership_meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('proposals', sa.Text(), nullable=True))

    with op.batch_alter_table('agreement_case_link', schema=None) as batch_op:
        batch_op.add_column(sa.Column('project_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('individual_kind', sa.String(length=30), nullable=True))
        batch_op.create_index(batch_op.f('ix_agreement_case_link_project_id'), ['project_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_agreement_case_link_project_id_project'), 'project', ['project_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('partnership_meeting', schema=None) as batch_op:
        batch_op.drop_column('proposals')

    with op.batch_alter_table('agreement_case_link', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_agreement_case_link_project_id_project'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_agreement_case_link_project_id'))
        batch_op.drop_column('individual_kind')
        batch_op.drop_column('project_id')

    with op.batch_alter_table('case_participant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_participant_department_id'))
        batch_op.drop_index(batch_op.f('ix_case_participant_case_id'))

    op.drop_table('case_participant')
