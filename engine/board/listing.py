"""The board's rows: one query over ``case_record`` for a page of cases, one over ``human_task`` for whom
they wait for. Never a workflow: 10,000 cases answer from indexes."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, aliased

from engine.access import Actor, Role, is_city_staff, sees_city_data
from engine.board.filters import BoardQuery, conditions, keys, visible
from engine.board.steps import COLUMNS, END_COLUMNS, OTHER, OVERDUE_AFTER, STATUSES, WAITING, column_label
from engine.board.views import BoardOptions, BoardPage, BoardRow, KanbanColumn, Option, Waiting
from engine.cases import choices
from engine.cases.views import TimerProblem
from engine.domain.guideline import Lane
from engine.paging import keyset as paging
from engine.paging.keyset import Page, PageRequest
from engine.persistence.models import Case, Department, HumanTask, Organisation, UserAccount
from engine.persistence.models.human_task import READY

KANBAN_CARDS = 20  # cards drawn per column; the column's count and a link to its full list show the rest
_Claimant = aliased(UserAccount)


_COLUMNS = (Case.id, Case.number, Case.title, Case.process_id, Case.status, Case.outcome, Case.board_step,
            Case.active_steps, Case.parallel_done, Case.parallel_total, Case.waiting_since, Case.started_at,
            Case.ended_at, Case.fiscal_year, Case.project_count, Case.category_count, Case.timer_attempts,
            Case.timer_error, Case.timer_retry_at, Organisation.name.label("organisation_name"))
EXPORT_CHUNK = 1000  # rows read (and their open tasks looked up) at a time by an export


def _case_query(actor: Actor, query: BoardQuery, now: datetime, extra: list[ColumnElement[bool]] | None = None):
    """Columns, not ``Case`` entities: a row of the board never needs the case's workflow or relations."""
    return (select(*_COLUMNS).select_from(Case).join(Organisation, Case.organisation_id == Organisation.id)
            .where(visible(actor), *conditions(query, now), *(extra or [])))


def count(session: Session, actor: Actor, query: BoardQuery, now: datetime,
          extra: list[ColumnElement[bool]] | None = None) -> int:
    return paging.count(session, _case_query(actor, query, now, extra))


def _builder(session: Session, actor: Actor, now: datetime, found: list) -> list[BoardRow]:
    waiting = _waiting(session, [row.id for row in found])
    staff, internal = is_city_staff(actor), sees_city_data(actor)  # a failed timer is the city's to look into
    return [_row(row, waiting.get(row.id, []), now, staff, internal) for row in found]


def rows(session: Session, actor: Actor, query: BoardQuery, now: datetime,
         extra: list[ColumnElement[bool]] | None = None, limit: int | None = None) -> list[BoardRow]:
    """Every row the filters select (or the first ``limit``), unpaged: exports, a case's own row, the heat
    view's list. Read in chunks, each with one lookup of its open tasks."""
    statement = _case_query(actor, query, now, extra).order_by(*(k.order(False) for k in keys(query)))
    if limit is not None:
        statement = statement.limit(limit)
    found: list[BoardRow] = []
    for chunk in session.execute(statement.execution_options(yield_per=EXPORT_CHUNK)).partitions():
        found += _builder(session, actor, now, list(chunk))
    return found


def rows_page(session: Session, actor: Actor, query: BoardQuery, now: datetime, cursor: str | None = None,
              extra: list[ColumnElement[bool]] | None = None, total: int | None = None) -> Page[BoardRow]:
    """A page of the board in its sort order (engine.paging); ``page=`` without a cursor jumps by offset."""
    request = PageRequest(limit=query.per_page, offset=(query.page - 1) * query.per_page)
    found = paging.fetch(session, _case_query(actor, query, now, extra), keys(query), request,
                         f"board:{query.sort}:{int(query.descending)}", lambda row: row, cursor,
                         count(session, actor, query, now, extra) if total is None else total)
    return replace(found, items=_builder(session, actor, now, found.items))


def _waiting(session: Session, case_ids: list[int]) -> dict[int, list[Waiting]]:
    """Open tasks of these cases, grouped by who they wait for (three ⑤ tasks of one 課 are one entry)."""
    if not case_ids:
        return {}
    found = session.execute(
        select(HumanTask.case_id, HumanTask.lane, HumanTask.name, HumanTask.created_at, Department.name,
               Organisation.name, _Claimant.display_name)
        .outerjoin(Department, HumanTask.department_id == Department.id)
        .outerjoin(Organisation, HumanTask.organisation_id == Organisation.id)
        .outerjoin(_Claimant, HumanTask.claimed_by_id == _Claimant.id)
        .where(HumanTask.case_id.in_(case_ids), HumanTask.state == READY)
        .order_by(HumanTask.created_at))
    groups: dict[int, dict[tuple, list]] = defaultdict(dict)
    for case_id, lane, name, created_at, department, organisation, person in found:
        key = (lane, department or organisation, person)
        entry = groups[case_id].setdefault(key, [created_at, [], 0])
        entry[1] += [name] if name not in entry[1] else []
        entry[2] += 1
    return {case_id: [Waiting(lane, party, person, since, steps, tasks)
                      for (lane, party, person), (since, steps, tasks) in by_party.items()]
            for case_id, by_party in groups.items()}


def _row(case, waiting: list[Waiting], now: datetime, staff: bool,
         internal: bool) -> BoardRow:
    running = case.status == "running"
    column = (case.board_step if running else case.outcome if case.outcome in END_COLUMNS else OTHER) or ""
    return BoardRow(
        id=case.id, number=case.number or "", title=case.title, organisation_name=case.organisation_name,
        process_id=case.process_id, status=case.status, outcome=case.outcome, column=column,
        column_label=column_label(column), active_steps=list(case.active_steps or []) if running else [],
        parallel_done=case.parallel_done if running else None, parallel_total=case.parallel_total if running else None,
        waiting=waiting if running else [], waiting_since=case.waiting_since if running else None,
        started_at=case.started_at, ended_at=case.ended_at, fiscal_year=case.fiscal_year,
        # R-3.3/R-3.4 counts follow ⑤'s exclusions, the city's judgement (engine.access.sees_city_data)
        project_count=(case.project_count or 0) if internal else None,
        category_count=(case.category_count or 0) if internal else None,
        overdue=bool(running and case.waiting_since and case.waiting_since <= now - OVERDUE_AFTER),
        timer_problem=TimerProblem(case.timer_attempts, case.timer_error, case.timer_retry_at)
        if running and staff and case.timer_error else None,
    )


def kanban(session: Session, actor: Actor, query: BoardQuery, now: datetime) -> list[KanbanColumn]:
    """Every column with its count (capped: engine.paging.count) and its first cards; 待機中 and その他 are
    left out when empty. Each column is read as the step filter's indexed conditions (board_step, outcome), not as
    a CASE expression over every visible case."""
    shown = []
    for key, label in COLUMNS.items():
        column = replace(query, step=key, per_page=KANBAN_CARDS, page=1)
        counted = count(session, actor, column, now) if query.step in ("", None, key) else 0
        if key in (WAITING, OTHER) and not counted:
            continue
        cards = rows_page(session, actor, column, now, total=counted).items if counted else []
        shown.append(KanbanColumn(key, label, counted, cards))
    return shown


def options(session: Session, actor: Actor) -> BoardOptions:
    """The filter choices from what stays small however many cases there are (engine.cases.choices), and every
    fiscal year from the first to the last (two index reads) instead of the years found among the cases."""
    own = [Case.organisation_id == actor.organisation_id] if actor.role is Role.ORGANISATION else []
    # two statements: SQLite reads min() or max() from an index's end only when the query asks for one of them
    first = session.scalar(select(func.min(Case.fiscal_year)).where(*own))
    last = session.scalar(select(func.max(Case.fiscal_year)).where(*own))
    years = list(range(last, first - 1, -1)) if first is not None else []
    processes: dict[str, str] = {}
    for version in choices.versions(session):  # by id: a process is named as its latest version names it
        processes[version.process_id] = version.name
    processes = sorted(processes.items())
    organisations = choices.organisations(session, actor)
    departments = [] if not is_city_staff(actor) else session.execute(
        select(Department.code, Department.name).where(Department.active).order_by(Department.id)).all()
    return BoardOptions(
        steps=[Option(key, label) for key, label in COLUMNS.items()],
        processes=[Option(process_id, name) for process_id, name in processes],
        lanes=[Option(lane.value, lane.value) for lane in Lane],
        departments=[Option(code, name) for code, name in departments],
        organisations=[Option(str(i), name) for i, name in organisations],
        statuses=[Option(key, label) for key, label in STATUSES.items()],
        fiscal_years=[Option(str(year), fiscal_year_label(year)) for year in years],
    )


def fiscal_year_label(year: int) -> str:
    """2025 → 令和7年度 (fiscal years begin in April, so 2019 is 令和元年度)."""
    era_year = year - 2018
    return f"令和{'元' if era_year == 1 else era_year}年度" if era_year >= 1 else f"{year}年度"


def page(session: Session, actor: Actor, query: BoardQuery, now: datetime,
         cursor: str | None = None) -> BoardPage:
    if query.view == "kanban":
        total = count(session, actor, query, now)
        return BoardPage(paging.empty(PageRequest(query.per_page)), options(session, actor),
                         kanban(session, actor, query, now), total)
    return BoardPage(rows_page(session, actor, query, now, cursor), options(session, actor))
