"""Keeps the board's columns of ``case_record`` in step with the workflow (called from engine.cases.projection).

The board and the figures filter and sort on these indexed columns for thousands of cases, so what
they need from the workflow (where the case stands, how far a parallel step is) is written here, on
each step, while the workflow is loaded anyway.
"""

from __future__ import annotations

from datetime import datetime

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask

from engine.board.steps import INDIVIDUAL, INDIVIDUAL_PROCESS, OTHER, WAITING, step_of
from engine.domain.japan_time import JAPAN
from engine.domain.projects import tally
from engine.domain.validity import fiscal_year
from engine.persistence.models import Case, HumanTask, Project

_ACTIVE = TaskState.READY | TaskState.STARTED | TaskState.WAITING


def refresh(case: Case, workflow: BpmnWorkflow, open_tasks: list[HumanTask], projects: list[Project] | None,
            now: datetime) -> None:
    """``open_tasks``: the case's ready task rows, oldest first; ``projects``: its projects not removed,
    or None when the step changed none (the counts stand). ``project_count``/``category_count`` are the
    partnership projects of R-3.3/R-3.4 (engine.domain.projects), the figures ⑥ shows."""
    if case.fiscal_year is None:
        case.fiscal_year = fiscal_year(case.started_at.astimezone(JAPAN).date())
    if projects is not None:
        counted = tally(projects)  # the numbers ⑥ shows, not the proposals
        case.project_count, case.category_count = counted.project_count, counted.category_count
    if case.status != "running":
        case.board_step, case.waiting_lane, case.parallel_done, case.parallel_total = None, None, None, None
        return
    case.board_step = _column(workflow, open_tasks)
    case.waiting_lane = open_tasks[0].lane if open_tasks else None
    case.parallel_done, case.parallel_total = _parallel_progress(workflow)
    if case.board_step == INDIVIDUAL and case.fell_back_at is None:
        case.fell_back_at = now


def _column(workflow: BpmnWorkflow, open_tasks: list[HumanTask]) -> str:
    """Open tasks of the called 個別協定 process mean the case is in the fallback (R-5.8)."""
    if any(task.process_id == INDIVIDUAL_PROCESS for task in open_tasks):
        return INDIVIDUAL
    names = [task.name for task in open_tasks]
    if names:
        return step_of(names) or OTHER
    active = [t.task_spec.bpmn_name or "" for t in workflow.get_tasks(state=_ACTIVE, skip_subprocesses=True)]
    return step_of(active) or WAITING


def _parallel_progress(workflow: BpmnWorkflow) -> tuple[int | None, int | None]:
    """Instances done and in total of the multi-instance steps running now (``⑤ 3件中2件完了``)."""
    done = total = 0
    for task in workflow.get_tasks(state=TaskState.STARTED, skip_subprocesses=True):
        if isinstance(task.task_spec, MultiInstanceTask):
            info = task.task_spec.task_info(task)
            done += len(info["completed"])
            total += len(info["completed"]) + len(info["running"]) + len(info["future"])
    return (done, total) if total else (None, None)
