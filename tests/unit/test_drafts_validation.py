"""Issue #6 item 3: a draft is refused with every problem listed by element (id, name, lane, XML line).

One broken diagram per rule, checked through the same report the modeler page shows. Nothing is run:
a refused draft's scenarios never start (see test_a_malicious_script_is_refused_and_never_executed).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.library.draft_checks import dry_run_files, validate_files
from tests.diagrams import FORM, tiny_bpmn

MARKER = Path("/tmp/renkei-draft-script-ran")
SCENARIO = {
    "name": "メモを入力して完了する",
    "start": {"initiated_by": "city"},
    "steps": [{"task": "work", "data": {"note": "メモ"}}],
    "expect": {"outcome": "concluded"},
}


def draft(bpmn: str | None = None, form: dict | str | None = None, **changes) -> dict[str, str]:
    return {
        "tiny/tiny.bpmn": bpmn if bpmn is not None else tiny_bpmn(**changes),
        "tiny/forms/note.form": form
        if isinstance(form, str)
        else json.dumps(form or FORM, ensure_ascii=False),
        "tiny/process.json": json.dumps({"name": "小さな手続き"}, ensure_ascii=False),
        "tiny/scenarios/done.json": json.dumps(SCENARIO, ensure_ascii=False),
    }


def line_of(xml: str, text: str) -> int:
    return next(number for number, line in enumerate(xml.splitlines(), start=1) if text in line)


def problems(files: dict[str, str]):
    report = validate_files(files, "tiny")
    assert not report.ok
    return report.problems


def test_the_tiny_draft_passes_validation_and_its_scenario():
    run = dry_run_files(draft(), "tiny")
    assert run.validation.ok and run.passed
    assert run.results[0].log == ["手順1 ① 作業: 完了"]


def test_xml_that_is_not_well_formed_is_refused_with_its_line():
    broken = tiny_bpmn().replace("</bpmn:process>", "</bpmn:proces>")
    [problem] = problems(draft(bpmn=broken))
    assert (problem.file_name, problem.line) == ("tiny/tiny.bpmn", line_of(broken, "</bpmn:proces>"))
    assert problem.message.startswith("XML として読めません")


def test_an_xsd_violation_is_refused():
    broken = tiny_bpmn().replace('<bpmn:startEvent id="start">', '<bpmn:startEvent id="start" bogus="1">')
    [problem] = problems(draft(bpmn=broken))
    assert "BPMN スキーマ違反" in problem.message and "bogus" in problem.message


@pytest.mark.parametrize("element", ["check", "f2"])
def test_an_element_without_diagram_layout_is_refused_by_id_and_line(element):
    [problem] = [p for p in problems(draft(drop_shape=element)) if p.element_id == element]
    assert problem.message == "図（BPMN DI）に配置されていません"
    assert problem.line is not None


def test_a_lane_that_is_not_one_of_the_three_roles_is_refused():
    found = problems(draft(lane="営業部"))
    lane = next(p for p in found if p.element_id == "lane1")
    assert (lane.element_name, lane.line) == (
        "営業部",
        line_of(tiny_bpmn(lane="営業部"), '<bpmn:lane id="lane1"'),
    )
    assert lane.message == "レーン名は「企業等」「総合政策課」「担当課」のいずれかにしてください"


def test_a_department_task_outside_a_per_project_repetition_is_refused_because_it_cannot_be_routed():
    [problem] = problems(draft(lane="担当課"))
    assert (problem.element_id, problem.lane) == ("work", "担当課")
    assert problem.message.startswith(
        "担当課のユーザータスクは、事業ごとの繰り返し（マルチインスタンス）の中に置いてください"
    )


def test_a_department_task_repeated_per_project_is_accepted():
    repeated = tiny_bpmn(lane="担当課").replace(
        "<bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>",
        "<bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing><bpmn:multiInstanceLoopCharacteristics>"
        "<bpmn:loopDataInputRef>projects</bpmn:loopDataInputRef>"
        '<bpmn:inputDataItem id="project" name="project"/>'
        "</bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>",
    )
    assert validate_files(draft(bpmn=repeated), "tiny").ok


@pytest.mark.parametrize(
    ("form_ref", "message"),
    [
        ("", "フォーム（camunda:formRef）が指定されていません"),
        ("nothing", "フォーム「nothing」が見つかりません（forms/nothing.form）"),
    ],
)
def test_a_user_task_without_a_form_or_with_a_missing_form_is_refused(form_ref, message):
    [problem] = problems(draft(form_ref=form_ref))
    assert (problem.element_id, problem.element_name, problem.lane, problem.message) == (
        "work",
        "① 作業",
        "総合政策課",
        message,
    )
    assert problem.line == line_of(tiny_bpmn(form_ref=form_ref), '<bpmn:userTask id="work"')


@pytest.mark.parametrize(
    ("change", "what"),
    [
        ({"condition": "checked =="}, "分岐条件（→ 完了）「checked ==」: 構文エラー"),
        ({"script": "x = (1"}, "スクリプト「x = (1」: 構文エラー"),
        ({"timer": '"P5X"'}, "タイマー式「P5X」は ISO 8601 として読めません"),
        ({"timer": "PT5M"}, "タイマー式「PT5M」は引用符で囲んでください"),
    ],
)
def test_a_condition_script_or_timer_that_does_not_parse_is_refused(change, what):
    found = problems(draft(**change))
    assert any(what in p.message and p.lane == "総合政策課" for p in found), found


@pytest.mark.parametrize(
    ("change", "element"),
    [
        ({"script": "import os"}, "check"),
        ({"condition": "__import__('os').getcwd()"}, "gw"),
        ({"timer": "__import__('os').getcwd()"}, "wait"),
    ],
)
def test_an_expression_the_restricted_environment_refuses_is_refused(change, element):
    found = problems(draft(**change))
    assert any(p.element_id == element and "制限された環境では実行できません" in p.message for p in found), (
        found
    )


def test_a_missing_called_process_is_refused():
    calling = tiny_bpmn().replace(
        '<bpmn:scriptTask id="check" name="確認" scriptFormat="python">',
        '<bpmn:callActivity id="check" name="確認" calledElement="nowhere">',
    )
    calling = calling.replace(
        "<bpmn:script>checked = True</bpmn:script></bpmn:scriptTask>", "</bpmn:callActivity>"
    )
    [problem] = problems(draft(bpmn=calling))
    assert "nowhere" in problem.message


def test_a_missing_decision_is_refused():
    deciding = tiny_bpmn().replace(
        '<bpmn:scriptTask id="check" name="確認" scriptFormat="python">',
        '<bpmn:businessRuleTask id="check" name="確認" camunda:decisionRef="eligibility">',
    )
    deciding = deciding.replace(
        "<bpmn:script>checked = True</bpmn:script></bpmn:scriptTask>", "</bpmn:businessRuleTask>"
    )
    [problem] = problems(draft(bpmn=deciding))
    assert "eligibility" in problem.message and problem.element_id == "check"


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ("{ not json", "JSON"),
        (
            {"id": "note", "type": "default", "components": [{"type": "textfield", "key": "note"}]},
            "'label' is a required",
        ),
        (
            {
                "id": "note",
                "type": "default",
                "components": [
                    {"type": "textfield", "key": "note", "label": "メモ", "conditional": {"hide": "note ~ 1"}}
                ],
            },
            "FEEL",
        ),
    ],
)
def test_an_invalid_form_definition_is_refused(form, message):
    found = problems(draft(form=form))
    assert any(p.file_name == "tiny/forms/note.form" and message in p.message for p in found), found


def test_every_problem_of_a_draft_is_listed_at_once():
    found = problems(draft(lane="営業部", form_ref="nothing", drop_shape="end2"))
    assert {p.element_id for p in found} >= {"lane1", "work", "end2"}


@pytest.mark.parametrize(
    "script",
    [
        f"open('{MARKER}', 'w').write('x')",
        f"__import__('os').system('touch {MARKER}')",
        f"import os\nos.system('touch {MARKER}')",
    ],
)
def test_a_malicious_script_is_refused_and_never_executed(script):
    MARKER.unlink(missing_ok=True)
    run = dry_run_files(draft(script=script), "tiny")
    assert not run.executed and run.results == []
    assert any("制限された環境では実行できません" in p.message for p in run.validation.problems)
    assert not MARKER.exists()
