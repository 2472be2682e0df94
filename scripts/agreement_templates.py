"""Writes the shipped 協定書 templates (processes/*/documents/*.docx) with python-docx.

Run once when the wording changes (``.venv/bin/python scripts/agreement_templates.py``); process owners then
edit the files in Word and upload them. The fields are those of engine.documents.template.FIELDS.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

ROOT = Path(__file__).resolve().parents[1] / "processes"
FONT = "游明朝"

COMPREHENSIVE = [
    ("center", "{% if is_draft %}協定書（案）　第{{ round }}回協議{% endif %}"),
    ("title", "{{ title }}"),
    ("", "{{ city }}（以下「甲」という。）と{{ organisation_name }}（以下「乙」という。）は、次のとおり包括連携協定を"
         "締結する。"),
    ("", "{{ purpose }}"),
    ("", "（目的）"),
    ("", "第１条　この協定は、甲と乙が緊密な相互連携と協働による活動を推進し、地域の課題の解決と市民サービスの向上を"
         "図ることを目的とする。"),
    ("", "（連携事項）"),
    ("", "第２条　甲及び乙は、次に掲げる分野において連携し、協力する。"),
    ("", "{%p for category in categories %}"),
    ("", "　（{{ loop.index }}）{{ category }}"),
    ("", "{%p endfor %}"),
    ("", "２　前項の分野における個別の連携事業は、必要に応じて甲乙協議の上、個別協定又は契約等により定める。"),
    ("", "（有効期間）"),
    ("", "第３条　この協定の有効期間は、{{ valid_from }}から{{ valid_until }}までとする。ただし、期間満了日の１か月前"
         "（{{ notice_deadline }}）までに甲乙いずれからも申出がないときは、期間満了日の翌日から１年間"
         "（{{ renewed_from }}から{{ renewed_until }}まで）更新されるものとし、以後も同様とする。"),
    ("", "（契約との関係）"),
    ("", "第４条　この協定は、甲と乙との契約の締結を約するものではなく、甲が契約を締結する場合は、法令及び甲の定めに従う。"),
    ("", "（協議）"),
    ("", "第５条　この協定に定めのない事項又は疑義が生じた事項については、甲乙協議の上、定める。"),
    ("", "この協定の締結を証するため、本書２通を作成し、甲乙記名押印の上、各自その１通を保有する。"),
]
INDIVIDUAL = [
    ("center", "{% if is_draft %}協定書（案）　第{{ round }}回協議{% endif %}"),
    ("title", "{{ title }}"),
    ("", "{{ city }}（以下「甲」という。）と{{ organisation_name }}（以下「乙」という。）は、{{ kind_label }}として、"
         "次のとおり協定を締結する。"),
    ("", "（対象）"),
    ("", "第１条　この協定は、{{ project_title }}（担当：{{ city }}{{ department_name }}）について定める。"),
    ("", "（役割分担）"),
    ("", "第２条　甲及び乙の役割分担は、次のとおりとする。"),
    ("", "{{ roles }}"),
    ("", "（費用負担）"),
    ("", "第３条　費用の負担は、次のとおりとする。"),
    ("", "{{ costs }}"),
    ("", "（契約との関係）"),
    ("", "第４条　{% if procurement_note %}{{ procurement_note }}{% else %}この協定は、甲と乙との契約の締結を約するもの"
         "ではない。{% endif %}"),
    ("", "（協議）"),
    ("", "第５条　この協定に定めのない事項は、甲乙協議の上、定める。"),
    ("", "この協定の締結を証するため、本書２通を作成し、甲乙記名押印の上、各自その１通を保有する。"),
]
SIGNATURES = [
    ("", "{{ signed_on }}"),
    ("", "甲　{{ city }}"),
    ("", "　　{{ mayor_title }}　{{ mayor_name }}　　　　印"),
    ("", "乙　{{ organisation_name }}"),
    ("", "　　{{ representative_title }}　{{ representative_name }}　　　　印"),
]


def write(path: Path, lines: list[tuple[str, str]]) -> None:
    document = Document()
    style = document.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(10.5)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    for kind, text in lines + SIGNATURES:
        paragraph = document.add_paragraph(text)
        if kind in ("center", "title"):
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if kind == "title":
            paragraph.runs[0].font.size, paragraph.runs[0].bold = Pt(14), True
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)


if __name__ == "__main__":
    write(ROOT / "comprehensive_agreement/documents/comprehensive.docx", COMPREHENSIVE)
    write(ROOT / "individual_agreement/documents/specific_project.docx", INDIVIDUAL)
    write(ROOT / "individual_agreement/documents/specific_field.docx", INDIVIDUAL)
