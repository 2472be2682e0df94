"""The board and the figures as files a clerk opens in Excel: CSV (UTF-8 with BOM) and .xlsx, Japanese headings.

Values come from partners' input, so neither format may turn a cell into a formula: the CSV goes
through engine.csv_export (which neutralises a leading ``=``), and every .xlsx cell is written as text
or as a number, never as a formula.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from flask import Response
from openpyxl import Workbook
from openpyxl.styles import Font

from engine.board import STATUSES, BoardRow, Figures, fiscal_year_label
from engine.csv_export import csv_text
from engine.domain.guideline import OUTCOMES
from web.filters import wareki, wareki_time

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    headings: Sequence[str]
    rows: list[list[Any]]


def _waiting_for(row: BoardRow) -> str:
    return " / ".join(f"{w.lane}：{w.party or ''}{f'（{w.person}）' if w.person else ''}" for w in row.waiting)


def _days(moment: datetime | None, now: datetime) -> int | None:
    return None if moment is None else (now - moment).days


def board_table(rows: list[BoardRow], now: datetime | None = None) -> Table:
    now = now or datetime.now().astimezone()
    headings = ["案件番号", "提案名", "企業等", "工程", "進行中の手順", "並行の進み具合", "待ち先", "待ち始め", "待ち日数",
                "滞留", "開始日", "終了日", "状態", "結果", "年度", "連携事業数", "分類数", "自動処理の失敗"]
    body = [[
        row.number, row.title, row.organisation_name, row.column_label, "、".join(row.active_steps),
        f"{row.parallel_total}件中{row.parallel_done}件完了" if row.parallel_total else "",
        _waiting_for(row), wareki_time(row.waiting_since), _days(row.waiting_since, now),
        "滞留" if row.overdue else "", wareki(row.started_at), wareki(row.ended_at),
        STATUSES.get(row.status, row.status), OUTCOMES.get(row.outcome or "", ""),
        fiscal_year_label(row.fiscal_year) if row.fiscal_year else "", row.project_count, row.category_count,
        f"{row.timer_problem.attempts}回：{row.timer_problem.error}" if row.timer_problem else "",
    ] for row in rows]
    return Table("board", "案件一覧", headings, body)


def _days_text(seconds: float) -> float:
    return round(seconds / 86400, 1)


def figure_tables(figures: Figures) -> list[Table]:
    return [
        Table("years", "年度別の件数", ["年度", "開始", "包括連携協定を締結", "個別協定へ移行", "取り下げ", "連携に至らず"],
              [[fiscal_year_label(y.fiscal_year), y.started, y.concluded, y.fell_back, y.withdrawn, y.no_partnership]
               for y in figures.years]),
        Table("steps", "手順別の所要日数", ["手順", "完了件数", "中央値（日）", "最長（日）"],
              [[s.step, s.completed, _days_text(s.median_seconds), _days_text(s.longest_seconds)]
               for s in figures.steps]),
        Table("categories", "分類別の連携事業数", ["分類", "提案された事業", "連携事業として計上"],
              [[c.label, c.proposed, c.counted] for c in figures.categories]),
        Table("departments", "担当課別の連携事業数", ["担当課", "提案された事業", "連携事業として計上"],
              [[d.label, d.proposed, d.counted] for d in figures.departments]),
    ]


def _disposition(name: str, suffix: str) -> str:
    """RFC 6266: an ASCII fallback and the Japanese name for browsers that read filename*."""
    return f"attachment; filename=\"renkei.{suffix}\"; filename*=UTF-8''{quote(name)}.{suffix}"


def csv_response(table: Table, name: str) -> Response:
    text = csv_text(table.headings, table.rows)
    return Response(text.encode("utf-8"), mimetype="text/csv",
                    headers={"Content-Disposition": _disposition(name, "csv"), "Content-Type": "text/csv; charset=utf-8"})


def xlsx_response(tables: list[Table], name: str) -> Response:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in tables:
        sheet = workbook.create_sheet(table.title[:31])
        sheet.append(list(table.headings))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for values in table.rows:
            sheet.append([_cell(value) for value in values])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # openpyxl would otherwise read a leading "=" as a formula
        for index, heading in enumerate(table.headings, start=1):
            sheet.column_dimensions[sheet.cell(1, index).column_letter].width = max(10, len(heading) * 2 + 2)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return Response(buffer.getvalue(), mimetype=XLSX, headers={"Content-Disposition": _disposition(name, "xlsx")})


def _cell(value: Any) -> Any:
    return "" if value is None else value
