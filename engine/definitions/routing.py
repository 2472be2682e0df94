"""A 担当課 task must know its project: checked at deploy time instead of failing when a case reaches it.

A task in the 担当課 lane is routed to the department of the project of the nearest enclosing multi-instance
(docs/process-data.md, "Routing by lane"): its own, an embedded subprocess's, or that of the multi-instance
call activity its process is called from. A 担当課 user task with none of these cannot be routed, and a case
would stop there with an error; a process owner who drags a task into the 担当課 lane hears it at once.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from lxml import etree

from engine.definitions.lint import NS
from engine.domain.guideline import Lane
from engine.errors import DefinitionProblem

_MI = "bpmn:multiInstanceLoopCharacteristics"
MESSAGE = (
    "担当課のユーザータスクは、事業ごとの繰り返し（マルチインスタンス）の中に置いてください"
    "（担当課は繰り返しの要素の事業の department で決まります）"
)


def _called_per_project(roots: Mapping[str, etree._Element]) -> set[str]:
    return {
        call.get("calledElement")
        for root in roots.values()
        for call in root.iterfind(".//bpmn:callActivity", NS)
        if call.find(_MI, NS) is not None
    }


def _lane_of(task, lanes: Mapping[str, str]) -> str | None:
    """The task's own lane, or that of the embedded subprocess it sits in (as SpiffWorkflow assigns it)."""
    current = task
    while current is not None and etree.QName(current).localname != "process":
        if current.get("id") in lanes:
            return lanes[current.get("id")]
        current = current.getparent()
    return None


def _inside_multi_instance(task) -> bool:
    current = task
    while current is not None and etree.QName(current).localname != "process":
        if current.find(_MI, NS) is not None:
            return True
        current = current.getparent()
    return False


def department_task_problems(
    files: Mapping[str, bytes], called_only: set[str] = frozenset()
) -> Iterator[DefinitionProblem]:
    """``called_only``: processes that start no case of their own (``starts_cases: false``); a caller outside
    this bundle may run them per project, so only the processes that start cases are held to the rule."""
    roots = {name: etree.fromstring(content) for name, content in files.items()}
    per_project = _called_per_project(roots) | set(called_only)
    for file_name, root in roots.items():
        for process in root.iterfind("bpmn:process", NS):
            if process.get("id") in per_project:
                continue
            lanes = {
                ref.text.strip(): lane.get("name")
                for lane in process.iterfind(".//bpmn:lane", NS)
                for ref in lane.iterfind("bpmn:flowNodeRef", NS)
                if ref.text
            }
            for task in process.iterfind(".//bpmn:userTask", NS):
                lane = _lane_of(task, lanes)
                if Lane.from_bpmn(lane) is Lane.DEPARTMENT and not _inside_multi_instance(task):
                    yield DefinitionProblem(
                        file_name, MESSAGE, task.get("id"), task.get("name"), lane, task.sourceline
                    )
