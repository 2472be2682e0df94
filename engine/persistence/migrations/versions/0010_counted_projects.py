"""project.counted and the case's project/category counts follow the one rule of which projects count

Until now ``project.counted`` was copied from a script's ``partnership_projects`` and
``case_record.project_count``/``category_count`` counted every project still on the list (the case header said
4件・4分類 where ⑥ said 3 事業). The engine now writes both from engine.domain.projects (R-3.3/R-3.4/R-3.6:
judged 実施する at ⑤, no R-3.6 exclusion, not dropped at ③); this recomputes the rows written before, so
集計, the registers and the board agree with ⑥ for existing cases too. Migrations never import application
code, so the rule is restated here once, in SQL. No schema change.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

CATEGORIES = ["1", "2", "3", "4", "5", "6", "7"]


def upgrade() -> None:
    recount(op.get_bind())


def recount(connection) -> None:
    """Rewrites ``project.counted`` by the rule, then each case's counts over those projects."""
    project = sa.table(
        "project", sa.column("case_id", sa.Integer), sa.column("category", sa.String),
        sa.column("implementation", sa.String), sa.column("exclusions", sa.Text),
        sa.column("removed", sa.Boolean), sa.column("counted", sa.Boolean),
    )
    case_record = sa.table("case_record", sa.column("id", sa.Integer), sa.column("project_count", sa.Integer),
                           sa.column("category_count", sa.Integer))
    no_exclusion = sa.or_(project.c.exclusions.is_(None), project.c.exclusions.in_(["[]", "null", ""]))
    rule = sa.and_(project.c.implementation == "implement", no_exclusion, sa.not_(project.c.removed))
    connection.execute(project.update().values(counted=sa.case((rule, sa.true()), else_=sa.false())))

    counted = sa.and_(project.c.case_id == case_record.c.id, project.c.counted == sa.true())
    projects = sa.select(sa.func.count()).select_from(project).where(counted).scalar_subquery()
    categories = (sa.select(sa.func.count(sa.distinct(project.c.category))).select_from(project)
                  .where(counted, project.c.category.in_(CATEGORIES)).scalar_subquery())
    connection.execute(case_record.update().values(project_count=projects, category_count=categories))


def downgrade() -> None:
    """Nothing to undo: the columns keep their types; the older code rewrites them on a case's next step."""
