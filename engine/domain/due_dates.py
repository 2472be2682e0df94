"""When a user task is due: the ``due_dates`` variable of the process data (docs/process-data.md).

A process that wants reminders sets ``due_dates = {"<user task id>": "<ISO date>"}``; the task is due by the
end of that day in Japan and the inbox marks it overdue after that. A bad value means no due date (the
task still works), never a failing step.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any

from engine.domain.japan_time import JAPAN


def due_moment(day: date) -> datetime:
    """A task due on a day is overdue once that day has ended in Japan."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=JAPAN)


def task_due_at(data: Mapping[str, Any], bpmn_id: str) -> datetime | None:
    due_dates = data.get("due_dates")
    value = due_dates.get(bpmn_id) if isinstance(due_dates, Mapping) else None
    if not isinstance(value, str):
        return None
    try:
        return due_moment(date.fromisoformat(value))
    except ValueError:
        return None
