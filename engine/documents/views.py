"""The plain values the papers feature returns: files to download and the rows of its lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
ICS = "text/calendar"


@dataclass(frozen=True)
class DocumentFile:
    file_name: str
    content: bytes
    media_type: str


@dataclass(frozen=True)
class RoundView:
    """One ⑦ (or 個別協定) negotiation round's 協定書（案）."""

    id: int
    round: int
    title: str
    project_key: str | None
    project_title: str | None
    created_at: datetime
    created_by: str | None


@dataclass(frozen=True)
class TemplateVersionView:
    version: int
    file_name: str
    sha256: str
    comment: str | None
    uploaded_by: str | None
    uploaded_at: datetime


@dataclass(frozen=True)
class TemplateKindView:
    kind: str
    label: str
    shipped_path: str
    versions: list[TemplateVersionView]


@dataclass(frozen=True)
class SignedCopyView:
    id: int
    file_name: str
    size: int
    sha256: str
    uploaded_by: str | None
    uploaded_at: datetime


@dataclass(frozen=True)
class AgreementPapersView:
    """The papers section of an agreement's page."""

    agreement_id: int
    copies: list[SignedCopyView]
    may_attach: bool
    scan_limit_bytes: int
