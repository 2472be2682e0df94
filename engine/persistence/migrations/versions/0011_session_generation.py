"""user_account.session_generation: logout and deactivation end every web session of a user

A signed session cookie stayed valid for its remaining hours after logout (the cookie holds the session, the
server kept nothing to forget). Each session now carries the user's generation number, checked on every
request; logout and deactivation count it up. Existing users start at 0.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('session_generation')
