"""The board's filters: parsed from a URL's query string (the page and GET /api/cases share them) into SQL.

Parsing is pure (no database), so a view can show every bad parameter next to its field and an API
client gets all of them at once. The conditions use the indexed board columns of ``case_record`` and
the indexes of ``human_task`` and ``project``; no workflow is read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, literal, or_, select

from engine.access import Actor, readable_cases
from engine.board.steps import COLUMNS, END_COLUMNS, OTHER, OVERDUE_AFTER, RUNNING_COLUMNS, STATUSES
from engine.domain.guideline import Lane
from engine.paging.keyset import DEFAULT_LIMIT, Key, parse
from engine.persistence.models import Case, Department, HumanTask, Organisation, ProcessVersion, Project
from engine.persistence.models.human_task import READY

SORTS: dict[str, str] = {
    "number": "案件番号", "organisation": "企業等", "step": "工程", "waiting_since": "待ち始め",
    "started_at": "開始日", "projects": "連携事業数", "fiscal_year": "年度",
}
VIEWS = ("table", "kanban")
ANY_PROCESS = "*"  # for the engine's own lists (a case page, the heat view): every process, not only proposals
_TRUE = {"1", "true", "on", "yes"}


@dataclass(frozen=True)
class BoardQuery:
    step: str | None = None
    process: str | None = None
    lane: str | None = None
    department: str | None = None  # department code
    organisation: int | None = None
    status: str | None = None
    fiscal_year: int | None = None
    overdue: bool = False
    timer_failed: bool = False  # only cases whose timer failed and waits for a retry
    sort: str = "waiting_since"
    descending: bool = False
    page: int = 1
    per_page: int = DEFAULT_LIMIT
    view: str = "table"


def _integer(params: Mapping[str, str], name: str, label: str, low: int, high: int, errors: dict[str, str]):
    text = (params.get(name) or "").strip()
    if not text:
        return None
    if not text.isdecimal() or not low <= int(text) <= high:
        errors[name] = f"{label}は{low}〜{high}の半角数字で指定してください（「{text}」は使えません）"
        return None
    return int(text)


def _choice(params: Mapping[str, str], name: str, label: str, allowed, errors: dict[str, str]) -> str | None:
    text = (params.get(name) or "").strip()
    if text and text not in allowed:
        errors[name] = f"{label}「{text}」はありません。一覧から選んでください"
        return None
    return text or None


def _per_page(params: Mapping[str, str], errors: dict[str, str]) -> int:
    """Clamped to 1–500 like every list's page size (engine.paging); text that is no number is an error."""
    limit, _, problems = parse(params, "per_page")
    errors.update({name: message for name, message in problems.items() if name == "per_page"})
    return limit


def parse_query(params: Mapping[str, str]) -> tuple[BoardQuery, dict[str, str]]:
    """The query and, per parameter, a message naming what is wrong (bad parameters are left out)."""
    errors: dict[str, str] = {}
    department = (params.get("department") or "").strip() or None
    if department is not None and (len(department) > 50 or not department.replace("_", "").isalnum()):
        errors["department"] = f"課のコード「{department}」は使えません。一覧から選んでください"
        department = None
    sort = (params.get("sort") or "waiting_since").strip()
    if sort.lstrip("-") not in SORTS:
        errors["sort"] = f"並べ替え「{sort}」はできません（{'、'.join(SORTS.values())}のいずれか）"
        sort = "waiting_since"
    process = (params.get("process") or "").strip() or None
    if process is not None and (len(process) > 100 or not process.replace("_", "").isalnum()):
        errors["process"] = f"プロセス「{process}」はありません。一覧から選んでください"
        process = None
    query = BoardQuery(
        step=_choice(params, "step", "工程", COLUMNS, errors),
        process=process,
        lane=_choice(params, "lane", "待ち先のレーン", {lane.value for lane in Lane}, errors),
        department=department,
        organisation=_integer(params, "organisation", "企業等", 1, 10**9, errors),
        status=_choice(params, "status", "状態", STATUSES, errors),
        fiscal_year=_integer(params, "fiscal_year", "年度", 2019, 2100, errors),
        overdue=(params.get("overdue") or "").strip().lower() in _TRUE,
        timer_failed=(params.get("timer_failed") or "").strip().lower() in _TRUE,
        sort=sort.lstrip("-"),
        descending=sort.startswith("-") or (params.get("order") or "").strip() == "desc",
        page=_integer(params, "page", "ページ", 1, 100000, errors) or 1,
        per_page=_per_page(params, errors),
        view=_choice(params, "view", "表示", VIEWS, errors) or "table",
    )
    return query, errors


def visible(actor: Actor) -> ColumnElement[bool]:
    """The cases this person may read (engine.access.readable_cases)."""
    return readable_cases(actor)


def proposals() -> ColumnElement[bool]:
    """Cases of processes people start (proposals), not those the engine starts (an agreement's lifecycle).
    The board shows these unless a process is chosen; the figures count these per year."""
    return Case.process_version_id.in_(select(ProcessVersion.id).where(ProcessVersion.starts_cases))


def column_of() -> ColumnElement[str]:
    """A running case's column is its step; a finished case's is its outcome (その他 for other processes')."""
    return case((Case.status == "running", Case.board_step), (Case.outcome.in_(list(END_COLUMNS)), Case.outcome),
                else_=literal(OTHER))


def _waiting_on(*conditions) -> ColumnElement[bool]:
    """Uncorrelated ``IN (SELECT case_id …)``: computed once from an index, not once per case row."""
    return Case.id.in_(select(HumanTask.case_id).where(HumanTask.state == READY, *conditions))


def conditions(query: BoardQuery, now: datetime) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if query.step == OTHER:
        found.append(column_of() == OTHER)
    elif query.step in RUNNING_COLUMNS:
        found.append(and_(Case.status == "running", Case.board_step == query.step))
    elif query.step in END_COLUMNS:
        found.append(and_(Case.status != "running", Case.outcome == query.step))
    # Without a chosen process the board lists proposals; failed timers are looked for in every process
    # (most timers wait in agreements' lifecycles, which are not proposals).
    if query.process and query.process != ANY_PROCESS:
        found.append(Case.process_id == query.process)
    elif not query.process and not query.timer_failed:
        found.append(proposals())
    if query.lane:
        found.append(_waiting_on(HumanTask.lane == query.lane))
    if query.department:
        department = select(Department.id).where(Department.code == query.department).scalar_subquery()
        found.append(or_(_waiting_on(HumanTask.department_id == department),
                         Case.id.in_(select(Project.case_id).where(Project.removed.is_(False),
                                                                   Project.department_id == department))))
    if query.organisation:
        found.append(Case.organisation_id == query.organisation)
    if query.status:
        found.append(Case.status == query.status)
    if query.fiscal_year:
        found.append(Case.fiscal_year == query.fiscal_year)
    if query.overdue:
        found.append(and_(Case.status == "running", Case.waiting_since <= now - OVERDUE_AFTER))
    if query.timer_failed:
        found.append(and_(Case.status == "running", Case.timer_error.is_not(None)))
    return found


def keys(query: BoardQuery) -> list[Key]:
    """The board's order as paging keys (engine.paging), the case id last so that equal values page cleanly.
    Cases that wait on nobody (finished) have no 待ち始め and go last either way."""
    step_order = case({key: index for index, key in enumerate(COLUMNS)}, value=column_of(), else_=len(COLUMNS))
    key = {
        "number": Case.id, "organisation": Organisation.name, "step": step_order,
        "waiting_since": Case.waiting_since, "started_at": Case.started_at, "projects": Case.project_count,
        "fiscal_year": Case.fiscal_year,
    }[query.sort]
    if query.sort == "number":
        return [Key(Case.id, query.descending)]
    if query.sort == "waiting_since":  # the id keeps its own order, as the list always had
        return [Key(key, query.descending), Key(Case.id)]
    return [Key(key, query.descending, nullable=False if query.sort == "step" else None),
            Key(Case.id, query.descending)]
