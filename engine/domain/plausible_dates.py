"""Which dates are plausible: the one home of the date bounds every entry point applies (issue #12, item 4).

A date on which something *happened* (a signing, a notice, a meeting, a 協議) cannot lie after today in Japan
and cannot lie before the thing it belongs to (the case's start, the signing it follows). A *planned* date
cannot lie in the past. Forms, the registration of existing agreements, the CSV import and the engine's own
signing step all ask here, so the page, the API and the CLI refuse the same dates with the same words.

Each function answers ``None`` for a plausible date, or the message a clerk reads next to the field; the
message names the bound in 和暦 (「…以降の日付を入力してください」).
"""

from __future__ import annotations

from datetime import date

from engine.domain.wareki import format_wareki


def happened_error(day: date, *, label: str, today: date, earliest: date | None = None,
                   earliest_label: str = "案件の開始日") -> str | None:
    """``day`` is when something took place: not after ``today`` (Japan), not before ``earliest``."""
    if day > today:
        return f"{label}は今日（{format_wareki(today)}）以前の日付を入力してください"
    if earliest is not None and day < earliest:
        return f"{label}は{earliest_label}（{format_wareki(earliest)}）以降の日付を入力してください"
    return None


def planned_error(day: date, *, label: str, today: date) -> str | None:
    """``day`` is when something is to take place: not before ``today`` (Japan)."""
    if day < today:
        return f"{label}は今日（{format_wareki(today)}）以降の日付を入力してください"
    return None
