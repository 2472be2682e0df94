"""Exports (issue #4 item 6): the board and the figures as CSV (UTF-8 with BOM) and .xlsx, read back."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from engine.persistence.models import Case
from tests.integration.board_cases import at_step_2, at_step_5, concluded


@pytest.fixture
def cases(engine):
    return {"step5": at_step_5(engine, "shonan"), "step2": at_step_2(engine, "mirai"), "done": concluded(engine, "umibe")}


def read_csv(response) -> list[list[str]]:
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM, so Excel reads UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_the_board_exports_to_csv_with_japanese_headings_and_the_current_filters(as_user, cases):
    response = as_user("kanri").get("/board/export.csv?status=running")
    assert response.mimetype == "text/csv"
    assert "filename*=UTF-8''%E6%A1%88%E4%BB%B6%E4%B8%80%E8%A6%A7.csv" in response.headers["Content-Disposition"]
    heading, *rows = read_csv(response)
    assert heading[:7] == ["案件番号", "提案名", "企業等", "工程", "進行中の手順", "並行の進み具合", "待ち先"]
    by_number = {row[0]: dict(zip(heading, row, strict=True)) for row in rows}
    assert set(by_number) == {cases["step5"].status().number, cases["step2"].status().number}
    step5 = by_number[cases["step5"].status().number]
    # only P1 has been judged 実施する so far: 1 partnership project, as ⑥ will count it
    assert (step5["工程"], step5["並行の進み具合"], step5["連携事業数"]) == ("⑤ 個別協議・実施判断", "3件中1件完了", "1")
    assert "担当課：こども育成相談課" in step5["待ち先"] and step5["開始日"].startswith("令和")


def test_the_board_exports_to_xlsx_that_excel_reads(as_user, cases):
    response = as_user("kanri").get("/board/export.xlsx?department=kankyo")
    sheet = load_workbook(io.BytesIO(response.get_data()))["案件一覧"]
    rows = list(sheet.values)
    assert rows[0][:4] == ("案件番号", "提案名", "企業等", "工程")
    assert {row[0] for row in rows[1:]} == {cases["step5"].status().number, cases["done"].status().number}
    assert all(isinstance(row[15], int) for row in rows[1:])  # 連携事業数 stays a number


def test_a_value_starting_with_equals_is_text_in_both_formats(as_user, engine):
    at_step_5(engine, "shonan")
    with engine.unit_of_work() as session:  # the proposal title is what a partner typed
        session.execute(update(Case).values(title="=HYPERLINK(\"http://example.invalid\")"))
    client = as_user("kanri")
    [_, row] = read_csv(client.get("/board/export.csv"))
    assert row[1].startswith("'=")
    sheet = load_workbook(io.BytesIO(client.get("/board/export.xlsx").get_data()))["案件一覧"]
    cell = sheet["B2"]
    assert (cell.value, cell.data_type) == ("=HYPERLINK(\"http://example.invalid\")", "s")


def test_the_figures_export_every_table(as_user, cases):
    client = as_user("seisaku")
    heading, *years = read_csv(client.get("/board/figures.csv?table=years"))
    assert heading == ["年度", "開始", "包括連携協定を締結", "個別協定へ移行", "取り下げ", "連携に至らず"]
    assert years[0][1:3] == ["3", "1"]
    workbook = load_workbook(io.BytesIO(client.get("/board/figures.xlsx").get_data()))
    assert workbook.sheetnames == ["年度別の件数", "手順別の所要日数", "分類別の連携事業数", "担当課別の連携事業数"]
    categories = {row[0]: row[1:] for row in list(workbook["分類別の連携事業数"].values)[1:]}
    assert categories["⑤ 環境・自然"] == (5, 2)


def test_a_bad_export_parameter_is_refused_with_its_name(as_user, cases):
    client = as_user("kanri")
    response = client.get("/board/figures.csv?table=unknown")
    assert response.status_code == 422 and "表「unknown」はありません" in response.get_data(as_text=True)
    assert client.get("/board/export.csv?step=9").status_code == 422


def test_an_organisation_exports_only_its_own_cases(as_user, cases):
    _, *rows = read_csv(as_user("mirai").get("/board/export.csv"))
    assert [row[0] for row in rows] == [cases["step2"].status().number]
    assert as_user("mirai").get("/board/figures.xlsx").status_code == 403
