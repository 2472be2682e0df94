"""協定書 templates: Word documents with Jinja fields, filled by docxtpl (over python-docx), never by hand-made OOXML.

A process owner edits the template in Word. The fields a template may use are the ones listed in ``FIELDS``;
a template that names another one, or whose tags do not parse, is refused at upload with the field and the
paragraph it is in (``template_problems``), so every stored template renders. Rendering runs in Jinja's
sandbox with strict undefined names: an uploaded template cannot reach Python objects, and a mistake shows
as an error instead of a blank in a signed document.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from docx import Document
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, meta
from jinja2.sandbox import SandboxedEnvironment

from engine.errors import RenkeiError

# (name, 説明): what a template may use, documented on the upload page and in docs/documents.md.
FIELDS: tuple[tuple[str, str], ...] = (
    ("city", "甲の名称（茅ヶ崎市）"),
    ("mayor_title", "甲の代表者の役職（設定 RENKEI_MAYOR_TITLE）"),
    ("mayor_name", "甲の代表者の氏名（設定 RENKEI_MAYOR_NAME）"),
    ("organisation_name", "乙の名称（企業等）"),
    ("representative_title", "乙の代表者の役職"),
    ("representative_name", "乙の代表者の氏名"),
    ("kind_label", "協定の種別（包括連携協定・個別協定（特定事業）・個別協定（特定分野））"),
    ("title", "協定の名称"),
    ("purpose", "協定の目的・内容"),
    ("categories", "連携分野の一覧（R-4の分類。包括連携協定は事業を記載しない、R-1）"),
    ("project_title", "個別協定の連携事業（特定事業）または分野（特定分野）"),
    ("department_name", "個別協定の担当課"),
    ("roles", "役割分担（R-2）"),
    ("costs", "費用負担（R-2）"),
    ("procurement_note", "入札・契約上の取扱い（R-7）"),
    ("signed_on", "締結日（和暦。案では締結予定日、未定なら空欄）"),
    ("valid_from", "有効期間の始期（和暦、R-6.1）"),
    ("valid_until", "有効期間の満了日（和暦、R-6.1）"),
    ("notice_deadline", "更新しない旨の申出期限（和暦、R-6.2）"),
    ("renewed_from", "最初の更新後の始期（和暦、R-6.2）"),
    ("renewed_until", "最初の更新後の満了日（和暦、R-6.2）"),
    ("is_draft", "協定書（案）のとき真"),
    ("round", "協議の回（案のみ）"),
)
FIELD_NAMES = frozenset(name for name, _ in FIELDS)
# Loop variables and Jinja's own names a template may use besides the fields.
_ALLOWED = FIELD_NAMES | {"loop"}
_DOCX_TAG = re.compile(r"\{%-?\s*(p|tr|tc|r)\s")  # docxtpl's paragraph/row/cell/run tag prefixes
_DOCX_ZIP = b"PK\x03\x04"


@dataclass(frozen=True)
class TemplateProblem:
    place: str  # e.g. 「第12段落」
    message: str

    def __str__(self) -> str:
        return f"{self.place}: {self.message}"


def _environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(undefined=StrictUndefined, autoescape=True)


def _paragraphs(content: bytes) -> list[str]:
    """The text of every paragraph as Word shows it (runs joined), in the body, the tables, headers and footers."""
    document = Document(io.BytesIO(content))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                texts.extend(p.text for p in cell.paragraphs)
    for section in document.sections:
        for part in (section.header, section.footer):
            texts.extend(p.text for p in part.paragraphs)
    return texts


def _place(index: int, texts: list[str]) -> str:
    shown = texts[index].strip()
    return f"第{index + 1}段落「{shown[:40]}{'…' if len(shown) > 40 else ''}」"


def template_problems(content: bytes, sample: Mapping[str, Any]) -> list[TemplateProblem]:
    """Why this upload is not a usable 協定書 template (empty when it is): not a Word file, a tag that does not
    parse, a field that is not in ``FIELDS``, or a template that fails to render with ``sample`` fields."""
    if not content.startswith(_DOCX_ZIP):
        return [TemplateProblem("ファイル", "Word文書（.docx）ではありません")]
    try:
        texts = _paragraphs(content)
    except Exception as error:  # anything a broken upload makes python-docx raise is a refusal, never a 500
        return [TemplateProblem("ファイル", f"Word文書として読めません（{type(error).__name__}）")]
    source = "\n".join(_DOCX_TAG.sub("{% ", text) for text in texts)
    environment = _environment()
    try:
        parsed = environment.parse(source)
    except TemplateSyntaxError as error:
        return [TemplateProblem(_place((error.lineno or 1) - 1, texts), f"差し込みの書き方に誤りがあります（{error.message}）")]
    unknown = sorted(meta.find_undeclared_variables(parsed) - _ALLOWED)
    if unknown:
        return [TemplateProblem(_where(name, texts), f"「{name}」は使えない差し込み項目です") for name in unknown]
    try:
        _fill(content, sample)
    except Exception as error:  # the sandbox's, Jinja's or the XML parser's: the upload is refused either way
        return [TemplateProblem("文書全体", f"差し込みできません（{error}）")]
    return []


def _where(name: str, texts: list[str]) -> str:
    pattern = re.compile(r"\b" + re.escape(name) + r"\b")
    found = next((i for i, text in enumerate(texts) if "{" in text and pattern.search(text)), None)
    return _place(found, texts) if found is not None else "文書内"


class TemplateRenderError(RenkeiError):
    """A stored template failed on fields the upload check did not try (a branch the sample did not take)."""

    code = "template_failed"


def render(content: bytes, fields: Mapping[str, Any]) -> bytes:
    """The filled-in document (.docx bytes)."""
    try:
        return _fill(content, fields)
    except (TemplateError, TypeError, ValueError) as error:
        raise TemplateRenderError(
            f"協定書のひな形に差し込めません（{error}）。プロセス管理者にひな形の修正を依頼してください") from None


def _fill(content: bytes, fields: Mapping[str, Any]) -> bytes:
    template = DocxTemplate(io.BytesIO(content))
    template.render(dict(fields), jinja_env=_environment(), autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()
