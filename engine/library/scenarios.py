"""Scenario files (``processes/<id>/scenarios/*.json``) run against a process definition.

A scenario is data a process owner can read: the inputs each user task receives and the end state
expected (format in docs/process-data.md). Each step goes through the same form validation and runner
as production, and the workflow is saved and restored between steps, so a scenario also proves that
every state survives serialization.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from engine.definitions.bounded_json import read_json
from engine.definitions.bundle import Bundle
from engine.definitions.compiler import CompiledProcess, compile_process
from engine.definitions.identifiers import bpmn_path
from engine.demo_data import department_options
from engine.domain.conclusion import signing_refusal, step_refusal
from engine.domain.japan_time import today_in_japan
from engine.errors import DefinitionError, FormDataError, RenkeiError
from engine.forms.submission import DateBounds, options_from_data, validate_submission
from engine.workflow.runner import (
    ReadyTask,
    assign_project_ids,
    case_data,
    complete_task,
    deliver_message,
    fire_timer_now,
    outcome,
    ready_tasks,
    start_workflow,
)
from engine.workflow.serialization import dump_workflow, load_workflow


@dataclass
class ScenarioResult:
    process_id: str
    file_name: str
    name: str
    steps_passed: int = 0
    failure: str | None = None
    log: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.failure is None


class ScenarioFailed(Exception):
    pass


def _options_for(scenario: Mapping[str, Any]):
    departments = scenario.get("departments") or department_options()

    def options(key: str, data: Mapping[str, Any]) -> list[dict[str, Any]]:
        return departments if key == "departments" else options_from_data(key, data)

    return options


def _pick(ready: list[ReadyTask], step: Mapping[str, Any], number: int) -> ReadyTask:
    matches = [t for t in ready if t.bpmn_id == step["task"]]
    if "project" in step:
        matches = [t for t in matches if (t.project or {}).get("id") == step["project"]]
    if not matches:
        waiting = ", ".join(f"{t.bpmn_id}" + (f"[{t.project.get('id')}]" if t.project else "") for t in ready)
        raise ScenarioFailed(f"手順{number}: タスク {step['task']}{'[' + step['project'] + ']' if 'project' in step else ''}"
                             f" が実行可能になっていません（実行可能: {waiting or 'なし'}）")
    task = matches[0]
    if step.get("lane") and (task.lane is None or task.lane.value != step["lane"]):
        raise ScenarioFailed(f"手順{number}: {task.bpmn_id} のレーンは {task.lane} で、{step['lane']} ではありません")
    return task


def _dates_for(scenario: Mapping[str, Any]) -> DateBounds:
    """``dates`` of a scenario: ``today`` (default: today in Japan) and the anchors a case would take from its
    records (``case_start``, ``signing``), so a scenario about date bounds reads the same on any day."""
    given = scenario.get("dates") or {}
    try:
        today = date.fromisoformat(given["today"]) if "today" in given else today_in_japan(datetime.now(UTC))
        anchors = {name: date.fromisoformat(given[name]) for name in ("case_start", "signing") if name in given}
    except (TypeError, ValueError) as error:
        raise ScenarioFailed(f"dates: 日付は YYYY-MM-DD で書いてください（{error}）") from None
    return DateBounds(today, anchors)


def _run_event(state: str, step: Mapping[str, Any], number: int) -> tuple[str, str]:
    """A step that is not a person's task: a message arrives (e.g. a 申出 from an agreement's page) or a
    timer's moment comes. ``expect_refused`` states that nothing waits for the message at that point."""
    workflow = load_workflow(state)
    if "timer" in step:
        if not fire_timer_now(workflow, step["timer"]):
            raise ScenarioFailed(f"手順{number}: タイマー {step['timer']} を待っていません")
        return dump_workflow(workflow), f"手順{number} タイマー {step['timer']}: 期日到来"
    delivered = deliver_message(workflow, step["message"], step.get("payload", {}))
    if step.get("expect_refused"):
        if delivered:
            raise ScenarioFailed(f"手順{number}: メッセージ {step['message']} は受け付けられないはずでした")
        return state, f"手順{number} メッセージ {step['message']}: 期待どおり受付なし"
    if not delivered:
        raise ScenarioFailed(f"手順{number}: メッセージ {step['message']} を待っていません")
    return dump_workflow(workflow), f"手順{number} メッセージ {step['message']}: 受付"


def _run_step(process: CompiledProcess, state: str, step: Mapping[str, Any], number: int, options,
              dates: DateBounds, verified: bool = True) -> tuple[str, str]:
    """``dates``: today and the case's anchors (``_dates_for``); ``verified``: whether 総合政策課 verified the
    organisation (the scenario's ``organisation_verified``)."""
    if "message" in step or "timer" in step:
        return _run_event(state, step, number)
    workflow = load_workflow(state)
    task = _pick(ready_tasks(workflow), step, number)
    form = process.forms[task.form_ref]
    try:
        cleaned = validate_submission(form, step.get("data", {}), task.data, options, dates)
        cleaned = assign_project_ids(cleaned, task.data)
        # The engine's own R-3 checks, as on the page and the API (engine.domain.conclusion).
        if refusal := step_refusal(task.data, cleaned, organisation_verified=verified):
            raise FormDataError(refusal)
        complete_task(workflow, task.id, cleaned)
        after = case_data(workflow)
        if refusal := signing_refusal(task.data, cleaned, after, organisation_verified=verified):
            raise FormDataError(refusal)
    except FormDataError as error:
        expected = step.get("expect_error")
        if expected is None:
            raise ScenarioFailed(f"手順{number} {task.bpmn_id}: 入力が拒否されました: {error.errors}") from None
        missing = [key for key in expected if key not in error.errors]
        if missing:
            raise ScenarioFailed(f"手順{number} {task.bpmn_id}: {missing} の誤りが期待されましたが、"
                                 f"実際の誤りは {error.errors}") from None
        # A message given in the scenario must appear in the refusal (e.g. exactly which requirement failed).
        wrong = {key: error.errors[key] for key, text in expected.items()
                 if text and text not in error.errors[key]}
        if wrong:
            raise ScenarioFailed(f"手順{number} {task.bpmn_id}: 誤りの内容が期待と違います: 期待 "
                                 f"{ {key: expected[key] for key in wrong} }、実際 {wrong}") from None
        return state, f"手順{number} {task.name}: 期待どおり拒否 {sorted(error.errors)}"
    if step.get("expect_error") is not None:
        raise ScenarioFailed(f"手順{number} {task.bpmn_id}: 拒否されるはずの入力が受け付けられました")
    return dump_workflow(workflow), f"手順{number} {task.name}: 完了"


def _subset_mismatch(expected: Any, actual: Any, path: str) -> str | None:
    if isinstance(expected, Mapping):
        if not isinstance(actual, Mapping):
            return f"{path}: {actual!r} は辞書ではありません"
        for key, value in expected.items():
            if key not in actual:
                return f"{path}.{key}: ありません"
            problem = _subset_mismatch(value, actual[key], f"{path}.{key}")
            if problem:
                return problem
        return None
    return None if expected == actual else f"{path}: 期待 {expected!r}、実際 {actual!r}"


def run_scenario(process: CompiledProcess, file_name: str, scenario: Mapping[str, Any]) -> ScenarioResult:
    result = ScenarioResult(process.process_id, file_name, scenario.get("name", file_name))
    options = _options_for(scenario)
    try:
        dates = _dates_for(scenario)
        start = dict(scenario.get("start", {}))
        data = {**start.pop("data", {}), **start}
        state = dump_workflow(start_workflow(process, data))
        for number, step in enumerate(scenario.get("steps", []), start=1):
            state, line = _run_step(process, state, step, number, options, dates,
                                    scenario.get("organisation_verified", True) is not False)
            result.log.append(line)
            result.steps_passed = number
        _check_end(load_workflow(state), scenario.get("expect", {}))
    except ScenarioFailed as failure:
        result.failure = str(failure)
    except RenkeiError as error:
        result.failure = f"手順{result.steps_passed + 1}: {error}"
    return result


def _check_end(workflow, expect: Mapping[str, Any]) -> None:
    if "outcome" in expect:
        actual = outcome(workflow)
        if actual != expect["outcome"]:
            waiting = ", ".join(t.bpmn_id for t in ready_tasks(workflow))
            raise ScenarioFailed(f"終了状態: 期待 {expect['outcome']}、実際 {actual or '未終了'}"
                                 + (f"（実行可能: {waiting}）" if waiting else ""))
    if "data" in expect:
        problem = _subset_mismatch(expect["data"], case_data(workflow), "data")
        if problem:
            raise ScenarioFailed(f"終了時のデータ: {problem}")
    for absent in expect.get("absent", []):
        if absent in case_data(workflow):
            raise ScenarioFailed(f"終了時のデータ: {absent} があってはなりません")


def run_bundle(bundle: Bundle, process_ids: list[str] | None = None) -> list[ScenarioResult]:
    """Runs the scenarios of each process; a process that does not compile fails with its problems."""
    results = []
    for process_id in process_ids or bundle.process_ids():
        scenarios = bundle.scenarios(process_id)
        try:
            process = compile_process(bundle, process_id)
        except DefinitionError as error:
            results.append(ScenarioResult(process_id, bpmn_path(process_id), "定義の検証", failure=str(error)))
            continue
        for file_name, content in sorted(scenarios.items()):
            try:
                scenario = read_json(content)
            except json.JSONDecodeError as error:
                results.append(ScenarioResult(process_id, file_name, file_name, failure=f"JSON として読めません: {error}"))
                continue
            results.append(run_scenario(process, file_name, scenario))
    return results
