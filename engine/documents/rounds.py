"""Keeping each 協定書 as it was proposed and as it was signed (issue #16, R-5.7 ⑦, R-2).

Runs as event handlers (engine.handlers): a completed negotiation task leaves a round, a signing leaves the
signed document, each as the fields it was rendered from and the template version then in use. A
negotiation is a task with one of the negotiation forms (``NEGOTIATION_FORMS``: only those tasks' workflow is
read, not every completion's) that recorded the fields of docs/process-data.md: ``agreement_title`` and
``agreement_terms`` for a 包括連携協定 (⑦), ``individual_kind``, ``roles`` and ``costs`` for a 個別協定.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.cases.stored import case_workflow
from engine.domain.guideline import CATEGORIES
from engine.domain.projects import categories_spanned
from engine.events import AgreementSigned, Event, TaskCompleted
from engine.persistence.models import (
    Agreement,
    AgreementDocument,
    AgreementTemplate,
    Case,
    Department,
    HumanTask,
    Project,
)
from engine.persistence.models.agreement import COMPREHENSIVE, INDIVIDUAL_FIELD, INDIVIDUAL_PROJECT
from engine.persistence.models.agreement_document import DRAFT, SIGNED


def current_template_id(session: Session, kind: str) -> int | None:
    """The newest uploaded version of this kind's template; None means the one shipped in processes/."""
    return session.scalar(
        select(AgreementTemplate.id).where(AgreementTemplate.kind == kind).order_by(AgreementTemplate.version.desc())
    )


def case_categories(session: Session, case_id: int) -> list[str]:
    """R-1: the fields of cooperation of a 包括連携協定 are the R-4 categories of its partnership projects."""
    categories = session.scalars(select(Project.category).where(Project.case_id == case_id, Project.counted))
    return [CATEGORIES[c] for c in categories_spanned(categories)]


def _representative(data: Mapping[str, Any]) -> dict[str, str]:
    return {"representative_title": str(data.get("representative_title") or ""),
            "representative_name": str(data.get("representative_name") or "")}


def comprehensive_snapshot(session: Session, case: Case, data: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "kind": COMPREHENSIVE, "title": str(data.get("agreement_title") or case.title),
        "purpose": str(data.get("agreement_terms") or ""), "organisation_name": case.organisation.name,
        **_representative(data), "categories": case_categories(session, case.id),
        "signed_on": data.get("planned_signing_date") or None,
    }


def individual_snapshot(session: Session, case: Case, data: Mapping[str, Any]) -> dict[str, Any]:
    project = data.get("project") if isinstance(data.get("project"), Mapping) else {}
    row = session.scalar(select(Project).where(Project.case_id == case.id, Project.key == project.get("id")))
    department = session.get(Department, row.department_id) if row and row.department_id else None
    title = row.title if row else str(project.get("title") or "")
    kind = data.get("individual_kind") if data.get("individual_kind") in (INDIVIDUAL_PROJECT, INDIVIDUAL_FIELD) \
        else INDIVIDUAL_PROJECT
    return {
        "kind": kind, "title": f"{title}に関する協定", "purpose": "", "organisation_name": case.organisation.name,
        **_representative(data), "project_key": project.get("id"), "project_title": title,
        "department_name": department.name if department else "", "roles": str(data.get("roles") or ""),
        "costs": str(data.get("costs") or ""), "procurement_note": str(data.get("procurement_note") or ""),
        "signed_on": None,
    }


def negotiation_snapshot(session: Session, case: Case, data: Mapping[str, Any]) -> dict[str, Any] | None:
    if "agreement_title" in data and "agreement_terms" in data:
        return comprehensive_snapshot(session, case, data)
    if {"individual_kind", "roles", "costs"} <= data.keys():
        return individual_snapshot(session, case, data)
    return None


def on_task_completed(session: Session, event: Event) -> None:
    """A negotiation task done → the next round's 協定書（案） on record."""
    assert isinstance(event, TaskCompleted)
    task = session.get(HumanTask, event.task_id)
    case = session.get(Case, event.case_id)
    if task is None or case is None or task.form_ref not in NEGOTIATION_FORMS.get(task.process_id, ()):
        return
    data = case_workflow(case).get_task_from_id(UUID(task.id)).data
    snapshot = negotiation_snapshot(session, case, data)
    if snapshot is None:
        return
    key = snapshot.get("project_key")
    number = next_round(session, case.id, key)
    snapshot.update(is_draft=True, round=number)
    session.add(AgreementDocument(
        case_id=case.id, stage=DRAFT, kind=snapshot["kind"], project_key=key, round=number, task_id=task.id,
        template_id=current_template_id(session, snapshot["kind"]), fields=snapshot,
        created_by_id=event.actor_id, created_at=event.at))


def next_round(session: Session, case_id: int, project_key: str | None) -> int:
    done = session.scalar(select(func.count(AgreementDocument.id)).where(
        AgreementDocument.case_id == case_id, AgreementDocument.stage == DRAFT,
        AgreementDocument.project_key.is_(None) if project_key is None
        else AgreementDocument.project_key == project_key))
    return done + 1


# Forms whose completion may be a negotiation round, by process: only these tasks' data is read.
NEGOTIATION_FORMS = {
    "comprehensive_agreement": ("agreement_draft",),
    "individual_agreement": ("individual_terms",),
}
NEGOTIATION_FORM_IDS = frozenset(form for forms in NEGOTIATION_FORMS.values() for form in forms)


def last_round(session: Session, case_id: int, project_key: str | None) -> AgreementDocument | None:
    return session.scalar(
        select(AgreementDocument)
        .where(AgreementDocument.case_id == case_id, AgreementDocument.stage == DRAFT,
               AgreementDocument.project_key.is_(None) if project_key is None
               else AgreementDocument.project_key == project_key)
        .order_by(AgreementDocument.round.desc()))


def signed_snapshot(session: Session, agreement: Agreement) -> dict[str, Any]:
    """The agreed text (the last round, or what the register holds when there was none) with the signing date."""
    case = session.get(Case, agreement.case_id)
    project = session.get(Project, agreement.project_id) if agreement.project_id else None
    key = project.key if project is not None and agreement.kind != COMPREHENSIVE else None
    agreed = last_round(session, agreement.case_id, key)
    snapshot = dict(agreed.fields) if agreed is not None else {
        "kind": agreement.kind, "organisation_name": case.organisation.name, "purpose": "",
        "categories": case_categories(session, case.id) if agreement.kind == COMPREHENSIVE else [],
        "project_title": project.title if project else "",
    }
    snapshot.update(kind=agreement.kind, title=agreement.title if agreement.kind == COMPREHENSIVE
                    else snapshot.get("title") or agreement.title,
                    signed_on=agreement.signed_on.isoformat(), is_draft=False, round=None)
    return snapshot


def on_agreement_signed(session: Session, event: Event) -> None:
    """The signing fixes the 協定書: its fields and template version are kept with the agreement."""
    assert isinstance(event, AgreementSigned)
    agreement = session.get(Agreement, event.agreement_id)
    snapshot = signed_snapshot(session, agreement)
    session.add(AgreementDocument(
        case_id=agreement.case_id, agreement_id=agreement.id, stage=SIGNED, kind=agreement.kind,
        project_key=snapshot.get("project_key"), round=0, template_id=current_template_id(session, agreement.kind),
        fields=snapshot, created_at=event.at))
