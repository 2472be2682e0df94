"""Engine values as the JSON of the public API (docs/openapi.yaml describes every shape here).

Dates and times are ISO 8601 (times in UTC with offset). A case's history names who did what and when,
but not the data each step saved: a partner reading its case must not receive the city's internal
judgements (e.g. the R-3.5 checks), and a task's ``data`` is only what its form uses.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from engine.accounts import Person
from engine.cases import AgreementView, CaseStatus, HistoryEntry, ProjectView, TaskPage, TaskSummary


def _when(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def person_json(person: Person) -> dict[str, Any]:
    return {"id": person.id, "username": person.username, "display_name": person.display_name, "role": person.role,
            "organisation": person.organisation_name, "departments": list(person.department_names)}


def task_json(task: TaskSummary) -> dict[str, Any]:
    return {
        "id": task.id, "case_id": task.case_id, "case_number": task.case_number, "case_title": task.case_title,
        "organisation": task.organisation_name, "step": task.step, "bpmn_id": task.bpmn_id, "lane": task.lane,
        "department": task.department_name, "project_key": task.project_key, "project_title": task.project_title,
        "state": task.state, "claimed_by": task.claimed_by, "claimed_by_id": task.claimed_by_id,
        "created_at": _when(task.created_at), "due_at": _when(task.due_at),
        "completed_at": _when(task.completed_at), "completed_by": task.completed_by,
    }


def task_detail_json(page: TaskPage) -> dict[str, Any]:
    detail = page.detail
    return {"task": task_json(detail.summary), "form": detail.form, "data": detail.data, "options": detail.options,
            "may_complete": detail.may_complete, "case_version": detail.case_version,
            "revision_requests": [{"round": r.round, "step": r.step, "at": _when(r.at), "person": r.person,
                                   "comment": r.comment} for r in page.revisions]}


def _project(project: ProjectView) -> dict[str, Any]:
    return {"key": project.key, "title": project.title, "category": project.category,
            "fiscal_year": project.fiscal_year, "department": project.department_name, "removed": project.removed,
            "feasible": project.feasible, "implementation": project.implementation,
            "exclusions": list(project.exclusions), "counted": project.counted}


def _agreement(agreement: AgreementView) -> dict[str, Any]:
    return {"id": agreement.id, "kind": agreement.kind, "title": agreement.title,
            "signed_on": _when(agreement.signed_on), "valid_from": _when(agreement.valid_from),
            "valid_until": _when(agreement.valid_until), "notice_deadline": _when(agreement.notice_deadline),
            "status": agreement.status, "project_key": agreement.project_key}


def _history(entry: HistoryEntry) -> dict[str, Any]:
    return {"at": _when(entry.at), "action": entry.action, "step": entry.step, "lane": entry.lane,
            "actor": entry.actor, "task_id": entry.task_id}


def case_json(case: CaseStatus) -> dict[str, Any]:
    return {
        "id": case.id, "number": case.number, "title": case.title, "process_id": case.process_id,
        "process_version": case.process_version, "organisation": case.organisation_name,
        "initiated_by": case.initiated_by, "status": case.status, "outcome": case.outcome,
        "started_at": _when(case.started_at), "ended_at": _when(case.ended_at),
        "active_element_ids": list(case.active_element_ids), "active_steps": list(case.active_steps),
        "open_tasks": [task_json(task) for task in case.open_tasks],
        "projects": [_project(project) for project in case.projects],
        "agreements": [_agreement(agreement) for agreement in case.agreements],
        "history": [_history(entry) for entry in case.history], "version": case.version,
        "project_count": case.project_count, "category_count": case.category_count,
    }
