"""A ready task goes to the party its lane names (R-5.2: a 担当課 task to the department owning the project)."""

from __future__ import annotations

from types import SimpleNamespace
from uuid import uuid4

import pytest

from engine.cases.routing import Directory, RoutingError, route
from engine.domain.guideline import Lane
from engine.workflow.runner import ReadyTask

SHONAN = SimpleNamespace(organisation_id=7, organisation=SimpleNamespace(name="湘南サンプル株式会社"))
SEISAKU = SimpleNamespace(id=1, code="seisaku", name="総合政策課", is_coordinator=True, active=True)
KANKYO = SimpleNamespace(id=2, code="kankyo", name="環境政策課", is_coordinator=False, active=True)


def ready(lane: Lane | None, department: str | None = None) -> ReadyTask:
    project = {"id": "P1", "title": "海岸清掃", "department": department} if lane is Lane.DEPARTMENT else None
    return ReadyTask(uuid4(), "review_project", "⑤ 個別協議", lane, None, "comprehensive_agreement", project, {})


def test_each_lane_goes_to_its_party():
    directory = Directory([KANKYO, SEISAKU])
    assert route(ready(Lane.ORGANISATION), SHONAN, directory) == (7, None, "湘南サンプル株式会社")
    assert route(ready(Lane.COORDINATOR), SHONAN, directory) == (None, 1, "総合政策課")
    assert route(ready(Lane.DEPARTMENT, "kankyo"), SHONAN, directory) == (None, 2, "環境政策課")


def test_a_project_whose_department_is_unknown_is_refused_naming_the_task_and_the_project():
    with pytest.raises(RoutingError, match=r"⑤ 個別協議（review_project）: 事業 P1 の担当課が決まっていません"):
        route(ready(Lane.DEPARTMENT, "nowhere"), SHONAN, Directory([SEISAKU, KANKYO]))


def test_without_a_coordinating_division_a_coordinator_task_is_refused():
    with pytest.raises(RoutingError, match="総合政策課（調整担当の課）が登録されていません"):
        route(ready(Lane.COORDINATOR), SHONAN, Directory([KANKYO]))


def test_a_deactivated_coordinating_division_does_not_receive_tasks():
    retired = SimpleNamespace(**{**vars(SEISAKU), "active": False})
    with pytest.raises(RoutingError):
        route(ready(Lane.COORDINATOR), SHONAN, Directory([retired, KANKYO]))


def test_a_task_outside_the_three_lanes_reaches_nobody():
    with pytest.raises(RoutingError, match="役割のレーンにありません"):
        route(ready(None), SHONAN, Directory([SEISAKU]))
