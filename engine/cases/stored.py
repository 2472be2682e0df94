"""A case's workflow as the database keeps it: the workflow's own state, naming its specs by digest.

The specs are a ``WorkflowSpec`` row, written once for all the cases that run on them and read only when this
process has not rebuilt them yet (engine.workflow.serialization). Every reader loads through ``case_workflow``
and every writer saves through ``save_workflow``, so no caller handles the split.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from SpiffWorkflow.bpmn import BpmnWorkflow
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, object_session

from engine.persistence.models import Case, ProcessVersion, WorkflowSpec, WorkflowState
from engine.workflow.serialization import SERIALIZER_VERSION, SPIFF_VERSION, SpecForm, dump_state, load_state


@dataclass(frozen=True)
class SavedState:
    """A state stored earlier and put back as it was (a migration's revert): it keeps its specs and the
    serializer version it was written with."""

    state: bytes
    spec_digest: str
    serializer_version: str


def case_workflow(case: Case) -> BpmnWorkflow:
    stored = case.workflow
    return saved_workflow(object_session(case), stored.state, stored.spec_digest)


def saved_workflow(session: Session, state: bytes, spec_digest: str) -> BpmnWorkflow:
    return load_state(state, spec_digest, lambda: session.get(WorkflowSpec, spec_digest).specs)


def save_workflow(case: Case, workflow: BpmnWorkflow | SavedState, now: datetime,
                  version: ProcessVersion | None = None) -> bytes:
    """The one way a case's workflow is stored, whatever drove it (a task, a timer, a message, a migration):
    the state, its specs, the serializer and SpiffWorkflow versions it was written with, and the version it
    runs on. Specs are written only when a case's specs change (a start, a migration, a new serializer).
    Returns the state as stored."""
    if isinstance(workflow, SavedState):
        state, digest, serializer = workflow.state, workflow.spec_digest, workflow.serializer_version
    else:
        state, form = dump_state(workflow)
        digest, serializer = form.digest, SERIALIZER_VERSION
        if case.workflow is None or case.workflow.spec_digest != digest:
            store_specs(object_session(case), form)
    if case.workflow is None:
        case.workflow = WorkflowState(state=state, spec_digest=digest, serializer_version=serializer,
                                      spiff_version=SPIFF_VERSION, updated_at=now)
    else:
        stored = case.workflow
        stored.state, stored.spec_digest, stored.serializer_version = state, digest, serializer
        stored.spiff_version, stored.updated_at = SPIFF_VERSION, now
    if version is not None:
        case.process_version_id, case.process_version = version.id, version
    return state


def store_specs(session: Session, form: SpecForm) -> None:
    """Adds the specs unless the database has them. Two first saves at once may both find them missing: the
    insert skips a row that exists by then, so neither fails."""
    if session.scalar(select(WorkflowSpec.digest).where(WorkflowSpec.digest == form.digest)) is not None:
        return
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(dialect.insert(WorkflowSpec).values(
        digest=form.digest, serializer_version=SERIALIZER_VERSION, specs=form.text
    ).on_conflict_do_nothing(index_elements=["digest"]))
