"""Who took part in a step of a case: the divisions that attended ① (同席, R-5.1) and the 担当課 consulted
at ④ (R-5.4).

The guideline's flow has three parties, but ① and ④ sit in 総合政策課's lane: without these rows a division
that sat at the table is on record nowhere, and could not open the case it helped shape. A participant
reads the case like a 担当課 with a project in it (engine.access.may_read_case).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.persistence.base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from engine.persistence.models.case import Case

ATTENDED, CONSULTED = "attended", "consulted"  # ① 同席, ④ 協議
PARTICIPATION_LABELS = {ATTENDED: "①に同席（R-5.1）", CONSULTED: "④で協議（R-5.4）"}


class CaseParticipant(Base):
    __tablename__ = "case_participant"
    __table_args__ = (UniqueConstraint("case_id", "department_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))  # attended / consulted
    task_id: Mapped[str | None] = mapped_column(String(36))  # the task whose form named the division
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # Never set: it makes a flush write the case row, and so check its version, before this table's rows, so
    # of two completions that read the same case the second fails on the version, not on the unique key above.
    case: Mapped[Case] = relationship()
