"""担当課 and 総合政策課: the city's divisions. The coordinator division owns every 包括連携協定."""

from __future__ import annotations

from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine.persistence.base import Base


class Department(Base):
    __tablename__ = "department"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The code is what process data stores (project.department), stable across renames and databases.
    code: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    is_coordinator: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)


def _coordinating():
    """The rule: the first active department marked as coordinator (総合政策課)."""
    return select(Department).where(Department.is_coordinator, Department.active).order_by(Department.id)


def coordinator(session: Session) -> Department | None:
    return session.scalars(_coordinating()).first()


def coordinator_id_column():
    """``coordinator``'s id as a scalar subquery, for a query that reads it alongside other rows."""
    return _coordinating().with_only_columns(Department.id).limit(1).scalar_subquery()


def coordinator_among(departments: list[Department]) -> Department | None:
    """``coordinator`` for departments already read (in id order): the same rule, no query."""
    return next((d for d in departments if d.is_coordinator and d.active), None)


def by_code(session: Session, code: str) -> Department | None:
    return session.scalars(select(Department).where(Department.code == code)).first()


def active_departments(session: Session) -> list[Department]:
    return list(session.scalars(select(Department).where(Department.active).order_by(Department.id)))
