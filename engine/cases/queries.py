"""Reading cases and tasks for people: the inbox, one task with its form, one case with its history.

The inbox is one indexed query over ``human_task`` and never loads a workflow; a single task or case
page loads its workflow once (for the form's data and the active diagram elements).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any, Literal
from uuid import UUID

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.orm import Session, aliased

from engine.access import (
    Actor,
    may_complete,
    may_read_task,
    may_release,
    routed_to,
    sees_city_data,
    visible_data,
)
from engine.cases.service import form_options, visible_case, visible_task
from engine.cases.stored import case_workflow
from engine.cases.views import AgreementView, CaseStatus, HistoryEntry, ProjectView, TaskDetail, TaskSummary
from engine.domain.projects import is_counted, tally
from engine.forms.definition import CHOICE_TYPES
from engine.forms.visibility import SharedData
from engine.library.deployment import compiled_version
from engine.paging import keyset as paging
from engine.paging.keyset import Key, Page, PageRequest
from engine.persistence.models import (
    Agreement,
    AuditEvent,
    Case,
    Department,
    HumanTask,
    Organisation,
    Project,
    UserAccount,
)
from engine.persistence.models.human_task import COMPLETED, READY
from engine.workflow.runner import active_element_ids, find_ready_task

InboxView = Literal["mine", "group", "completed", "open"]
_Claimant = aliased(UserAccount)
_Completer = aliased(UserAccount)


def _task_query() -> Select:
    """Columns, not entities: a page of the inbox builds its rows without the ORM's identity map."""
    return (
        select(HumanTask.id, HumanTask.case_id, Case.number, Case.title,
               Organisation.name.label("organisation"), HumanTask.name, HumanTask.bpmn_id, HumanTask.lane,
               Department.name.label("department"), HumanTask.project_key, HumanTask.project_title,
               HumanTask.state, _Claimant.display_name.label("claimant"), HumanTask.claimed_by_id,
               HumanTask.created_at, HumanTask.due_at, HumanTask.completed_at,
               _Completer.display_name.label("completer"))
        .select_from(HumanTask)
        .join(Case, HumanTask.case_id == Case.id)
        .join(Organisation, Case.organisation_id == Organisation.id)
        .outerjoin(Department, HumanTask.department_id == Department.id)
        .outerjoin(_Claimant, HumanTask.claimed_by_id == _Claimant.id)
        .outerjoin(_Completer, HumanTask.completed_by_id == _Completer.id)
    )


def _summary(row) -> TaskSummary:
    return TaskSummary(
        id=row.id, case_id=row.case_id, case_number=row.number or "", case_title=row.title,
        organisation_name=row.organisation, step=row.name, bpmn_id=row.bpmn_id, lane=row.lane,
        department_name=row.department, project_key=row.project_key, project_title=row.project_title,
        state=row.state, claimed_by=row.claimant, claimed_by_id=row.claimed_by_id, created_at=row.created_at,
        due_at=row.due_at, completed_at=row.completed_at, completed_by=row.completer,
    )


def _summaries(rows: Iterable) -> list[TaskSummary]:
    return [_summary(row) for row in rows]


@dataclass(frozen=True)
class TaskFilter:
    """How a clerk narrows and orders the inbox (issue #3 item 4); an empty text does not narrow.

    ``sort`` is a key of SORT_COLUMNS; None keeps the view's own order (longest waiting first, or the
    latest completed first).
    """

    case_number: str = ""
    organisation: str = ""
    step: str = ""
    project: str = ""
    sort: str | None = None
    descending: bool = False

    @property
    def narrows(self) -> bool:
        """Whether any filter takes rows out of the view (the sort only reorders them)."""
        return bool(self.case_number.strip() or self.organisation or self.step or self.project.strip())


SORT_COLUMNS = {
    "case_number": Case.number, "organisation": Organisation.name, "step": HumanTask.name,
    "project": HumanTask.project_title, "waiting": HumanTask.created_at, "due": HumanTask.due_at,
}


def view_condition(actor: Actor, view: InboxView) -> ColumnElement[bool]:
    """Which task rows make up a view: routed to me and claimed by me / unclaimed, or completed by me;
    ``open`` is mine and my group's together (the API's default)."""
    if view == "mine":
        return and_(HumanTask.state == READY, HumanTask.claimed_by_id == actor.user_id, routed_to(actor))
    if view == "group":
        return and_(HumanTask.state == READY, HumanTask.claimed_by_id.is_(None), routed_to(actor))
    if view == "open":
        return and_(HumanTask.state == READY, or_(HumanTask.claimed_by_id == actor.user_id,
                                                  HumanTask.claimed_by_id.is_(None)), routed_to(actor))
    return and_(HumanTask.state == COMPLETED, HumanTask.completed_by_id == actor.user_id)


def _filtered(query: Select, filters: TaskFilter) -> Select:
    if filters.case_number.strip():
        query = query.where(Case.number.contains(filters.case_number.strip(), autoescape=True))
    if filters.organisation:
        query = query.where(Organisation.name == filters.organisation)
    if filters.step:
        query = query.where(HumanTask.name == filters.step)
    if filters.project.strip():
        text = filters.project.strip()
        query = query.where(HumanTask.project_title.contains(text, autoescape=True)
                            | (HumanTask.project_key == text))
    return query


def _keys(actor: Actor, view: InboxView, filters: TaskFilter) -> list[Key]:
    """The view's order, ending in the task id so that equal values page without loss: longest waiting first
    (mine before my group's in ``open``), the latest completed first, or the clerk's column."""
    column = SORT_COLUMNS.get(filters.sort or "")
    if column is not None:
        return [Key(column, filters.descending), Key(HumanTask.created_at), Key(HumanTask.id)]
    if view == "completed":  # a completed task always has its time
        return [Key(HumanTask.completed_at, True, nullable=False), Key(HumanTask.id, True)]
    if view == "open":
        return [Key(HumanTask.claimed_by_id.is_(None), nullable=False, split=True,
                    otherwise=HumanTask.claimed_by_id == actor.user_id),
                Key(HumanTask.created_at), Key(HumanTask.id)]
    return [Key(HumanTask.created_at), Key(HumanTask.id)]


def task_page(session: Session, actor: Actor, view: InboxView, request: PageRequest | None = None,
              filters: TaskFilter | None = None, cursor: str | None = None, total: int | None = None
              ) -> Page[TaskSummary]:
    """「自分のタスク」 (claimed by me), 「グループのタスク」 (routed to me, unclaimed), 「完了済み」:
    a page at a time."""
    filters = filters or TaskFilter()
    keys = _keys(actor, view, filters)
    if keys[0].split:
        # Each half adds its own claim condition (the split key), so each is the index range of 「自分」 or
        # 「グループ」; with ``open``'s OR of the two, PostgreSQL read every open task of the department and
        # sorted them (36 ms a page for a 担当課 at 100,000 cases). The total is the two views' counts.
        query = _filtered(_task_query().where(HumanTask.state == READY, routed_to(actor)), filters)
        if total is None:
            total = sum(paging.count(session, _filtered(_task_query().where(view_condition(actor, half)), filters))
                        for half in ("mine", "group"))
    else:
        query = _filtered(_task_query().where(view_condition(actor, view)), filters)
    signature = f"inbox:{view}:{filters.sort or ''}:{int(filters.descending)}"
    return paging.fetch(session, query, keys, request, signature, _summary, cursor, total)


def list_tasks(session: Session, actor: Actor, view: InboxView = "group", limit: int = 500,
               filters: TaskFilter | None = None) -> list[TaskSummary]:
    """The first ``limit`` tasks of a view, for callers that want no pager (the engine façade, scripts)."""
    return task_page(session, actor, view, PageRequest(limit=limit), filters, total=0).items


def _summary_of(session: Session, task_id: str) -> TaskSummary:
    return _summaries(session.execute(_task_query().where(HumanTask.id == task_id)))[0]


def _resolved_options(form: dict[str, Any], data: dict[str, Any], options) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}

    def walk(components):
        for component in components:
            if component.get("type") in CHOICE_TYPES and component.get("valuesKey"):
                found[component["valuesKey"]] = options(component["valuesKey"], data)
            walk(component.get("components") or [])

    walk(form["components"])
    return found


def get_task(session: Session, actor: Actor, task_id: str) -> TaskDetail:
    row = visible_task(session, actor, task_id)
    case = row.case
    process = compiled_version(case.process_version)
    data: dict[str, Any] = {}
    if row.state == READY:
        workflow = case_workflow(case)
        data = visible_data(actor, find_ready_task(workflow, UUID(row.id)).data, process.shared)
    form = process.forms[row.form_ref].schema if row.form_ref in process.forms else {"components": []}
    return TaskDetail(
        summary=_summary_of(session, row.id), form=form, data=data,
        options=_resolved_options(form, data, form_options(session)),
        may_complete=row.state == READY and may_complete(actor, row)
        and row.claimed_by_id in (None, actor.user_id),
        case_version=case.version_id,
        may_release=row.state == READY and row.claimed_by_id is not None and may_release(actor, row),
    )


def history(session: Session, case_id: int, actor: Actor | None = None,
            shared: SharedData | None = None) -> list[HistoryEntry]:
    """The case's trail; for a 企業等 (``actor`` given) each step's saved data keeps only its shared part."""
    rows = session.execute(
        select(AuditEvent, UserAccount.display_name)
        .outerjoin(UserAccount, AuditEvent.actor_id == UserAccount.id)
        .where(AuditEvent.case_id == case_id)
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    return [HistoryEntry(e.at, e.action, e.step, e.lane, name, e.task_id, _readable_detail(actor, e.detail, shared))
            for e, name in rows]


def _readable_detail(actor: Actor | None, detail: dict[str, Any] | None, shared: SharedData | None) -> dict[str, Any]:
    detail = detail or {}
    if actor is None or sees_city_data(actor) or not isinstance(detail.get("data"), dict):
        return detail
    return {**detail, "data": visible_data(actor, detail["data"], shared or SharedData())}


def _openable_tasks(session: Session, actor: Actor, case_id: int) -> set[str]:
    """The case's tasks this person may open; another lane's task is named on the case (step, party, dates)
    but its id is left out, since opening it would answer 404 (``access.may_read_task``)."""
    rows = session.scalars(select(HumanTask).where(HumanTask.case_id == case_id))
    return {task.id for task in rows if may_read_task(actor, task)}


def case_status(session: Session, actor: Actor, case_id: int) -> CaseStatus:
    case = visible_case(session, actor, case_id)
    departments = {d.id: d.name for d in session.scalars(select(Department))}
    projects = list(session.scalars(select(Project).where(Project.case_id == case.id).order_by(Project.id)))
    agreements = session.scalars(select(Agreement).where(Agreement.case_id == case.id).order_by(Agreement.id))
    project_keys = {}
    project_views = []
    internal = sees_city_data(actor)  # ⑤'s R-3.6 exclusions (and so whether a project counts) are the city's
    for p in projects:
        project_keys[p.id] = p.key
        project_views.append(ProjectView(p.key, p.title, p.category, p.fiscal_year, departments.get(p.department_id),
                                         p.removed, p.feasible, p.implementation,
                                         list(p.exclusions or []) if internal else [],
                                         is_counted(p) if internal else None))
    counted = tally(projects)
    open_tasks = _summaries(session.execute(
        _task_query().where(HumanTask.case_id == case.id, HumanTask.state == READY).order_by(HumanTask.created_at)))
    entries = history(session, case.id, actor, compiled_version(case.process_version).shared)
    if not actor.reads_everything:
        openable = _openable_tasks(session, actor, case.id)
        open_tasks = [t if t.id in openable else replace(t, id=None) for t in open_tasks]
        entries = [e if e.task_id in openable else replace(e, task_id=None) for e in entries]
    active = sorted(active_element_ids(case_workflow(case))) if case.status == "running" else []
    return CaseStatus(
        id=case.id, number=case.number or "", title=case.title, process_id=case.process_id,
        process_version=case.process_version.version, organisation_name=case.organisation.name,
        initiated_by=case.initiated_by, status=case.status, outcome=case.outcome, started_at=case.started_at,
        ended_at=case.ended_at, active_element_ids=active, active_steps=list(case.active_steps or []),
        open_tasks=open_tasks, projects=project_views,
        agreements=[AgreementView(a.id, a.kind, a.title, a.signed_on, a.valid_from, a.valid_until, a.notice_deadline,
                                  a.status, project_keys.get(a.project_id)) for a in agreements],
        history=entries, version=case.version_id,
        project_count=counted.project_count if internal else None,
        category_count=counted.category_count if internal else None,
    )
