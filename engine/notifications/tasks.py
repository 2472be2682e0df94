"""Notices about tasks: a new task for me or my group, a task handed to me, a task due soon or past due.

The new-task notice reacts to the TaskReady domain event, so it is written in the same transaction as
the step that made the task; it is keyed by the task id, so each person hears of a task once.
Due and overdue notices are found by the notification scan (``Notifications.scan``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.events import TaskReady, TaskReassigned
from engine.notifications.kinds import Kind
from engine.notifications.notice import Notice, notify
from engine.notifications.recipients import task_group, task_people
from engine.persistence.models import Case, Department, HumanTask, UserAccount
from engine.persistence.models.human_task import READY


def task_link(task_id: str) -> str:
    return f"/tasks/{task_id}"


def task_context(session: Session, task: HumanTask) -> dict[str, Any]:
    case: Case = task.case
    department = session.get(Department, task.department_id) if task.department_id else None
    return {
        "case_number": case.number or "", "case_title": case.title, "organisation_name": case.organisation.name,
        "step": task.name, "lane": task.lane, "project_title": task.project_title,
        "department_name": department.name if department else None,
        "due_at": task.due_at.isoformat() if task.due_at else None, "task_id": task.id,
    }


def _notice(session: Session, task: HumanTask, kind: Kind, title: str) -> Notice:
    return Notice(kind=kind, key=f"{kind.value}:{task.id}", title=title, link=task_link(task.id),
                  organisation_id=task.case.organisation_id, case_id=task.case_id, task_id=task.id,
                  context=task_context(session, task))


def on_task_reassigned(session: Session, event: TaskReassigned) -> None:
    """The person a task was handed to hears of it (whoever handed it over, and when)."""
    if event.by_id == event.assignee_id:
        return  # taking a task oneself is nothing to be told about
    task = session.get(HumanTask, event.task_id)
    assignee = session.get(UserAccount, event.assignee_id)
    if task is None or task.state != READY or assignee is None or task.claimed_by_id != assignee.id:
        return
    case = task.case
    by = session.get(UserAccount, event.by_id) if event.by_id else None
    notice = _notice(session, task, Kind.TASK_ASSIGNED,
                     f"担当になりました：{task.name}（{case.number} {case.organisation.name}）")
    notice = replace(notice, key=f"{notice.key}:assigned:{assignee.id}:{event.at.isoformat()}",
                     context={**notice.context, "assigned_by": by.display_name if by else None})
    notify(session, notice, [assignee], event.at)


def on_task_ready(session: Session, event: TaskReady) -> None:
    task = session.get(HumanTask, event.task_id)
    if task is None or task.state != READY:
        return
    case = task.case
    title = f"新しいタスク：{task.name}（{case.number} {case.organisation.name}）"
    notify(session, _notice(session, task, Kind.TASK_ASSIGNED, title), task_group(session, task), event.at)


def notify_due_tasks(session: Session, now: datetime, due_soon) -> int:
    """Tasks due within ``due_soon`` and tasks past due, each announced once to whoever holds the task."""
    count = 0
    open_with_due = select(HumanTask).where(HumanTask.state == READY, HumanTask.due_at.is_not(None),
                                            HumanTask.due_at <= now + due_soon).order_by(HumanTask.due_at)
    for task in session.scalars(open_with_due):
        case = task.case
        if task.due_at <= now:
            kind, title = Kind.TASK_OVERDUE, f"期限を過ぎています：{task.name}（{case.number} {case.organisation.name}）"
        else:
            kind, title = Kind.TASK_DUE, f"期限が近づいています：{task.name}（{case.number} {case.organisation.name}）"
        count += len(notify(session, _notice(session, task, kind, title), task_people(session, task), now))
    return count
