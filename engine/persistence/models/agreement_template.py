"""A Word template of a 協定書 (issue #16), one per kind of agreement, versioned like the forms it sits beside.

The template a process owner uploads is checked before it is stored (engine.documents.template), so every
stored version renders. The newest version of a kind is the one in use; the older ones stay, because a
negotiation round or a signed agreement names the version its document was rendered with.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column

from engine.persistence.base import Base, UTCDateTime, utcnow


class AgreementTemplate(Base):
    __tablename__ = "agreement_template"
    __table_args__ = (UniqueConstraint("kind", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)  # comprehensive, specific_project, specific_field
    version: Mapped[int]
    file_name: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    sha256: Mapped[str] = mapped_column(String(64))
    comment: Mapped[str | None] = mapped_column(Text)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
