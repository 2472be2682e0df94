"""Checks a scenario file a process owner writes in the browser, before it is saved into a draft.

The runner (engine.library.scenarios) reports a broken scenario only when it runs; an owner typing one in a form
should hear at once which step names a task the process does not have, in the format of
docs/process-data.md ("Scenarios").
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from lxml import etree

from engine.definitions.bounded_json import read_json
from engine.definitions.lint import NS
from engine.domain.guideline import OUTCOMES

SCENARIO_NAME = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,80}$")
_STEP_KEYS = {"task", "project", "lane", "data", "expect_error"}
_MESSAGE_KEYS = {"message", "payload", "expect_refused"}  # a message arrives (e.g. 申出 from an agreement page)
_TIMER_KEYS = {"timer"}  # a timer's moment comes
_LANES = ("企業等", "総合政策課", "担当課")


def user_tasks(files: Mapping[str, str]) -> dict[str, str]:
    """Every user task id of the draft's diagrams (the process and those it calls), with its name."""
    found: dict[str, str] = {}
    for path, text in files.items():
        if path.endswith(".bpmn"):
            try:
                root = etree.fromstring(text.encode("utf-8"))
            except etree.XMLSyntaxError:
                continue
            for task in root.iterfind(".//bpmn:userTask", NS):
                found[task.get("id")] = task.get("name") or task.get("id")
    return found


def scenario_problems(text: str, tasks: Mapping[str, str]) -> list[str]:
    """Every problem of a scenario file, each naming the step it is in; empty when it can be saved."""
    try:
        scenario = read_json(text)
    except json.JSONDecodeError as error:
        return [f"JSON として読めません（{error.lineno}行目 {error.colno}文字目）: {error.msg}"]
    if not isinstance(scenario, dict):
        return ["シナリオは { … } の形のオブジェクトにしてください"]
    problems = []
    if not isinstance(scenario.get("name"), str) or not scenario["name"].strip():
        problems.append("「name」にシナリオの説明（日本語）を入れてください")
    start = scenario.get("start", {})
    if not isinstance(start, dict) or start.get("initiated_by", "organisation") not in (
        "organisation",
        "city",
    ):
        problems.append("「start.initiated_by」は organisation か city にしてください")
    steps = scenario.get("steps")
    if not isinstance(steps, list) or not steps:
        problems.append("「steps」に手順を1つ以上並べてください")
    else:
        for number, step in enumerate(steps, start=1):
            problems.extend(f"手順{number}: {p}" for p in _step_problems(step, tasks))
    problems.extend(_expect_problems(scenario.get("expect", {})))
    problems.extend(_dates_problems(scenario.get("dates", {})))
    return problems


_DATE_KEYS = ("today", "case_start", "signing")


def _dates_problems(dates: Any) -> list[str]:
    """``dates`` names the days date fields are measured against (engine.library.scenarios)."""
    if not isinstance(dates, dict) or set(dates) - set(_DATE_KEYS):
        return [f"「dates」は {{ {'、'.join(_DATE_KEYS)} : \"YYYY-MM-DD\" }} の形にしてください"]
    problems = []
    for key, value in dates.items():
        try:
            date.fromisoformat(value)
        except (TypeError, ValueError):
            problems.append(f"「dates.{key}」は YYYY-MM-DD の日付にしてください（{value!r}）")
    return problems


def _event_problems(step: dict[str, Any]) -> list[str]:
    kind, keys = ("message", _MESSAGE_KEYS) if "message" in step else ("timer", _TIMER_KEYS)
    problems = []
    if not isinstance(step[kind], str) or not step[kind].strip():
        problems.append(f"「{kind}」には{'メッセージ名' if kind == 'message' else 'タイマーの BPMN ID'}を入れてください")
    unknown = sorted(set(step) - keys)
    if unknown:
        problems.append(f"使えない項目があります: {', '.join(unknown)}")
    if not isinstance(step.get("payload", {}), dict):
        problems.append("「payload」は { 項目: 値 } の形にしてください")
    return problems


def _step_problems(step: Any, tasks: Mapping[str, str]) -> list[str]:
    if not isinstance(step, dict):
        return ['手順は { "task": …, "data": { … } } の形にしてください']
    if "message" in step or "timer" in step:
        return _event_problems(step)
    problems = []
    if step.get("task") not in tasks:
        known = "、".join(sorted(tasks)) or "なし"
        problems.append(
            f"タスク「{step.get('task')}」はこのプロセスのユーザータスクにありません（あるもの: {known}）"
        )
    unknown = sorted(set(step) - _STEP_KEYS)
    if unknown:
        problems.append(f"使えない項目があります: {', '.join(unknown)}")
    if not isinstance(step.get("data", {}), dict):
        problems.append("「data」は { 項目: 値 } の形にしてください")
    if "expect_error" in step and not isinstance(step["expect_error"], dict):
        problems.append("「expect_error」は { 項目: 説明 } の形にしてください")
    if "lane" in step and step["lane"] not in _LANES:
        problems.append(f"「lane」は {'・'.join(_LANES)} のいずれかにしてください")
    if "project" in step and not isinstance(step["project"], str):
        problems.append('「project」は事業番号（例: "P1"）にしてください')
    return problems


def _expect_problems(expect: Any) -> list[str]:
    if not isinstance(expect, dict):
        return ['「expect」は { "outcome": …, "data": { … } } の形にしてください']
    if "outcome" in expect and expect["outcome"] not in OUTCOMES:
        return [f"「expect.outcome」は {', '.join(OUTCOMES)} のいずれかにしてください"]
    return []
