"""連携事業: a project of a case, kept in step with the workflow as tasks complete (R-3.3, R-3.4, R-3.6).

A project of an agreement signed before the system belongs to that agreement (``agreement_id``), not to a case.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.persistence.base import Base, JSONText, UTCDateTime, utcnow

if TYPE_CHECKING:
    from engine.persistence.models.case import Case


class Project(Base):
    __tablename__ = "project"
    __table_args__ = (
        UniqueConstraint("case_id", "key"),
        # A department's projects, so its cases (engine.access.readable_cases), from the index alone (0019).
        Index("ix_project_department_case", "department_id", "case_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_record.id"), index=True)
    # 既存協定の登録. use_alter: agreement.project_id points back here, a cycle nothing may sort on
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreement.id", use_alter=True), index=True)
    key: Mapped[str] = mapped_column(String(20))  # "P1", "P2" … as in the process data
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(2), index=True)  # "1".."7"
    fiscal_year: Mapped[int | None]
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))  # indexed with case_id
    removed: Mapped[bool] = mapped_column(default=False)  # dropped from the list at ③
    feasible: Mapped[bool | None]  # ④
    implementation: Mapped[str | None] = mapped_column(String(20))  # ⑤ implement / not_implement
    decision_reason: Mapped[str | None] = mapped_column(Text)
    exclusions: Mapped[list[str]] = mapped_column(JSONText, default=list)  # items that apply
    counted: Mapped[bool] = mapped_column(default=False)  # a partnership project for
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    # Never set: it makes a flush write the case row, and so check its version, before this table's rows, so
    # of two completions that read the same case the second fails on the version, not on the unique key above.
    case: Mapped[Case | None] = relationship()
