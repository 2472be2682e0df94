"""Reading the generated 協定書 as a clerk would: the text of every paragraph, via python-docx."""

from __future__ import annotations

import io

from docx import Document

from engine.documents.fields import CitySignatory
from engine.documents.service import AgreementPapers, PaperSettings
from tests.conftest import PROCESSES

MAYOR = CitySignatory(title="茅ヶ崎市長", name="茅ヶ崎 太郎")


def papers(engine) -> AgreementPapers:
    return AgreementPapers(engine, PaperSettings(MAYOR, PROCESSES))


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    return "\n".join(p.text for p in document.paragraphs)
