"""Reading the 協定台帳's own CSV back (issue #12 item 5): with or without Excel's BOM, the export's columns
exactly, each problem named by its line and column before anything is registered."""

from __future__ import annotations

import csv
import io

import pytest

from engine.agreements.register_csv import (
    ENDING_NOTICE,
    HEADINGS,
    LATE_NOTICE,
    PROJECTS,
    AgreementImportError,
    notice_cell,
    project_cell,
    read_notice,
    read_register_csv,
)
from engine.agreements.registration import NoticeInput, ProjectInput, category_key
from engine.agreements.views import ProjectRow


def row(**values: str) -> list[str]:
    base = {"種別": "包括連携協定", "協定名": "茅ヶ崎みらい包括連携協定", "企業等": "みらい創造株式会社",
            "締結日": "令和5年6月1日", "締結日（ISO）": "2023-06-01", "状態": "更新済み",
            PROJECTS: "海岸清掃（⑤・環境政策課）\n子ども食堂（①・こども育成相談課）"}
    return [{**base, **values}.get(h, "") for h in HEADINGS]


def file(*rows: list[str], bom: bool = True, header: list[str] = HEADINGS) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([header, *rows])
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


@pytest.mark.parametrize("bom", [True, False])
def test_an_export_with_or_without_its_bom_reads_as_the_agreements_it_lists(bom):
    [only] = read_register_csv(file(row(), bom=bom))
    assert (only.line, only.problems, only.agreement.title, only.agreement.signed_on) == (
        2, {}, "茅ヶ崎みらい包括連携協定", "2023-06-01")
    assert only.agreement.organisation_name == "みらい創造株式会社"
    assert only.agreement.projects == (ProjectInput("海岸清掃", "⑤", "環境政策課"),
                                       ProjectInput("子ども食堂", "①", "こども育成相談課"))


def test_a_row_after_a_cell_of_several_lines_is_named_by_the_line_it_starts_on():
    first, second = read_register_csv(file(row(), row(協定名="二つ目", 種別="個別協定（特定事業）")))
    assert (first.line, second.line) == (2, 4)  # the projects cell of row 2 spans lines 2 and 3
    assert second.problems == {"種別": "登録できるのは包括連携協定だけです（「個別協定（特定事業）」）"}


def test_the_wareki_signing_date_is_read_when_the_iso_column_is_empty():
    [only] = read_register_csv(file(row(**{"締結日（ISO）": ""})))
    assert only.agreement.signed_on == "令和5年6月1日"


def test_a_header_that_is_not_the_exports_is_refused_at_line_1_naming_what_differs():
    with pytest.raises(AgreementImportError) as refused:
        read_register_csv(file(row()[:-1], header=HEADINGS[:-1]))
    assert refused.value.problems == [(1, "見出し", f"協定台帳の CSV と同じ列にしてください（足りない列: {ENDING_NOTICE}）")]


def test_a_row_with_a_missing_column_is_refused_with_its_line():
    with pytest.raises(AgreementImportError) as refused:
        read_register_csv(file(row(), row()[:-2]))
    assert refused.value.problems == [(4, "行", f"列の数が{len(HEADINGS) - 2}です（見出しは{len(HEADINGS)}列）")]


def test_a_file_that_is_not_utf8_or_has_no_rows_is_refused():
    with pytest.raises(AgreementImportError) as refused:
        read_register_csv(",".join(HEADINGS).encode("shift_jis"))
    assert refused.value.problems[0][:2] == (1, "ファイル")
    with pytest.raises(AgreementImportError) as refused:
        read_register_csv(file())
    assert refused.value.problems == [(2, "行", "登録する協定の行がありません")]


def test_unreadable_projects_and_an_agreement_already_over_are_reported_in_their_columns():
    [only] = read_register_csv(file(row(**{PROJECTS: "分類のない事業", "状態": "解除"})))
    assert set(only.problems) == {PROJECTS, "状態"}
    assert only.problems[PROJECTS].startswith("「分類のない事業」を読めません")


def test_notices_in_both_columns_come_back_with_who_gave_them():
    late = notice_cell("令和9年3月5日", "city", "令和10年3月31日")
    assert late == "令和9年3月5日（市・令和10年3月31日で終了）"
    [only] = read_register_csv(file(row(**{LATE_NOTICE: late, ENDING_NOTICE: notice_cell("令和8年11月20日",
                                                                                          "organisation")})))
    assert only.agreement.notices == (NoticeInput("令和8年11月20日", "organisation"),
                                      NoticeInput("令和9年3月5日", "city"))
    assert read_notice("") is None and read_notice("2027-03-05") == NoticeInput("2027-03-05", "organisation")


def test_the_projects_cell_the_export_writes_is_the_one_the_import_reads():
    written = project_cell([ProjectRow(1, "海岸（南側）の清掃", "5", "環境政策課", None, ""),
                            ProjectRow(2, "未分類の事業", None, None, None, "")])
    assert written == "海岸（南側）の清掃（⑤・環境政策課）\n未分類の事業（・）"
    [only] = read_register_csv(file(row(**{PROJECTS: written})))
    assert only.agreement.projects == (ProjectInput("海岸（南側）の清掃", "⑤", "環境政策課"),
                                       ProjectInput("未分類の事業", "", ""))


@pytest.mark.parametrize(("text", "key"), [("5", "5"), ("⑤", "5"), ("⑤ 環境・自然", "5"), ("環境・自然", "5"),
                                          ("１", "1"), ("8", None), ("", None), ("環境", None)])
def test_a_category_is_one_of_the_seven_of_r4_however_it_is_written(text, key):
    assert category_key(text) == key


def test_a_fields_problem_is_reported_in_the_column_that_holds_it():
    [only] = read_register_csv(file(row(**{LATE_NOTICE: "令和9年3月5日（企業等・令和10年3月31日で終了）"})))
    paths = ("projects.2.department", "signed_on", "notices.0.given_on", "title", "organisation")
    assert [only.column_of(p) for p in paths] == [PROJECTS, "締結日（ISO）", LATE_NOTICE, "協定名", "企業等"]


def test_a_title_the_export_guarded_against_spreadsheet_formulas_comes_back_as_typed():
    from engine.csv_export import csv_text

    exported = csv_text(HEADINGS, [row(協定名="=みらい協定", 企業等="@湘南")]).encode("utf-8")
    [only] = read_register_csv(exported)
    assert (only.agreement.title, only.agreement.organisation_name) == ("=みらい協定", "@湘南")
