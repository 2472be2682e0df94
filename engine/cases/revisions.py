"""A step the 企業等 sent back: what it asked for heads the city's next round of that step.

At ⑦ the 企業等 confirms the draft of the 協定書 or asks for a revision (confirm_agreement → draft_agreement),
and an individual agreement's terms go back and forth the same way (confirm_terms → negotiate_terms, R-2); the
proposal the city entered comes back from confirm_proposal too (R-5.1). Without the 企業等's comment at the top
of the returned task, 総合政策課 or the 担当課 re-drafts blind, or hunts for it in the case history. Nothing in
the diagrams is named here: a round of a city step is the step again (same process, element and project), and
the request that opened it is the first 企業等 answer in the case's trail after the previous round was completed.
The trail's order (its ids) decides, never timestamps, which a fast clerk or a test clock can make equal.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.board.labels import readable
from engine.board.views import DataField
from engine.domain.guideline import Lane
from engine.library.deployment import compiled_version
from engine.persistence.models import AuditEvent, Case, HumanTask, ProcessVersion, UserAccount
from engine.persistence.models.human_task import COMPLETED, READY

_TEXT_TYPES = {"textarea", "textfield"}


@dataclass(frozen=True)
class RevisionRequest:
    """The 企業等's answer that sent a step back; ``round`` is the round of the city's step it opened (2 = the
    first re-draft)."""

    round: int
    step: str
    at: datetime
    person: str | None
    comment: str  # what the 企業等 wrote (its form's text fields), for the inbox row
    answers: list[DataField] = field(default_factory=list)  # its whole answer, under the form's labels


def _comment(components: Iterable[Mapping[str, Any]], data: Mapping[str, Any]) -> str:
    return "\n".join(str(data[c["key"]]).strip() for c in components
                     if c.get("type") in _TEXT_TYPES and c.get("key") and str(data.get(c["key"]) or "").strip())


def _completions(session: Session, case_ids: Iterable[int]) -> dict[int, list[tuple]]:
    """Every completion in these cases' trails, in the trail's order, with its task and who completed it: one
    query for a whole inbox page, not one per row."""
    found: dict[int, list[tuple]] = defaultdict(list)
    for event, row, person in session.execute(
            select(AuditEvent, HumanTask, UserAccount.display_name)
            .join(HumanTask, AuditEvent.task_id == HumanTask.id)
            .outerjoin(UserAccount, AuditEvent.actor_id == UserAccount.id)
            .where(AuditEvent.case_id.in_(set(case_ids)), AuditEvent.action == "task_completed")
            .order_by(AuditEvent.id)):
        found[event.case_id].append((event, row, person))
    return found


def _rounds(task: HumanTask, events: list[tuple], forms: Mapping[str, Any]) -> list[RevisionRequest]:
    """The requests that opened each round of ``task`` up to its own, from its case's completions."""
    requests: list[RevisionRequest] = []
    rounds, answered = 0, True
    for event, row, person in events:
        if row.project_key != task.project_key:
            continue
        if (row.process_id, row.bpmn_id) == (task.process_id, task.bpmn_id):
            if row.id == task.id:
                break  # what came after this round's own completion opened later rounds
            rounds, answered = rounds + 1, False
        elif not answered and row.lane == Lane.ORGANISATION.value:
            answered = True
            data = (event.detail or {}).get("data") or {}
            components = forms[row.form_ref].components if row.form_ref in forms else []
            requests.append(RevisionRequest(rounds + 1, row.name, event.at, person, _comment(components, data),
                                            readable(components, data, {})))
    return requests


def requests_for(session: Session, task: HumanTask) -> list[RevisionRequest]:
    """Every request that opened a round of this city task up to its own, oldest first."""
    if task.lane == Lane.ORGANISATION.value:
        return []
    events = _completions(session, [task.case_id])[task.case_id]
    return _rounds(task, events, compiled_version(task.case.process_version).forms)


def returned_tasks(session: Session, task_ids: list[str]) -> dict[str, RevisionRequest]:
    """The latest request of each open city task listed that is a returned round (for the inbox rows)."""
    if not task_ids:
        return {}
    listed = list(session.scalars(select(HumanTask).where(HumanTask.id.in_(task_ids), HumanTask.state == READY,
                                                          HumanTask.lane != Lane.ORGANISATION.value)))
    keys = {(t.case_id, t.process_id, t.bpmn_id, t.project_key) for t in listed}
    if not keys:
        return {}
    done = set(session.execute(
        select(HumanTask.case_id, HumanTask.process_id, HumanTask.bpmn_id, HumanTask.project_key)
        .where(HumanTask.case_id.in_({k[0] for k in keys}), HumanTask.state == COMPLETED,
               HumanTask.bpmn_id.in_({k[2] for k in keys}))).all())
    returned = [t for t in listed if (t.case_id, t.process_id, t.bpmn_id, t.project_key) in done]
    if not returned:
        return {}
    cases = {t.case_id for t in returned}
    events = _completions(session, cases)
    versions = dict(session.execute(select(Case.id, ProcessVersion).join(
        ProcessVersion, Case.process_version_id == ProcessVersion.id).where(Case.id.in_(cases))).all())
    found = {}
    for task in returned:
        requests = _rounds(task, events[task.case_id], compiled_version(versions[task.case_id]).forms)
        if requests:
            found[task.id] = requests[-1]
    return found
