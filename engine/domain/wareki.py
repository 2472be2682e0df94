"""Japanese era dates (和暦) as clerks read and type them.

The UI shows 令和N年M月D日 and accepts the usual ways of typing a date in a Japanese office
(2025/6/15, 2025年6月15日, 令和7年6月15日, R7.6.15, full-width digits).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

# (era name, short letter, first day). Only eras a current record can fall in.
ERAS = (
    ("令和", "R", date(2019, 5, 1)),
    ("平成", "H", date(1989, 1, 8)),
    ("昭和", "S", date(1926, 12, 25)),
)

_ERA_DATE = re.compile(r"^(令和|平成|昭和|[RHS])\s*(元|\d{1,2})\s*[年.\-/]\s*(\d{1,2})\s*[月.\-/]\s*(\d{1,2})\s*日?$")
_WESTERN_DATE = re.compile(r"^(\d{4})\s*[年.\-/]\s*(\d{1,2})\s*[月.\-/]\s*(\d{1,2})\s*日?$")


class DateInputError(ValueError):
    """The text is not a date a clerk would mean."""


def era_of(day: date) -> tuple[str, int]:
    for name, _letter, first_day in ERAS:
        if day >= first_day:
            return name, day.year - first_day.year + 1
    raise ValueError(f"{day.isoformat()} is before 昭和")


def format_wareki(day: date) -> str:
    """2025-06-15 → 令和7年6月15日; the first year of an era is written 元年."""
    name, year = era_of(day)
    year_text = "元" if year == 1 else str(year)
    return f"{name}{year_text}年{day.month}月{day.day}日"


def parse_date_input(text: str) -> date:
    """Reads a typed date; raises DateInputError with a message fit for the form."""
    normal = unicodedata.normalize("NFKC", text or "").strip()
    if not normal:
        raise DateInputError("日付を入力してください")
    try:
        if match := _WESTERN_DATE.match(normal):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if match := _ERA_DATE.match(normal):
            era = next(e for e in ERAS if match[1] in (e[0], e[1]))
            era_year = 1 if match[2] == "元" else int(match[2])
            day = date(era[2].year + era_year - 1, int(match[3]), int(match[4]))
            if day < era[2]:
                raise DateInputError(f"{era[0]}{match[2]}年{match[3]}月{match[4]}日は存在しない日付です")
            return day
    except ValueError as error:
        if isinstance(error, DateInputError):
            raise
        raise DateInputError("存在しない日付です") from error
    raise DateInputError("日付は「2025-06-15」「2025/6/15」「令和7年6月15日」のように入力してください")
