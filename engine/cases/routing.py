"""Routing by lane (issue #2 item 6): which organisation or department a ready user task goes to.

The one rule, used by the projection when a task becomes ready and by case migration when it previews the
tasks a case would wait on after a move, so the two cannot disagree about a missing department:
- 企業等's lane → the case's organisation;
- 総合政策課's lane → the coordinating division (the active department marked 調整担当);
- 担当課's lane → the department whose code the process data names for the task's project (R-5.2: the
  department that owns that project); a code no department has is refused;
- any other lane is refused: a task outside the three roles' lanes reaches nobody.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from engine.domain.guideline import Lane
from engine.errors import WorkflowFailure
from engine.persistence.models import Case, Department
from engine.persistence.models.department import coordinator_among
from engine.workflow.runner import ReadyTask


class RoutingError(WorkflowFailure):
    """A ready task has nobody to go to; the step that made it ready is refused (nothing is saved)."""


class Route(NamedTuple):
    organisation_id: int | None
    department_id: int | None
    holder: str  # the organisation's or department's name, as staff read it


class Directory:
    """The departments as read once for a step: by code, and the coordinating division."""

    def __init__(self, departments: Iterable[Department]) -> None:
        listed = sorted(departments, key=lambda d: d.id)
        self.by_code = {d.code: d for d in listed}
        self.coordinating = coordinator_among(listed)


def route(task: ReadyTask, case: Case, directory: Directory) -> Route:
    """Where ``task`` goes; raises RoutingError naming the task (and its project) when it has nowhere to go."""
    if task.lane is Lane.ORGANISATION:
        return Route(case.organisation_id, None, case.organisation.name)
    if task.lane is Lane.COORDINATOR:
        if directory.coordinating is None:
            raise RoutingError(f"{task.name}（{task.bpmn_id}）: 総合政策課（調整担当の課）が登録されていません")
        return Route(None, directory.coordinating.id, directory.coordinating.name)
    if task.lane is Lane.DEPARTMENT:
        department = directory.by_code.get(task.department or "")
        if department is None:
            project = (task.project or {}).get("id", "?")
            raise RoutingError(f"{task.name}（{task.bpmn_id}）: 事業 {project} の担当課が決まっていません")
        return Route(None, department.id, department.name)
    raise RoutingError(f"{task.name}（{task.bpmn_id}）は役割のレーンにありません")
