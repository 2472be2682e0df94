"""協定: a signed 包括連携協定 or 個別協定, with its validity (R-6) computed when it is recorded.

An agreement signed before the system (既存協定の登録, issue #12 item 5) has no case: ``case_id`` is empty and
``registered_at`` says when 総合政策課 entered it.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.persistence.base import Base, UTCDateTime, utcnow

COMPREHENSIVE = "comprehensive"
INDIVIDUAL_PROJECT = "specific_project"  # 個別協定（特定事業）
INDIVIDUAL_FIELD = "specific_field"  # 個別協定（特定分野）


class Agreement(Base):
    __tablename__ = "agreement"
    __table_args__ = (
        # The register's order, newest signing first, read backwards (revision 0019).
        Index("ix_agreement_signed_on_id", "signed_on", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_record.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id"))
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(300))
    signed_on: Mapped[date] = mapped_column(Date)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date, index=True)
    notice_deadline: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="active")
    # 原則の例外: why 総合政策課 concluded with fewer than 3 projects or categories; NULL when met.
    principle_exception_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    registered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # signed before the system
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
