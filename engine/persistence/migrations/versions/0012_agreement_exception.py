"""agreement.principle_exception_reason: a 包括連携協定 concluded by a principle exception says so, and why

R-3.3/R-3.4 hold "in principle": 総合政策課 may conclude with fewer than 3 projects or categories by recording
why (原則の例外). The register, its CSV and GET /api/agreements show 「例外により締結」 with that reason, so it
is kept on the agreement row (NULL: concluded with the requirements met). Agreements signed before keep NULL.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


# Plain ADD/DROP COLUMN rather than a batch: SQLite (3.35+) does both in place, whereas a batch would copy
# the agreement table, which the rows of other tables (periods, notices, meetings) point at.
def upgrade() -> None:
    op.add_column('agreement', sa.Column('principle_exception_reason', sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column('agreement', 'principle_exception_reason')
