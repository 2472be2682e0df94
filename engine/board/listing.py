"""The board's rows: one query over ``case_record`` for a page of cases, one over ``human_task`` for whom
they wait for. Never a workflow: 10,000 cases answer from indexes."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, aliased

from engine.access import Actor, is_city_staff, sees_city_data
from engine.board.filters import BoardQuery, column_of, conditions, ordering, visible
from engine.board.steps import COLUMNS, END_COLUMNS, OTHER, OVERDUE_AFTER, STATUSES, WAITING, column_label
from engine.board.views import BoardOptions, BoardPage, BoardRow, KanbanColumn, Option, Waiting
from engine.cases.views import TimerProblem
from engine.domain.guideline import Lane
from engine.persistence.models import Case, Department, HumanTask, Organisation, ProcessVersion, UserAccount
from engine.persistence.models.human_task import READY

KANBAN_CARDS = 20  # cards drawn per column; the column's count and a link to its full list show the rest
_Claimant = aliased(UserAccount)


def _case_query(actor: Actor, query: BoardQuery, now: datetime, extra: list[ColumnElement[bool]] | None = None):
    return (select(Case, Organisation.name).join(Organisation, Case.organisation_id == Organisation.id)
            .where(visible(actor), *conditions(query, now), *(extra or [])))


def count(session: Session, actor: Actor, query: BoardQuery, now: datetime,
          extra: list[ColumnElement[bool]] | None = None) -> int:
    inner = _case_query(actor, query, now, extra).with_only_columns(Case.id).subquery()
    return session.scalar(select(func.count()).select_from(inner)) or 0


def rows(session: Session, actor: Actor, query: BoardQuery, now: datetime,
         extra: list[ColumnElement[bool]] | None = None, limit: int | None = None, offset: int = 0) -> list[BoardRow]:
    statement = _case_query(actor, query, now, extra).order_by(*ordering(query)).offset(offset)
    if limit is not None:
        statement = statement.limit(limit)
    found = session.execute(statement).all()
    waiting = _waiting(session, [case.id for case, _ in found])
    staff = is_city_staff(actor)  # a timer's failure is the city's to look into
    return [_row(case, organisation, waiting.get(case.id, []), now, staff, sees_city_data(actor))
            for case, organisation in found]


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


def _row(case: Case, organisation: str, waiting: list[Waiting], now: datetime, staff: bool,
         internal: bool) -> BoardRow:
    running = case.status == "running"
    column = (case.board_step if running else case.outcome if case.outcome in END_COLUMNS else OTHER) or ""
    return BoardRow(
        id=case.id, number=case.number or "", title=case.title, organisation_name=organisation,
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
    """Every column with its count and its first cards; 待機中 and その他 are left out when empty."""
    column = column_of()
    counts = dict(session.execute(
        select(column, func.count()).select_from(Case).join(Organisation, Case.organisation_id == Organisation.id)
        .where(visible(actor), *conditions(query, now)).group_by(column)).all())
    shown = []
    for key, label in COLUMNS.items():
        if key in (WAITING, OTHER) and not counts.get(key):
            continue
        cards = rows(session, actor, query, now, [column == key], limit=KANBAN_CARDS) if counts.get(key) else []
        shown.append(KanbanColumn(key, label, counts.get(key, 0), cards))
    return shown


def options(session: Session, actor: Actor) -> BoardOptions:
    organisations = session.execute(
        select(Organisation.id, Organisation.name).where(
            Organisation.id.in_(select(Case.organisation_id).where(visible(actor)).distinct()))
        .order_by(Organisation.name)).all()
    years = session.scalars(select(Case.fiscal_year).where(visible(actor), Case.fiscal_year.is_not(None)).distinct()
                            .order_by(Case.fiscal_year.desc())).all()
    processes = session.execute(
        select(ProcessVersion.process_id, func.max(ProcessVersion.name)).where(
            ProcessVersion.process_id.in_(select(Case.process_id).where(visible(actor)).distinct()))
        .group_by(ProcessVersion.process_id).order_by(ProcessVersion.process_id)).all()
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


def page(session: Session, actor: Actor, query: BoardQuery, now: datetime) -> BoardPage:
    total = count(session, actor, query, now)
    if query.view == "kanban":
        return BoardPage([], total, 1, query.per_page, options(session, actor), kanban(session, actor, query, now))
    found = rows(session, actor, query, now, limit=query.per_page, offset=(query.page - 1) * query.per_page)
    return BoardPage(found, total, query.page, query.per_page, options(session, actor))
