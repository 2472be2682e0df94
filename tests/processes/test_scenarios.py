"""Every scenario file next to the BPMN runs against it, with a save/restore between every step."""

from __future__ import annotations

import json

import pytest
from lxml import etree

from engine.definitions.bundle import Bundle
from engine.definitions.compiler import compile_process
from engine.library.scenarios import run_bundle, run_scenario
from tests.conftest import PROCESSES

BUNDLE = Bundle.from_folder(PROCESSES)
SCENARIOS = [(pid, name) for pid in BUNDLE.process_ids() for name in sorted(BUNDLE.scenarios(pid))]


def test_every_process_has_scenarios():
    assert {pid for pid, _ in SCENARIOS} == set(BUNDLE.process_ids())


@pytest.mark.parametrize(("process_id", "file_name"), SCENARIOS, ids=[name.split("/")[-1] for _, name in SCENARIOS])
def test_scenario(process_id, file_name):
    process = compile_process(BUNDLE, process_id)
    result = run_scenario(process, file_name, json.loads(BUNDLE.files[file_name]))
    assert result.passed, f"{result.name}\n" + "\n".join(result.log) + f"\n{result.failure}"
    assert result.steps_passed == len(json.loads(BUNDLE.files[file_name])["steps"])


def test_a_scenario_that_no_longer_matches_the_diagram_names_the_failing_step():
    name = "comprehensive_agreement/scenarios/organisation_concludes.json"
    scenario = json.loads(BUNDLE.files[name])
    scenario["steps"][1]["task"] = "assign_departments"  # skips ②: ③ is not ready yet
    result = run_scenario(compile_process(BUNDLE, "comprehensive_agreement"), name, scenario)
    assert not result.passed
    assert result.failure.startswith("手順2: タスク assign_departments が実行可能になっていません")
    assert "record_partnership" in result.failure


def test_a_scenario_expecting_a_different_end_state_fails():
    name = "comprehensive_agreement/scenarios/organisation_concludes.json"
    scenario = json.loads(BUNDLE.files[name])
    scenario["expect"]["outcome"] = "individual_only"
    result = run_scenario(compile_process(BUNDLE, "comprehensive_agreement"), name, scenario)
    assert result.failure == "終了状態: 期待 individual_only、実際 concluded"


def test_a_process_that_does_not_compile_fails_its_scenarios():
    broken = Bundle({**BUNDLE.files, "comprehensive_agreement/forms/proposal.form": b"{"})
    [result] = [r for r in run_bundle(broken, ["comprehensive_agreement"])]
    assert not result.passed and "proposal.form" in result.failure


@pytest.mark.parametrize("file_name", sorted(n for n in BUNDLE.files if n.endswith(".dmn")))
def test_a_decision_table_says_its_cells_are_python_as_the_engine_reads_them(file_name):
    """SpiffWorkflow evaluates every DMN cell as Python whatever the file says; saying so keeps modelers
    (dmn-js, Camunda Modeler) from offering FEEL, whose ``>= 3`` or ``"a"`` would mean something else."""
    root = etree.fromstring(BUNDLE.files[file_name])
    expressions = root.xpath("//*[local-name()='inputExpression' or local-name()='inputEntry'"
                             " or local-name()='outputEntry']")
    assert root.get("expressionLanguage") == "python" and expressions
    assert {e.get("expressionLanguage") for e in expressions} == {"python"}


def test_a_message_or_timer_step_the_process_does_not_wait_for_names_the_failing_step():
    name = "agreement_lifecycle/scenarios/notice_in_time_ends.json"
    process = compile_process(BUNDLE, "agreement_lifecycle")
    scenario = json.loads(BUNDLE.files[name])
    scenario["steps"][1] = {**scenario["steps"][1], "expect_refused": False}  # a second notice is not awaited
    result = run_scenario(process, name, scenario)
    assert not result.passed and result.failure == "手順2: メッセージ termination_notice を待っていません"
    scenario = json.loads(BUNDLE.files[name])
    scenario["steps"][0] = {"timer": "notice_window_closed"}
    scenario["steps"][1] = {"timer": "notice_window_closed"}  # fired once: the late window replaced it
    result = run_scenario(process, name, scenario)
    assert not result.passed and result.failure == "手順2: タイマー notice_window_closed を待っていません"
