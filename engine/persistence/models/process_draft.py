"""A process owner's draft of a process definition: files being edited, not live until deployed (issue #6).

A draft starts from a deployed version (or from an upload) and holds the same ``{path: text}`` files a
version holds, so deploying it is deploying those files. Cases never read drafts.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.persistence.base import Base, JSONText, UTCDateTime, utcnow

OPEN, DEPLOYED, DISCARDED = "open", "deployed", "discarded"


class ProcessDraft(Base):
    __tablename__ = "process_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(100), index=True)
    title: Mapped[str] = mapped_column(String(200))  # what the owner is changing, e.g. 「④を担当課へ移す」
    # The version the draft was copied from: deploying is refused once a later version exists.
    base_version_id: Mapped[int | None] = mapped_column(ForeignKey("process_version.id"))
    files: Mapped[dict[str, str]] = mapped_column(JSONText)
    status: Mapped[str] = mapped_column(String(20), default=OPEN, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deployed_version_id: Mapped[int | None] = mapped_column(ForeignKey("process_version.id"))
    deploy_comment: Mapped[str | None] = mapped_column(Text)
