"""集計: cases per fiscal year, time spent per step, projects per category and per department.

Everything is counted in SQL over indexed columns (no workflow is read). Fiscal years are computed in
SQL from timestamps with a CASE over the April boundaries (Japan time), which SQLite and PostgreSQL read
alike; the median comes from window functions, so it needs no database-specific percentile function.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Float, case, cast, func, literal, select
from sqlalchemy.orm import Session

from engine.board.filters import proposals
from engine.board.steps import MARKS
from engine.board.views import CountRow, Figures, StepDuration, YearFigures
from engine.domain.guideline import CATEGORIES
from engine.domain.japan_time import JAPAN
from engine.domain.validity import fiscal_year
from engine.persistence.models import Case, Department, HumanTask, Project
from engine.persistence.models.human_task import COMPLETED


def _fiscal_year_start(year: int) -> datetime:
    return datetime(year, 4, 1, tzinfo=JAPAN)


def fiscal_year_column(column, years: range) -> ColumnElement[int]:
    """The fiscal year a timestamp falls in, for timestamps within ``years``."""
    return case(*[(column < _fiscal_year_start(year + 1), literal(year)) for year in years], else_=literal(None))


def _year_range(session: Session) -> range | None:
    bounds = session.execute(select(func.min(Case.started_at), func.max(Case.started_at), func.max(Case.ended_at),
                                    func.max(Case.fell_back_at))).one()
    if bounds[0] is None:
        return None
    first, last = bounds[0], max(moment for moment in bounds[1:] if moment is not None)
    return range(fiscal_year(first.astimezone(JAPAN).date()), fiscal_year(last.astimezone(JAPAN).date()) + 1)


def per_year(session: Session) -> list[YearFigures]:
    """Started by the year it started; concluded/withdrawn/連携に至らず by the year it ended; 個別協定へ移行
    (R-5.8) by the year the case entered the fallback. Proposals only."""
    years = _year_range(session)
    if years is None:
        return []
    started = fiscal_year_column(Case.started_at, years)
    ended = fiscal_year_column(Case.ended_at, years)
    fell = fiscal_year_column(Case.fell_back_at, years)
    counts = {year: dict.fromkeys(("started", "concluded", "fell_back", "withdrawn", "no_partnership"), 0)
              for year in years}
    for year, number in session.execute(select(started, func.count()).where(proposals()).group_by(started)):
        counts[year]["started"] = number
    for year, number in session.execute(select(fell, func.count()).where(proposals(), Case.fell_back_at.is_not(None))
                                        .group_by(fell)):
        counts[year]["fell_back"] = number
    ended_query = (select(ended, Case.outcome, func.count()).where(proposals(), Case.ended_at.is_not(None))
                   .group_by(ended, Case.outcome))
    for year, outcome, number in session.execute(ended_query):
        if outcome in ("concluded", "withdrawn", "no_partnership"):
            counts[year][outcome] = number
    return [YearFigures(year, **numbers) for year, numbers in sorted(counts.items(), reverse=True)]


def _seconds(session: Session) -> ColumnElement[float]:
    """completed_at − created_at in seconds: SQLite has no interval type, PostgreSQL has no julianday."""
    if session.get_bind().dialect.name == "sqlite":
        return (func.julianday(HumanTask.completed_at) - func.julianday(HumanTask.created_at)) * 86400.0
    return cast(func.extract("epoch", HumanTask.completed_at - HumanTask.created_at), Float)


def step_durations(session: Session, year: int | None = None) -> list[StepDuration]:
    """Median and longest time from a task becoming ready to its completion, per step (a ⑤ per project)."""
    seconds = _seconds(session).label("seconds")
    partition = (HumanTask.process_id, HumanTask.bpmn_id)
    ranked = (select(HumanTask.process_id, HumanTask.bpmn_id, HumanTask.name, seconds,
                     func.row_number().over(partition_by=partition, order_by=seconds).label("rank"),
                     func.count().over(partition_by=partition).label("n"))
              .join(Case, HumanTask.case_id == Case.id)
              .where(HumanTask.state == COMPLETED, HumanTask.completed_at.is_not(None),
                     *([Case.fiscal_year == year] if year else []))
              .subquery())
    middle = ranked.c.rank.in_([(ranked.c.n + 1) // 2, (ranked.c.n + 2) // 2])
    found = session.execute(
        select(ranked.c.process_id, ranked.c.bpmn_id, func.max(ranked.c.name), func.max(ranked.c.n),
               func.avg(case((middle, ranked.c.seconds))), func.max(ranked.c.seconds))
        .group_by(ranked.c.process_id, ranked.c.bpmn_id))
    steps = [StepDuration(process, bpmn_id, name, int(n), float(median), float(longest))
             for process, bpmn_id, name, n, median, longest in found]
    return sorted(steps, key=lambda s: (s.process_id != "comprehensive_agreement", _mark_order(s.step), s.step))


def _mark_order(name: str) -> int:
    return MARKS.index(name[0]) if name and name[0] in MARKS else len(MARKS)


def _project_counts(session: Session, group, year: int | None):
    """(group, proposed, counted): ``project.counted`` is engine.domain.projects' rule as the projection
    stored it (a project judged 実施する but excluded under R-3.6 is no partnership project, R-3.3/R-3.4)."""
    counted = func.sum(case((Project.counted.is_(True), 1), else_=0))
    return session.execute(
        select(group, func.count(), counted).join(Case, Project.case_id == Case.id)
        .where(Project.removed.is_(False), *([Case.fiscal_year == year] if year else []))
        .group_by(group)).all()


def per_category(session: Session, year: int | None = None) -> list[CountRow]:
    counts = {category: (proposed, counted or 0)
              for category, proposed, counted in _project_counts(session, Project.category, year)}
    return [CountRow(key, label, *counts.get(key, (0, 0))) for key, label in CATEGORIES.items()]


def per_department(session: Session, year: int | None = None) -> list[CountRow]:
    names = {d.id: (d.code, d.name) for d in session.scalars(select(Department).order_by(Department.id))}
    counts = {department: (proposed, counted or 0)
              for department, proposed, counted in _project_counts(session, Project.department_id, year)}
    found = [CountRow(code, name, *counts[key]) for key, (code, name) in names.items() if key in counts]
    if None in counts:
        found.append(CountRow("", "担当課未定", *counts[None]))
    return found


def figures(session: Session, year: int | None = None) -> Figures:
    years = session.scalars(select(Case.fiscal_year).where(Case.fiscal_year.is_not(None)).distinct()
                            .order_by(Case.fiscal_year.desc())).all()
    return Figures(year, per_year(session), step_durations(session, year), per_category(session, year),
                   per_department(session, year), list(years))
