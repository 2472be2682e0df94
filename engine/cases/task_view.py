"""One task as a person works it (issue #3 item 5): the form, the case around it, and submitting it.

The task page needs the task with its form and data, the case's context (organisation, projects,
earlier steps) and, for 総合政策課, the people it may be handed to. ``submit`` completes the task or,
when the data is refused or someone else got there first, returns the page to show again with the
reason, so a web view stays one engine call whatever happens.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access import Actor, acts_in_lane, may_reassign, visible_data
from engine.accounts.identity import actor_for
from engine.cases import queries
from engine.cases import service as cases
from engine.cases.revisions import RevisionRequest, requests_for
from engine.cases.service import visible_task
from engine.cases.views import CaseStatus, TaskDetail
from engine.domain.conclusion import CONCLUDE, UNVERIFIED_MESSAGE
from engine.domain.guideline import Lane
from engine.errors import FormDataError, NotFoundError, TaskConflictError
from engine.forms.visibility import form_names
from engine.library.deployment import compiled_version
from engine.persistence.models import AuditEvent, Case, UserAccount

if TYPE_CHECKING:
    from engine.context import Context


@dataclass(frozen=True)
class Assignee:
    id: int
    display_name: str


@dataclass(frozen=True)
class UnverifiedOrganisation:
    """⑥/⑦ of an organisation 総合政策課 has not verified: the task cannot conclude (engine.domain.conclusion)."""

    organisation_id: int
    name: str
    message: str


@dataclass(frozen=True)
class TaskPage:
    detail: TaskDetail
    case: CaseStatus | None  # None when the person may act on the task but not read the whole case
    assignees: list[Assignee] = field(default_factory=list)  # filled only for those who may reassign
    unverified: UnverifiedOrganisation | None = None  # shown on ⑥ and ⑦ while the organisation is 未確認
    # a city step the 企業等 sent back: the requests that opened each round, oldest first (engine.cases.revisions)
    revisions: list[RevisionRequest] = field(default_factory=list)

    @property
    def revision(self) -> RevisionRequest | None:
        """The request this round answers, shown at the top of the page."""
        return self.revisions[-1] if self.revisions else None


@dataclass(frozen=True)
class Submission:
    """The result of submitting a form: the case it moved on, or the page to show again and why."""

    case_id: int | None = None
    page: TaskPage | None = None
    errors: dict[str, str] = field(default_factory=dict)  # field path → message (FormDataError)
    conflict: str | None = None  # TaskConflictError's message

    @property
    def completed(self) -> bool:
        return self.case_id is not None


def form_data(form: Mapping[str, Any], data: Mapping[str, Any]) -> dict[str, Any]:
    """Only the data the form uses: a task never hands out the rest of the case (e.g. to a 企業等 via the API)."""
    names = form_names(form.get("components") or [])
    return {key: value for key, value in data.items() if key in names}


def _assignees(session: Session, actor: Actor, task_id: str) -> list[Assignee]:
    if not may_reassign(actor):
        return []
    row = visible_task(session, actor, task_id)
    if row.state != "ready":
        return []
    people = session.scalars(select(UserAccount).where(UserAccount.active).order_by(UserAccount.id))
    return [Assignee(user.id, user.display_name) for user in people if acts_in_lane(actor_for(session, user), row)]


def _submitted(session: Session, task_id: str) -> dict[str, Any]:
    """What was saved when the task was completed (from the audit trail): a done task shows its answers."""
    detail = session.scalar(select(AuditEvent.detail).where(AuditEvent.task_id == task_id,
                                                            AuditEvent.action == "task_completed"))
    data = (detail or {}).get("data")
    return data if isinstance(data, dict) else {}


def _unverified(session: Session, detail: TaskDetail) -> UnverifiedOrganisation | None:
    """Said before the clerk fills the form in, not only when the engine refuses it: ⑥ (its form decides
    ``necessity``) and the steps of ⑦ (after ⑥ decided 締結) of an organisation not yet verified."""
    if detail.summary.state != "ready" or detail.summary.lane != Lane.COORDINATOR.value:
        return None
    asks_necessity = "necessity" in form_names((detail.form or {}).get("components") or [])
    if not asks_necessity and detail.data.get("necessity") != CONCLUDE:
        return None
    organisation = session.get(Case, detail.summary.case_id).organisation
    if organisation.verified:
        return None
    return UnverifiedOrganisation(organisation.id, organisation.name, UNVERIFIED_MESSAGE)


def _page(session: Session, actor: Actor, task_id: str) -> TaskPage:
    detail = queries.get_task(session, actor, task_id)
    unverified = _unverified(session, detail)
    data = detail.data if detail.summary.state == "ready" else _submitted(session, task_id)
    row = visible_task(session, actor, task_id)
    detail = replace(detail, data=visible_data(actor, form_data(detail.form, data),
                                               compiled_version(row.case.process_version).shared))
    try:
        case = queries.case_status(session, actor, detail.summary.case_id)
    except NotFoundError:
        case = None
    return TaskPage(detail, case, _assignees(session, actor, task_id), unverified, requests_for(session, row))


class TaskPages:
    """Reads and completes one task for the task page and the JSON API."""

    def __init__(self, context: Context) -> None:
        self.context = context

    def page(self, actor: Actor, task_id: str) -> TaskPage:
        with self.context.unit_of_work() as session:
            return _page(session, actor, task_id)

    def submit(self, actor: Actor, task_id: str, data: Mapping[str, Any],
               expected_case_version: int | None = None) -> Submission:
        """Raises NotFoundError / NotAllowedError; refused data and conflicts come back in the Submission."""
        try:
            with self.context.unit_of_work() as session:
                case = cases.complete(session, actor, task_id, data, self.context.clock(), expected_case_version)
                return Submission(case_id=case.id)
        except FormDataError as error:
            return Submission(page=self.page(actor, task_id), errors=error.errors)
        except TaskConflictError as error:
            return Submission(page=self.page(actor, task_id), conflict=str(error))
