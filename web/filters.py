"""Jinja filters for how dates, waiting times and counts read to a clerk (令和 dates, Japan time, 「件以上」)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from flask import Flask
from markupsafe import Markup, escape

from engine.domain.guideline import CATEGORIES, OUTCOMES
from engine.domain.japan_time import JAPAN
from engine.domain.wareki import format_wareki
from engine.paging import exact, shown_total


def wareki(value: date | datetime | str | None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = value.astimezone(JAPAN).date()
    return format_wareki(value)


def wareki_time(value: datetime | None) -> str:
    if value is None:
        return ""
    local = value.astimezone(JAPAN)
    return f"{format_wareki(local.date())} {local:%H:%M}"


def iso_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(JAPAN).date()
    return value.isoformat()


def waiting(value: datetime | None) -> str:
    """How long something has waited, in the unit a clerk would say."""
    if value is None:
        return ""
    delta = datetime.now(UTC) - value
    if delta.days >= 1:
        return f"{delta.days}日"
    hours = delta.seconds // 3600
    return f"{hours}時間" if hours else f"{max(delta.seconds // 60, 0)}分"


def overdue(value: datetime | None) -> bool:
    """A task whose due moment has passed (reminders from the agreement lifecycle, R-6.2)."""
    return value is not None and value < datetime.now(UTC)


_IDENTIFIER = re.compile(r"\b[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+\b")


def ids_as_code(text: str | None) -> Markup:
    """Plain engine text that names BPMN elements by id (「④ 協議（consult_feasibility）」) with each id shown as
    code: the process owners' pages show ids on purpose, marked up so they read as ids, not as words."""
    escaped = str(escape(text or ""))
    return Markup(_IDENTIFIER.sub(lambda m: f"<code>{m.group(0)}</code>", escaped))


def kensu(total: int | None, unit: str = "件") -> str:
    """A count from engine.paging (a list's total, a tab, a kanban column): 「234件」, or 「1,000件以上」
    past the cap, where counting stops."""
    total = total or 0
    return f"{shown_total(total):,}{unit}" + ("" if exact(total) else "以上")


def badge(total: int) -> str:
    """The menu's number: 「234」, or 「1,000+」 past the count cap."""
    return f"{shown_total(total):,}" + ("" if exact(total) else "+")


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(wareki=wareki, wareki_time=wareki_time, iso_date=iso_date, waiting=waiting,
                                 overdue=overdue, ids_as_code=ids_as_code, kensu=kensu, badge=badge)
    app.jinja_env.globals.update(CATEGORIES=CATEGORIES, OUTCOMES=OUTCOMES)
