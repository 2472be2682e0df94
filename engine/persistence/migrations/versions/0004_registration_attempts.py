"""registration attempts for the public registration's rate limit

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('registration_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=True),
    sa.Column('succeeded', sa.Boolean(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registration_attempt'))
    )
    with op.batch_alter_table('registration_attempt', schema=None) as batch_op:
        batch_op.create_index('ix_registration_attempt_address_at', ['address', 'at'], unique=False)
        batch_op.create_index('ix_registration_attempt_succeeded_at', ['succeeded', 'at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('registration_attempt', schema=None) as batch_op:
        batch_op.drop_index('ix_registration_attempt_succeeded_at')
        batch_op.drop_index('ix_registration_attempt_address_at')

    op.drop_table('registration_attempt')
