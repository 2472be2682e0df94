"""The fields of one 協定書 as they stood: a ⑦ negotiation round's draft, or the agreement as signed.

Only the fields are kept, with the template version they were rendered with; rendering them again gives the
same document, so the history shows what was proposed when without storing a Word file per round.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.persistence.base import Base, JSONText, UTCDateTime, utcnow

DRAFT, SIGNED = "draft", "signed"


class AgreementDocument(Base):
    __tablename__ = "agreement_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id"), index=True)
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreement.id"), index=True)  # signed only
    stage: Mapped[str] = mapped_column(String(10))  # draft (協定書（案）) or signed
    kind: Mapped[str] = mapped_column(String(30))
    project_key: Mapped[str | None] = mapped_column(String(20))  # a 個別協定's project ("P1" …) in its case
    round: Mapped[int]  # 1, 2, … per negotiation: of the case's 包括連携協定, or of one project's 個別協定
    task_id: Mapped[str | None] = mapped_column(String(36))
    template_id: Mapped[int | None] = mapped_column(ForeignKey("agreement_template.id"))  # None: the shipped one
    fields: Mapped[dict[str, Any]] = mapped_column(JSONText)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
