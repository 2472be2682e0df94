"""Keeps the domain tables in step with a workflow after each step (issue #2 item 7).

Lists, inboxes, boards and registers read these rows and never workflow JSON. What is read from the
process data is the contract of docs/process-data.md: ``projects``, ``feasibility``,
``project_decision``, ``comprehensive_agreement``, ``individual_result``, ``attending_departments`` and
``consulted_departments``. Whether a project counts
(R-3.3/R-3.4/R-3.6) is decided from its row by engine.domain.projects, never read back from a script.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.board import columns as board_columns
from engine.cases.routing import Directory, route
from engine.domain.conclusion import concluded_by_exception, conclusion_refusal
from engine.domain.due_dates import task_due_at
from engine.domain.japan_time import japan_date, today_in_japan
from engine.domain.plausible_dates import happened_error
from engine.domain.projects import is_counted
from engine.domain.validity import initial_period
from engine.errors import FormDataError
from engine.events import AgreementSigned, CaseEnded, TaskReady, publish
from engine.persistence.models import Agreement, Case, CaseParticipant, Department, HumanTask, Project
from engine.persistence.models.agreement import COMPREHENSIVE
from engine.persistence.models.case_participant import ATTENDED, CONSULTED
from engine.persistence.models.human_task import CANCELLED, READY
from engine.workflow.runner import (
    ReadyTask,
    case_data,
    next_timer_due,
    outcome,
    ready_tasks,
    waiting_step_names,
)


@dataclass(frozen=True)
class StepInput:
    """What the step that just ran contributed: the submitted data and the project it was about."""

    submitted: Mapping[str, Any] | None = None
    project_key: str | None = None
    finished_subprocess: Mapping[str, Any] | None = None
    task_id: str | None = None


def sync_case(session: Session, case: Case, workflow: BpmnWorkflow, now: datetime,
              step: StepInput = StepInput()) -> list[HumanTask]:
    """Updates tasks, projects, agreements and the case row; returns the tasks that became ready.

    This runs on every step of every case, so each kind of row (departments, the case's projects, its
    open tasks) is read at most once, before this step changes anything, and handed down; the changes are
    then written in one flush at the end.
    """
    data = case_data(workflow)
    departments = list(session.scalars(select(Department).order_by(Department.id)))
    projects = _project_rows(session, case) if _touches_projects(data, step) else None
    was_open = [row for row in session.scalars(select(HumanTask).where(HumanTask.case_id == case.id,
                                                                       HumanTask.state == READY)
                                               .order_by(HumanTask.created_at))
                if row.state == READY]  # a completion's own row, completed but not yet flushed, is not open
    directory = Directory(departments)
    if projects is not None:
        _projects_from(session, case, step, projects, directory.by_code)
        _feasible(projects, data)
        _counted(projects)
        _agreements(session, case, data, step, projects, now)
    _participants(session, case, step, directory.by_code, now)
    created, open_rows = _tasks(session, case, ready_tasks(workflow), was_open, directory, now)
    _case_row(session, case, workflow, data, open_rows, now)
    listed = [p for p in projects.values() if not p.removed] if projects is not None else None
    board_columns.refresh(case, workflow, open_rows, listed, now)
    session.flush()  # the handlers of TaskReady find the new rows without going back to the database
    return created


def _touches_projects(data: Mapping[str, Any], step: StepInput) -> bool:
    """Whether this step can change a project or an agreement row (most steps do not, e.g. ② or ⑦'s drafts)."""
    submitted = step.submitted or {}
    return (any(key in submitted for key in ("projects", "project_decision"))
            or isinstance(data.get("feasibility"), list)
            or isinstance(data.get("comprehensive_agreement"), Mapping)
            or step.finished_subprocess is not None)


def _project_rows(session: Session, case: Case) -> dict[str, Project]:
    return {p.key: p for p in session.scalars(select(Project).where(Project.case_id == case.id))}


def _projects_from(session: Session, case: Case, step: StepInput, rows: dict[str, Project],
                   departments: dict[str, Department]) -> None:
    """Applies the submitted project list and a ⑤ decision; ``rows`` gains the new projects."""
    submitted = step.submitted or {}
    if isinstance(submitted.get("projects"), list):
        listed = set()
        for item in submitted["projects"]:
            project = rows.get(item["id"]) or Project(case_id=case.id, key=item["id"])
            project.title = item.get("title") or ""
            project.summary = item.get("summary")
            project.category = item.get("category")
            project.fiscal_year = item.get("fiscal_year")
            department = departments.get(item.get("department") or "")
            project.department_id = department.id if department else None
            project.removed = False
            session.add(project)
            listed.add(item["id"])
            rows[item["id"]] = project
        for key, project in rows.items():
            project.removed = key not in listed
    decision = submitted.get("project_decision")
    if isinstance(decision, Mapping) and step.project_key in rows:
        project = rows[step.project_key]
        project.implementation = decision.get("implementation")
        project.decision_reason = decision.get("reason")
        project.exclusions = list(decision.get("exclusions") or [])


PARTICIPATION_KEYS = {"attending_departments": ATTENDED, "consulted_departments": CONSULTED}


def _participants(session: Session, case: Case, step: StepInput, departments: dict[str, Department],
                  now: datetime) -> None:
    """Who took part, as the step's form names them: ①'s 同席 (R-5.1) and ④'s 担当課 (R-5.4). A form that
    names them again (① after a 修正依頼) replaces its earlier list; a code no department has is skipped."""
    submitted = step.submitted or {}
    for key, role in PARTICIPATION_KEYS.items():
        if not isinstance(submitted.get(key), list):
            continue
        wanted = {departments[c].id for c in submitted[key] if isinstance(c, str) and c in departments}
        rows = {p.department_id: p for p in session.scalars(
            select(CaseParticipant).where(CaseParticipant.case_id == case.id, CaseParticipant.role == role))}
        for department_id, row in rows.items():
            if department_id not in wanted:
                session.delete(row)
        for department_id in sorted(wanted - rows.keys()):
            session.add(CaseParticipant(case_id=case.id, department_id=department_id, role=role,
                                        task_id=step.task_id, created_at=now))


def _feasible(projects: dict[str, Project], data: Mapping[str, Any]) -> None:
    """④'s outcome from the process data, however the diagram records it (one form, or a task per project
    whose results a script gathers into ``feasibility``)."""
    for item in data.get("feasibility") or []:
        if isinstance(item, Mapping) and item.get("id") in projects:
            projects[item["id"]].feasible = item.get("feasible") == "yes"  # the same value writes nothing


def _counted(projects: dict[str, Project]) -> None:
    """``project.counted`` is the stored result of the one rule (engine.domain.projects), for SQL readers
    (集計, the agreement register, the public register); it follows the row's own ⑤ decision, so it holds
    from the moment a project is judged, whatever a diagram's scripts call their variables."""
    for project in projects.values():
        project.counted = is_counted(project)  # the same value writes nothing


def _agreements(session: Session, case: Case, data: Mapping[str, Any], step: StepInput,
                projects: dict[str, Project], now: datetime) -> None:
    signed = data.get("comprehensive_agreement")
    if isinstance(signed, Mapping) and signed.get("signed_on"):
        exists = session.scalar(select(Agreement.id).where(Agreement.case_id == case.id,
                                                           Agreement.kind == COMPREHENSIVE))
        if exists is None:
            # The record is R-3's last gate, whatever step or diagram led here (engine.domain.conclusion).
            refusal = conclusion_refusal(data, organisation_verified=case.organisation.verified,
                                         field="signed_on")
            if refusal:
                raise FormDataError(refusal)
            signed_on = _plausible_signing(case, date.fromisoformat(signed["signed_on"]), "signed_on", now)
            period = initial_period(signed_on)
            agreement = Agreement(
                case_id=case.id, organisation_id=case.organisation_id, kind=COMPREHENSIVE,
                title=data.get("agreement_title") or case.title, signed_on=signed_on,
                valid_from=period.valid_from, valid_until=period.valid_until, notice_deadline=period.notice_deadline,
                principle_exception_reason=concluded_by_exception(data),
            )
            _record_signing(session, case, agreement, now)
    result = (step.finished_subprocess or {}).get("individual_result")
    if isinstance(result, Mapping) and result.get("concluded") and result.get("signed_on"):
        project = projects.get(result.get("project_id"))
        _record_signing(session, case, Agreement(
            case_id=case.id, organisation_id=case.organisation_id, kind=result.get("kind") or "specific_project",
            project_id=project.id if project else None,
            title=f"個別協定：{project.title if project else result.get('project_id')}",
            signed_on=_plausible_signing(case, date.fromisoformat(result["signed_on"]), "individual_signed_on",
                                         now),
        ), now)


def _plausible_signing(case: Case, signed_on: date, field: str, now: datetime) -> date:
    """The engine's own signing step asks the one date rule too, so no diagram or script can record an
    agreement signed after today or before its case began (R-6.1 counts validity from that day)."""
    message = happened_error(signed_on, label="締結日", today=today_in_japan(now),
                             earliest=japan_date(case.started_at))
    if message:
        raise FormDataError({field: message})
    return signed_on


def _record_signing(session: Session, case: Case, agreement: Agreement, now: datetime) -> None:
    session.add(agreement)
    session.flush()
    publish(session, AgreementSigned(now, case.id, agreement.id))


def _tasks(session: Session, case: Case, ready: list[ReadyTask], was_open: list[HumanTask],
           directory: Directory, now: datetime) -> tuple[list[HumanTask], list[HumanTask]]:
    """Routes the newly ready tasks and cancels rows the workflow no longer has; returns (new, all open)."""
    existing = {t.id: t for t in was_open}
    ready_ids = {str(task.id) for task in ready}
    still_open = []
    for task_id, row in existing.items():
        if task_id in ready_ids:
            still_open.append(row)
        else:
            row.state = CANCELLED  # e.g. an interrupting timer or a cancelled case took it away
            row.completed_at = now
    created = []
    for task in ready:
        if str(task.id) in existing:
            continue
        routed = route(task, case, directory)
        row = HumanTask(
            id=str(task.id), case_id=case.id, process_id=task.process_id, bpmn_id=task.bpmn_id, name=task.name,
            lane=task.lane.value, form_ref=task.form_ref, organisation_id=routed.organisation_id,
            department_id=routed.department_id, project_key=(task.project or {}).get("id"),
            project_title=(task.project or {}).get("title"), state=READY, created_at=now,
            due_at=task_due_at(task.data, task.bpmn_id),
        )
        session.add(row)
        created.append(row)
    for row in created:
        publish(session, TaskReady(now, case.id, row.id))
    return created, still_open + created


def _case_row(session: Session, case: Case, workflow: BpmnWorkflow, data: Mapping[str, Any],
              open_rows: list[HumanTask], now: datetime) -> None:
    case.active_steps = sorted({row.name for row in open_rows})
    case.waiting_since = min((row.created_at for row in open_rows), default=None)
    case.next_timer_at = next_timer_due(workflow)
    if data.get("proposal_title"):
        case.title = data["proposal_title"]
    if workflow.is_completed() and case.status != "completed":
        case.status = "completed"
        case.outcome = outcome(workflow)
        case.ended_at = now
        case.active_steps = []
        publish(session, CaseEnded(now, case.id, case.outcome))
    elif not case.active_steps:
        case.active_steps = sorted(waiting_step_names(workflow))
    case.updated_at = now
