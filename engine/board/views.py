"""What the board, the figures and the case page return: plain, read-only values (no ORM objects)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from engine.cases.participation import CaseOrigin, Participation
from engine.cases.views import TimerProblem

if TYPE_CHECKING:
    from engine.paging.keyset import Page


@dataclass(frozen=True)
class Waiting:
    """One party a case waits for: a lane, the department or organisation, the person if claimed."""

    lane: str
    party: str | None
    person: str | None
    since: datetime
    steps: list[str]
    tasks: int


@dataclass(frozen=True)
class BoardRow:
    id: int
    number: str
    title: str
    organisation_name: str
    process_id: str
    status: str
    outcome: str | None
    column: str
    column_label: str
    active_steps: list[str]
    parallel_done: int | None
    parallel_total: int | None
    waiting: list[Waiting]
    waiting_since: datetime | None
    started_at: datetime
    ended_at: datetime | None
    fiscal_year: int | None
    project_count: int | None  # None for a 企業等 (engine.board.listing._row)
    category_count: int | None
    overdue: bool
    timer_problem: TimerProblem | None = None  # its timer failed and waits for a retry (engine.cases.timers)


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True)
class BoardOptions:
    steps: list[Option]
    processes: list[Option]
    lanes: list[Option]
    departments: list[Option]
    organisations: list[Option]
    statuses: list[Option]
    fiscal_years: list[Option]


@dataclass(frozen=True)
class KanbanColumn:
    key: str
    label: str
    count: int
    rows: list[BoardRow]


@dataclass(frozen=True)
class BoardPage:
    listing: Page[BoardRow]  # the table's page with its total and cursors (empty for the kanban)
    options: BoardOptions
    columns: list[KanbanColumn] = field(default_factory=list)  # filled for the kanban view only
    kanban_total: int | None = None  # every case of the kanban's columns

    @property
    def rows(self) -> list[BoardRow]:
        return self.listing.items

    @property
    def total(self) -> int:
        return self.listing.total if self.kanban_total is None else self.kanban_total

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.listing.limit))


@dataclass(frozen=True)
class YearFigures:
    fiscal_year: int
    started: int
    concluded: int
    fell_back: int
    withdrawn: int
    no_partnership: int


@dataclass(frozen=True)
class StepDuration:
    process_id: str
    bpmn_id: str
    step: str
    completed: int
    median_seconds: float
    longest_seconds: float


@dataclass(frozen=True)
class CountRow:
    key: str
    label: str
    proposed: int
    counted: int  # partnership projects: 実施する at ⑤ and not excluded under R-3.6 (engine.domain.projects)


@dataclass(frozen=True)
class Figures:
    fiscal_year: int | None  # the proposal year the step/category/department tables are limited to
    years: list[YearFigures]
    steps: list[StepDuration]
    categories: list[CountRow]
    departments: list[CountRow]
    fiscal_years: list[int]


@dataclass(frozen=True)
class DataField:
    """A submitted value as a person reads it: the form's label, and the value or nested rows/fields."""

    label: str
    value: str | None = None
    kind: str = "text"  # "text" or "date" (the web layer shows dates as 令和)
    fields: list[DataField] = field(default_factory=list)
    rows: list[list[DataField]] = field(default_factory=list)


@dataclass(frozen=True)
class HistoryItem:
    index: int
    at: datetime
    action: str
    action_label: str
    step: str | None
    lane: str | None
    person: str | None
    party: str | None
    process_id: str | None
    bpmn_id: str | None
    project: str | None
    data: list[DataField]
    note: str | None = None


@dataclass(frozen=True)
class ElementState:
    """How far one diagram element got: times completed, open now, and multi-instance progress."""

    bpmn_id: str
    name: str
    completed: int
    active: int
    instances_done: int | None = None
    instances_total: int | None = None
    history: list[int] = field(default_factory=list)  # indexes into CaseDetail.history


@dataclass(frozen=True)
class Diagram:
    process_id: str
    name: str
    xml: str
    elements: dict[str, ElementState]
    called: bool = False


@dataclass(frozen=True)
class CaseDetail:
    row: BoardRow
    process_name: str
    process_version: int
    initiated_by: str
    diagrams: list[Diagram]
    history: list[HistoryItem]
    projects: list[dict[str, Any]]
    participants: list[Participation] = field(default_factory=list)  # ①'s 同席, ④'s 担当課
    origin: CaseOrigin | None = None  # the agreement it was started under


@dataclass(frozen=True)
class HeatStep:
    bpmn_id: str
    name: str
    cases: int
    tasks: int


@dataclass(frozen=True)
class HeatView:
    process_id: str
    name: str
    version: int
    xml: str
    steps: list[HeatStep]
    element: str | None
    element_name: str | None
    rows: list[BoardRow]
    processes: list[Option]
