"""協定書 templates (issue #16): the shipped ones fill the R-6 dates of the guideline's examples in 和暦, and a
template that would not render is refused with the field and the paragraph it is in."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document

from engine.documents.fields import CitySignatory, document_fields, sample_snapshot
from engine.documents.template import render, template_problems

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
COMPREHENSIVE = (PROCESSES / "comprehensive_agreement/documents/comprehensive.docx").read_bytes()
MAYOR = CitySignatory("茅ヶ崎市長", "茅ヶ崎 太郎")


def text_of(content: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


def word_file(*paragraphs: str) -> bytes:
    document = Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.parametrize(("signed_on", "clause"), [  # R-6.1's three examples, and R-6.2's deadline and renewal
    ("2025-06-15", "令和7年6月15日から令和9年3月31日までとする。ただし、期間満了日の１か月前（令和9年2月28日）"
                   "までに甲乙いずれからも申出がないときは、期間満了日の翌日から１年間（令和9年4月1日から令和10年3月31日まで）"),
    ("2026-03-31", "令和8年3月31日から令和9年3月31日までとする。ただし、期間満了日の１か月前（令和9年2月28日）"),
    ("2026-04-01", "令和8年4月1日から令和10年3月31日までとする。ただし、期間満了日の１か月前（令和10年2月29日）"),
])
def test_the_validity_clause_carries_the_dates_of_r6_for_the_signing_date(signed_on, clause):
    snapshot = {**sample_snapshot("comprehensive"), "signed_on": signed_on, "is_draft": False}
    text = text_of(render(COMPREHENSIVE, document_fields(snapshot, MAYOR)))
    assert "第３条　この協定の有効期間は、" + clause in text
    assert "協定書（案）" not in text


def test_a_draft_without_a_planned_date_leaves_the_dates_blank_for_the_pen():
    snapshot = {**sample_snapshot("comprehensive"), "signed_on": None}
    text = text_of(render(COMPREHENSIVE, document_fields(snapshot, MAYOR)))
    assert "令和　　年　　月　　日から令和　　年　　月　　日まで" in text and "協定書（案）　第1回協議" in text


def test_a_comprehensive_agreement_never_lists_projects_even_if_its_fields_carry_one():
    fields = document_fields({**sample_snapshot("comprehensive"), "project_title": "見本の事業", "roles": "役割"},
                             MAYOR)
    assert fields["project_title"] == "" and fields["roles"] == ""
    assert "見本の事業" not in text_of(render(COMPREHENSIVE, fields))


def test_the_shipped_templates_are_accepted():
    for path in PROCESSES.glob("*/documents/*.docx"):
        kind = path.stem
        assert template_problems(path.read_bytes(), document_fields(sample_snapshot(kind), MAYOR)) == [], path


def test_an_unknown_field_is_refused_with_its_name_and_paragraph():
    content = word_file("{{ title }}", "本文", "{{ mayor_phone }}に連絡する")
    [problem] = template_problems(content, document_fields(sample_snapshot("comprehensive"), MAYOR))
    assert "「mayor_phone」は使えない差し込み項目です" in str(problem)
    assert problem.place.startswith("第3段落「{{ mayor_phone }}に連絡する")


def test_a_tag_that_does_not_parse_is_refused_with_its_paragraph():
    content = word_file("{{ title }}", "{% for category in categories %}{{ category }}", "終わり")
    [problem] = template_problems(content, document_fields(sample_snapshot("comprehensive"), MAYOR))
    assert "差し込みの書き方に誤りがあります" in problem.message
    assert problem.place.startswith("第")


def test_a_file_that_is_not_a_word_document_is_refused():
    [problem] = template_problems(b"%PDF-1.4 not a docx", {})
    assert problem.message == "Word文書（.docx）ではありません"


def test_a_template_cannot_reach_python_objects():
    content = word_file("{{ title.__class__.__mro__ }}")
    problems = template_problems(content, document_fields(sample_snapshot("comprehensive"), MAYOR))
    assert problems and "差し込みできません" in problems[0].message
