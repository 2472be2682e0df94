"""Runs one workflow until a person is needed: start, list ready human tasks, complete one, fire timers.

Pure SpiffWorkflow over a CompiledProcess; it knows nothing of the database. The case engine and the
scenario runner both drive workflows through these functions, so scenarios test what production runs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.defaults import BoundaryEventMixin
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.exceptions import SpiffWorkflowException, WorkflowException
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition

from engine.definitions.compiler import CompiledProcess
from engine.domain.guideline import Lane
from engine.errors import ScriptOverrunError, TaskNotFoundError, WorkflowFailure
from engine.workflow.budget import ScriptBudgetExceededError
from engine.workflow.scripting import SCRIPT_ENGINE

_ACTIVE = TaskState.READY | TaskState.STARTED | TaskState.WAITING
PROJECT_COUNTER = "project_counter"


@dataclass(frozen=True)
class ReadyTask:
    """A user task waiting for a person, as the inbox and the routing need it."""

    id: UUID
    bpmn_id: str
    name: str
    lane: Lane | None
    form_ref: str | None
    process_id: str
    project: Mapping[str, Any] | None
    data: Mapping[str, Any]

    @property
    def department(self) -> str | None:
        return (self.project or {}).get("department") if self.lane is Lane.DEPARTMENT else None


def start_workflow(process: CompiledProcess, data: Mapping[str, Any]) -> BpmnWorkflow:
    workflow = BpmnWorkflow(process.spec, process.called_specs, script_engine=SCRIPT_ENGINE)
    start = workflow.get_next_task(state=TaskState.READY)
    start.data.update(data)
    _step(workflow)
    return workflow


def ready_tasks(workflow: BpmnWorkflow) -> list[ReadyTask]:
    return [_describe(task) for task in workflow.get_tasks(state=TaskState.READY, manual=True)]


def _project_of(task) -> Mapping[str, Any] | None:
    """The element of the nearest enclosing multi-instance: the task's own, or the MI call activity or
    subprocess it runs in. SpiffWorkflow names the element variable by the data item's id, and ids are
    unique per file, so the engine does not rely on a variable name (docs/process-data.md, routing).

    A case started for one project (a 個別協定 under an agreement, R-2) has no multi-instance: it is given its
    project at start as ``project``, the data a calling multi-instance would have passed."""
    current = task
    while current is not None:
        parent = current.parent
        if parent is None:
            workflow = current.workflow
            if workflow is workflow.top_workflow:
                own = task.data.get("project")
                return own if isinstance(own, Mapping) else None
            current = workflow.top_workflow.get_task_from_id(workflow.parent_task_id)
            continue
        spec = parent.task_spec
        if isinstance(spec, MultiInstanceTask) and spec.input_item is not None:
            element = current.data.get(spec.input_item.bpmn_id)
            return element if isinstance(element, Mapping) else None
        current = parent
    return None


def _describe(task) -> ReadyTask:
    spec = task.task_spec
    project = _project_of(task)
    return ReadyTask(
        id=task.id,
        bpmn_id=spec.bpmn_id,
        name=spec.bpmn_name or spec.bpmn_id,
        lane=Lane.from_bpmn(spec.lane),
        form_ref=spec.extensions.get("formRef"),
        process_id=task.workflow.spec.name,
        project=project,
        data=task.data,
    )


def find_ready_task(workflow: BpmnWorkflow, task_id: UUID) -> ReadyTask:
    try:
        task = workflow.get_task_from_id(task_id)
    except SpiffWorkflowException:
        raise TaskNotFoundError(task_id) from None
    if task.state != TaskState.READY or not task.task_spec.manual:
        raise TaskNotFoundError(task_id)
    return _describe(task)


def assign_project_ids(data: dict[str, Any], current: Mapping[str, Any]) -> dict[str, Any]:
    """Gives each new project row (empty ``id``) the next ``P<n>``; numbers are never reused in a case."""
    rows = data.get("projects")
    if not isinstance(rows, list):
        return data
    counter = int(current.get(PROJECT_COUNTER) or 0)
    for row in rows:
        if isinstance(row, dict) and not row.get("id"):
            counter += 1
            row["id"] = f"P{counter}"
        if isinstance(row, dict):
            row.setdefault("department", None)
    data[PROJECT_COUNTER] = counter
    return data


def complete_task(workflow: BpmnWorkflow, task_id: UUID, data: Mapping[str, Any]) -> None:
    """Merges validated form data into the task and runs the process on to the next wait state."""
    task = workflow.get_task_from_id(task_id)
    task.data.update(data)
    try:
        task.run()
    except (SpiffWorkflowException, ScriptBudgetExceededError) as error:
        raise _failure(error) from error
    _step(workflow)


def _step(workflow: BpmnWorkflow) -> None:
    try:
        workflow.do_engine_steps()
    except (SpiffWorkflowException, ScriptBudgetExceededError) as error:
        raise _failure(error) from error


def _failure(error: Exception) -> WorkflowFailure:
    """An overrun names its element (when SpiffWorkflow says which task ran the code); the rest as before.

    Correlation keys and ad-hoc completion conditions are evaluated without a task, so their overrun
    arrives bare and is reported without an element."""
    overrun, cause = None, error
    while cause is not None and overrun is None:
        overrun = cause if isinstance(cause, ScriptBudgetExceededError) else None
        cause = cause.__cause__ or cause.__context__
    if overrun is None:
        return WorkflowFailure(_describe_failure(error))
    task = getattr(error, "task", None)
    spec = task.task_spec if task is not None else None
    return ScriptOverrunError(_code_kind(spec), getattr(spec, "bpmn_id", None),
                              getattr(spec, "bpmn_name", None), overrun.limit)


_CODE_KINDS = (
    ("ScriptTask", "スクリプト"), ("BusinessRuleTask", "判定表"), ("Gateway", "分岐条件"),
    ("Event", "イベントの式"),
)


def _code_kind(spec) -> str:
    if spec is None:
        return "プロセスの式"
    if getattr(spec, "prescript", None) or getattr(spec, "postscript", None):
        return "スクリプト"
    name = type(spec).__name__
    if isinstance(spec, MultiInstanceTask) or "Loop" in name:
        return "繰り返しの条件"
    return next((kind for marker, kind in _CODE_KINDS if marker in name), "式")


def fire_timers(workflow: BpmnWorkflow) -> None:
    """refresh_timers makes due timers READY; the engine steps then run them (notes §5)."""
    try:
        workflow.refresh_timers()  # evaluates timer expressions that depend on case data
    except (SpiffWorkflowException, ScriptBudgetExceededError) as error:
        raise _failure(error) from error
    _step(workflow)


def deliver_message(workflow: BpmnWorkflow, message: str, payload: Mapping[str, Any]) -> bool:
    """Sends a BPMN message and runs the process on to its next wait state; False if nothing waits for it."""
    try:
        workflow.send_event(BpmnEvent(MessageEventDefinition(message), payload=dict(payload)))
    except WorkflowException:
        return False
    except ScriptBudgetExceededError as error:  # a correlation key computed from the payload
        raise _failure(error) from error
    _step(workflow)
    return True


def fire_timer_now(workflow: BpmnWorkflow, bpmn_id: str) -> bool:
    """Makes one waiting timer due now and runs on (notes §5, option 3); False if nothing waits on it.

    For scenario files, which have no clock: "the notice deadline passes" is a step a process owner can write
    (the timers' dates in the start data stay the real ones)."""
    waiting = [task for task in workflow.get_tasks(state=TaskState.WAITING)
               if task.task_spec.bpmn_id == bpmn_id
               and isinstance(getattr(task.task_spec, "event_definition", None), TimerEventDefinition)]
    if not waiting:
        return False
    for task in waiting:
        task.internal_data["event_value"] = "2000-01-01T00:00:00+00:00"
    fire_timers(workflow)
    return True


def _describe_failure(error: SpiffWorkflowException) -> str:
    task = getattr(error, "task", None)
    where = f"{task.task_spec.bpmn_name or task.task_spec.bpmn_id}（{task.task_spec.bpmn_id}）" if task else ""
    line = getattr(error, "line_number", None)
    return f"プロセスの実行中にエラーが発生しました {where}{f' {line}行目' if line else ''}: {error}"


def outcome(workflow: BpmnWorkflow) -> str | None:
    """The ``outcome`` property of the end event the top-level process finished at."""
    if not workflow.is_completed():
        return None
    for task in workflow.get_tasks(state=TaskState.COMPLETED, skip_subprocesses=True):
        if type(task.task_spec).__name__ == "EndEvent" and task.workflow is workflow:
            found = task.task_spec.extensions.get("properties", {}).get("outcome")
            if found:
                return found
    return None


def active_element_ids(workflow: BpmnWorkflow) -> set[str]:
    return {t.task_spec.bpmn_id for t in workflow.get_tasks(state=_ACTIVE) if t.task_spec.bpmn_id}


def waiting_step_names(workflow: BpmnWorkflow) -> set[str]:
    """What a case that needs nobody right now waits for, as people read it (the board, the case page): the
    named events and receive tasks, e.g. 「期間満了の翌日」 or 「協定終了の申出を待つ」. A boundary event is part of
    the step it is attached to; an unnamed element is left out rather than shown as a bare id."""
    return {t.task_spec.bpmn_name for t in workflow.get_tasks(state=TaskState.WAITING)
            if t.task_spec.bpmn_name and not isinstance(t.task_spec, BoundaryEventMixin)}


def case_data(workflow: BpmnWorkflow) -> dict[str, Any]:
    """The case's data as the latest step left it (the workflow's own data once it has ended)."""
    if workflow.is_completed():
        return dict(workflow.data)
    latest = max(workflow.get_tasks(state=TaskState.COMPLETED, skip_subprocesses=True),
                 key=lambda t: t.last_state_change, default=None)
    return dict(latest.data) if latest else {}


def next_timer_due(workflow: BpmnWorkflow) -> datetime | None:
    """The earliest due time of the timers this workflow waits on (kept in an indexed column)."""
    due = []
    for task in workflow.get_tasks(state=TaskState.WAITING):
        definition = getattr(task.task_spec, "event_definition", None)
        if not isinstance(definition, TimerEventDefinition):
            continue
        value = task.internal_data.get("event_value")
        if isinstance(value, dict):
            value = value.get("next")
        if isinstance(value, str):
            due.append(_as_utc(value))
    return min(due, default=None)


def _as_utc(text: str) -> datetime:
    moment = datetime.fromisoformat(re.sub(r"Z$", "+00:00", text))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)  # the engine writes timer dates with an explicit offset
    return moment.astimezone(UTC)
