"""What a new version of a process changes for one running case, and moving the case's workflow onto it.

SpiffWorkflow's diff (notes §11) aligns the old and new task specs by id and lists every serialized attribute
that differs. The rule Renkei keeps is the conservative one of its documentation: a case cannot move when a
task it has completed or started was changed or removed. Only what a task does counts as a change: its
wording (``_WORDING``) is read for tasks still to come, never again for one that is done.
"""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.util.diff import SpecDiff, WorkflowDiff, migrate_workflow
from SpiffWorkflow.exceptions import SpiffWorkflowException

from engine.definitions.compiler import CompiledProcess
from engine.errors import CaseStateError
from engine.workflow.serialization import library_serializer

_TOUCHED = TaskState.COMPLETED | TaskState.STARTED
# Attributes of a task spec that only describe it to people. SpiffWorkflow's SpecDiff counts every serialized
# attribute, so renaming a task (its ``name`` attribute is ``bpmn_name``; the id, ``name``, is what aligns the
# versions) would otherwise make it "changed" and block every case that has completed it, though a completed
# task's name is never read again: its history keeps the name it had when it was done (audit ``step``).
_WORDING = frozenset({"bpmn_name", "documentation"})
# Diffs convert specs through a registry of their own: SpiffWorkflow's serialize_json puts the registry it
# uses into an "encoder mode" for the length of a dump, which would change a diff's conversions if a dump
# ran in another thread of the same web worker at that moment.
_DIFF_REGISTRY = library_serializer().registry


def _label(task) -> str:
    spec = task.task_spec
    return f"{spec.bpmn_name}（{spec.bpmn_id}）" if spec.bpmn_name else (spec.bpmn_id or spec.name)


def _touched_changes(diff: WorkflowDiff, removed_word: str = "削除") -> list[str]:
    reasons = []
    for task, word in [*((t, "変更") for t in diff.changed), *((t, removed_word) for t in diff.removed)]:
        if task.state & _TOUCHED:
            reasons.append(f"「{_label(task)}」は{_done(task)}ですが、新しいバージョンで{word}されています")
    return reasons


def _done(task) -> str:
    return "完了済み" if task.state == TaskState.COMPLETED else "実行中"


def _renamed(workflow, spec_diff: _SpecDiff) -> list[str]:
    """The tasks the case has completed or started whose new version differs only in wording."""
    notes = []
    for task in workflow.get_tasks(state=_TOUCHED, skip_subprocesses=True):
        old, new = task.task_spec, spec_diff.alignment.get(task.task_spec)
        if new is None or spec_diff.comparisons.get(old) or not spec_diff.wording.get(old):
            continue
        if new.bpmn_name != old.bpmn_name:
            what = f"名称が「{new.bpmn_name or new.bpmn_id}」に変わる"
        else:
            what = "説明文が変わる"
        notes.append(f"{_done(task)}の「{_label(task)}」は{what}だけなので、移行を妨げません")
    return notes


class _SpecDiff(SpecDiff):
    """SpiffWorkflow's spec diff without the wording changes (``_WORDING``), which it keeps in ``wording``."""

    def __init__(self, original, new) -> None:
        super().__init__(_DIFF_REGISTRY, original, new)
        self.wording = {spec: [a for a in found if a in _WORDING] for spec, found in self.comparisons.items()}
        self.comparisons = {
            spec: [a for a in found if a not in _WORDING] for spec, found in self.comparisons.items()
        }


@dataclass(frozen=True)
class _CaseDiff:
    """``diff_workflow``'s answer, with the spec diffs kept: (top diff, its spec diff) and the same per
    subprocess id (None when the called process is gone from the new version)."""

    top: tuple[WorkflowDiff, _SpecDiff]
    subprocesses: dict[object, tuple[WorkflowDiff, _SpecDiff] | None]


def _diff(workflow: BpmnWorkflow, target: CompiledProcess) -> _CaseDiff:
    """``SpiffWorkflow.bpmn.util.diff.diff_workflow``, comparing behaviour only (see ``_WORDING``)."""

    def one(process, new_spec) -> tuple[WorkflowDiff, _SpecDiff]:
        spec_diff = _SpecDiff(process.spec, new_spec)
        return WorkflowDiff(process, spec_diff), spec_diff

    subprocesses = {
        sp_id: one(sp, target.called_specs[sp.spec.name]) if sp.spec.name in target.called_specs else None
        for sp_id, sp in workflow.subprocesses.items()
    }
    return _CaseDiff(one(workflow, target.spec), subprocesses)


def blockers(workflow: BpmnWorkflow, target: CompiledProcess) -> list[str]:
    """Why the case cannot move to ``target`` (SpiffWorkflow's diff of the case against the new specs)."""
    return assess(workflow, target)[0]


def assess(workflow: BpmnWorkflow, target: CompiledProcess) -> tuple[list[str], list[str]]:
    """(why the case cannot move, what it has met that does not stop it), each said once: multi-instance
    children share a spec."""
    diff = _diff(workflow, target)
    reasons, notes = _touched_changes(diff.top[0]), _renamed(workflow, diff.top[1])
    for subprocess_id, found in diff.subprocesses.items():
        subprocess = workflow.subprocesses[subprocess_id]
        name = subprocess.spec.name
        if found is None:
            reasons.append(f"実行中の呼び出しプロセス「{name}」が新しいバージョンにありません")
        else:
            reasons.extend(f"{name}: {reason}" for reason in _touched_changes(found[0]))
            notes.extend(f"{name}: {note}" for note in _renamed(subprocess, found[1]))
    return list(dict.fromkeys(reasons)), list(dict.fromkeys(notes))


def migrate_in_memory(workflow: BpmnWorkflow, target: CompiledProcess) -> None:
    """Swaps the specs (subprocesses first), re-predicts what was ready or waiting, runs to the next wait."""
    diff = _diff(workflow, target)
    waiting = _waiting_state(workflow, diff)
    for subprocess_id, found in diff.subprocesses.items():
        subprocess = workflow.subprocesses[subprocess_id]
        migrate_workflow(found[0], subprocess, target.called_specs[subprocess.spec.name])
    migrate_workflow(diff.top[0], workflow, target.spec)
    workflow.subprocess_specs = target.called_specs
    for task in workflow.get_tasks():
        if task.id in waiting:
            task.data, task.internal_data = waiting[task.id]
    try:
        workflow.do_engine_steps()
    except SpiffWorkflowException as error:
        raise CaseStateError(f"移行後の実行でエラーが発生しました: {error}") from error


def _waiting_state(workflow: BpmnWorkflow, diff: _CaseDiff) -> dict:
    """What each ready or waiting task whose spec did not change holds before ``migrate_workflow`` resets it.

    The reset re-predicts the task's branch for the new version, but gives the task its parent's data, which
    for a multi-instance task lacks the element variable (⑤'s ``reviewed_project``: the task could no longer
    be routed), and clears its internal data (the moment a timer was set for). A task whose spec changed is
    left to SpiffWorkflow: it is worked out anew (a multi-instance that was a single task sets itself up).
    """
    spec_diffs = {id(workflow): diff.top[1]}
    for subprocess_id, found in diff.subprocesses.items():
        if found is not None:
            spec_diffs[id(workflow.subprocesses[subprocess_id])] = found[1]
    kept = {}
    for task in workflow.get_tasks(state=TaskState.READY | TaskState.WAITING):
        spec_diff = spec_diffs.get(id(task.workflow))
        if spec_diff is not None and spec_diff.comparisons.get(task.task_spec) == []:
            kept[task.id] = (task.data, deepcopy(task.internal_data))
    return kept
