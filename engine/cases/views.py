"""What the engine returns to its callers: plain, typed, read-only values (no ORM objects escape)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class TaskSummary:
    id: str | None  # None only in a case's open tasks, for a task this person may not open (another lane's)
    case_id: int
    case_number: str
    case_title: str
    organisation_name: str
    step: str
    bpmn_id: str
    lane: str
    department_name: str | None
    project_key: str | None
    project_title: str | None
    state: str
    claimed_by: str | None
    claimed_by_id: int | None
    created_at: datetime
    due_at: datetime | None
    completed_at: datetime | None
    completed_by: str | None


@dataclass(frozen=True)
class TaskDetail:
    summary: TaskSummary
    form: dict[str, Any]  # the form-js definition
    data: dict[str, Any]  # the task's current data (context and prefill)
    options: dict[str, list[dict[str, Any]]]  # resolved choice lists for ``valuesKey`` fields
    may_complete: bool
    case_version: int
    may_release: bool = False  # the claim may be returned to the group (engine.access.may_release)


@dataclass(frozen=True)
class ProjectView:
    key: str
    title: str
    category: str | None
    fiscal_year: int | None
    department_name: str | None
    removed: bool
    feasible: bool | None
    implementation: str | None
    exclusions: list[str]  # ⑤'s R-3.6 items: empty for a 企業等 (engine.access.sees_city_data)
    counted: bool | None  # a partnership project (engine.domain.projects.is_counted); None for a 企業等


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    action: str
    step: str | None
    lane: str | None
    actor: str | None
    task_id: str | None  # None also for a task this person may not open (another lane's)
    detail: dict[str, Any]


@dataclass(frozen=True)
class AgreementView:
    id: int
    kind: str
    title: str
    signed_on: date
    valid_from: date | None
    valid_until: date | None
    notice_deadline: date | None
    status: str
    project_key: str | None


@dataclass(frozen=True)
class CaseStatus:
    id: int
    number: str
    title: str
    process_id: str
    process_version: int
    organisation_name: str
    initiated_by: str
    status: str
    outcome: str | None
    started_at: datetime
    ended_at: datetime | None
    active_element_ids: list[str]
    active_steps: list[str]
    open_tasks: list[TaskSummary]
    projects: list[ProjectView]
    agreements: list[AgreementView]
    history: list[HistoryEntry] = field(default_factory=list)
    version: int = 0
    # over ``projects`` (engine.domain.projects): the numbers ⑥ shows 総合政策課
    project_count: int | None = 0  # None for a 企業等: with its projects it would tell which ones ⑤ excluded
    category_count: int | None = 0


@dataclass(frozen=True)
class TimerProblem:
    """A case's timer failed to fire (engine.cases.timers): shown so that someone looks before the retry."""

    attempts: int
    error: str
    retry_at: datetime | None
