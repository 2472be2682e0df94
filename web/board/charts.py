"""Bar charts for 集計, drawn as SVG by the app itself (no chart service, no script; city networks are closed).

Every chart is a horizontal grouped bar chart: the label sits on its own line above its bars, so long
category names (R-4) stay whole on narrow screens. The table next to each chart carries the same
numbers for screen readers and for copying.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from engine.board import Figures, fiscal_year_label

WIDTH = 720
LEFT = 8
BAR_AREA = 560  # the longest bar; the value is written after it
LABEL_HEIGHT = 22
BAR_HEIGHT = 18
GAP = 14


@dataclass(frozen=True)
class Series:
    name: str
    css: str  # chart-bar--1 … chart-bar--4 (colours from the design tokens, in board.css)
    values: Sequence[float]


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    css: str
    value: str
    name: str


@dataclass(frozen=True)
class Row:
    label: str
    y: float
    bars: list[Bar]


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    unit: str
    legend: list[Series]
    rows: list[Row]
    height: float
    width: int = WIDTH


def _number(value: float, unit: str) -> str:
    text = f"{value:.1f}" if isinstance(value, float) and not value.is_integer() else f"{int(value)}"
    return f"{text}{unit}"


def bar_chart(key: str, title: str, unit: str, labels: Sequence[str], series: Sequence[Series]) -> Chart:
    top = max([max(s.values, default=0) for s in series] + [0]) or 1
    rows, y = [], 0.0
    for index, label in enumerate(labels):
        label_y = y + 16
        y += LABEL_HEIGHT
        bars = []
        for s in series:
            value = s.values[index]
            bars.append(Bar(LEFT, y, BAR_AREA * value / top, BAR_HEIGHT - 4, s.css, _number(value, unit), s.name))
            y += BAR_HEIGHT
        rows.append(Row(label, label_y, bars))
        y += GAP
    return Chart(key, title, unit, list(series), rows, max(y, 40))


def _days(seconds: float) -> float:
    return round(seconds / 86400, 1)


def for_figures(figures: Figures) -> list[Chart]:
    years = figures.years
    charts = [
        bar_chart("years", "年度別の件数", "件", [fiscal_year_label(y.fiscal_year) for y in years], [
            Series("開始", "chart-bar--1", [y.started for y in years]),
            Series("包括連携協定を締結", "chart-bar--2", [y.concluded for y in years]),
            Series("個別協定へ移行", "chart-bar--3", [y.fell_back for y in years]),
            Series("取り下げ", "chart-bar--4", [y.withdrawn for y in years]),
        ]),
        bar_chart("steps", "手順別の所要日数", "日", [s.step for s in figures.steps], [
            Series("中央値", "chart-bar--1", [_days(s.median_seconds) for s in figures.steps]),
            Series("最長", "chart-bar--4", [_days(s.longest_seconds) for s in figures.steps]),
        ]),
        bar_chart("categories", "分類別の連携事業数（R-4）", "件", [c.label for c in figures.categories], [
            Series("提案された事業", "chart-bar--1", [c.proposed for c in figures.categories]),
            Series("連携事業として計上", "chart-bar--2", [c.counted for c in figures.categories]),
        ]),
        bar_chart("departments", "担当課別の連携事業数", "件", [d.label for d in figures.departments], [
            Series("提案された事業", "chart-bar--1", [d.proposed for d in figures.departments]),
            Series("連携事業として計上", "chart-bar--2", [d.counted for d in figures.departments]),
        ]),
    ]
    return charts
