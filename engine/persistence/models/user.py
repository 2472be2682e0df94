"""People who sign in: 企業等 contacts, city staff, managers, process owners and administrators."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.persistence.base import Base, UTCDateTime, utcnow
from engine.persistence.models.department import Department
from engine.persistence.models.organisation import Organisation

user_department = Table(
    "user_department",
    Base.metadata,
    Column("user_id", ForeignKey("user_account.id"), primary_key=True),
    Column("department_id", ForeignKey("department.id"), primary_key=True),
)


class UserAccount(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(200))
    # Role names are the ones ``renkei users create --role`` takes (engine.access.Role).
    role: Mapped[str] = mapped_column(String(30))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    password_hash: Mapped[str | None] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(default=True)
    # Counted up by logout and deactivation: a web session carries the number it was signed in under, so every
    # session (and every copied cookie) of this user ends at once (engine.accounts.identity.end_sessions).
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation | None] = relationship()
    departments: Mapped[list[Department]] = relationship(secondary=user_department, order_by=Department.id)
