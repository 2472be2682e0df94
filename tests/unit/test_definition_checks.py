"""A broken diagram is refused at deploy time with the element, its lane and its XML line."""

import pytest

from engine.definitions.compiler import compile_process
from engine.errors import DefinitionError
from tests.diagrams import tiny_bpmn, tiny_bundle


def problems(**changes) -> list[str]:
    with pytest.raises(DefinitionError) as error:
        compile_process(tiny_bundle(**changes), "tiny")
    return [str(problem) for problem in error.value.problems]


def test_the_tiny_diagram_itself_is_valid():
    process = compile_process(tiny_bundle(), "tiny")
    assert (process.name, list(process.forms)) == ("小さな手続き", ["note"])


@pytest.mark.parametrize(("change", "expected"), [
    ({"lane": "営業部"}, "tiny/tiny.bpmn:8 lane1（営業部）: レーン名は「企業等」「総合政策課」「担当課」のいずれか"),
    ({"form_ref": "nothing"}, "work（① 作業） [レーン 総合政策課]: フォーム「nothing」が見つかりません"),
    ({"form_ref": ""}, "work（① 作業） [レーン 総合政策課]: フォーム（camunda:formRef）が指定されていません"),
    ({"outcome": "maybe"}, "end（完了） [レーン 総合政策課]: 終了イベントに結果"),
    ({"drop_shape": "check"}, "check（確認）: 図（BPMN DI）に配置されていません"),
    ({"drop_shape": "f2"}, "f2: 図（BPMN DI）に配置されていません"),
    ({"condition": "checked =="}, "gw（確認済み？） [レーン 総合政策課]: 分岐条件（→ 完了）「checked ==」: 構文エラー"),
    ({"script": "x = (1"}, "check（確認） [レーン 総合政策課]: スクリプト「x = (1」: 構文エラー"),
    ({"timer": "PT5M"}, "wait [レーン 総合政策課]: タイマー式「PT5M」は引用符で囲んでください"),
    ({"timer": '"P5X"'}, "タイマー式「P5X」は ISO 8601 として読めません"),
])
def test_each_broken_diagram_is_refused_with_a_specific_message(change, expected):
    assert any(expected in problem for problem in problems(**change)), problems(**change)


@pytest.mark.parametrize("script", [
    "import os\nos.system('touch /tmp/renkei-pwned')",
    "__import__('os').system('touch /tmp/renkei-pwned')",
    "open('/etc/passwd').read()",
    "().__class__.__base__.__subclasses__()",
])
def test_a_malicious_script_is_refused_at_deploy_time(script):
    assert any("制限された環境では実行できません" in p for p in problems(script=script))


def test_a_malicious_condition_is_refused_at_deploy_time():
    assert any("制限された環境では実行できません" in p for p in problems(condition="__import__('os').getcwd()"))


def test_xml_that_is_not_well_formed_names_its_line():
    bundle = tiny_bundle()
    broken = tiny_bpmn().replace("</bpmn:process>", "</bpmn:proces>").encode()
    with pytest.raises(DefinitionError) as error:
        compile_process(type(bundle)({**bundle.files, "tiny/tiny.bpmn": broken}), "tiny")
    [problem] = error.value.problems
    assert problem.file_name == "tiny/tiny.bpmn" and problem.line and "XML として読めません" in problem.message


def test_an_xsd_violation_is_refused():
    bundle = tiny_bundle()
    broken = tiny_bpmn().replace('<bpmn:startEvent id="start">', '<bpmn:startEvent id="start" bogus="1">').encode()
    with pytest.raises(DefinitionError, match="BPMN スキーマ違反"):
        compile_process(type(bundle)({**bundle.files, "tiny/tiny.bpmn": broken}), "tiny")


def test_a_missing_called_process_is_refused():
    bundle = tiny_bundle()
    calling = tiny_bpmn().replace('<bpmn:scriptTask id="check" name="確認" scriptFormat="python">',
                                  '<bpmn:callActivity id="check" name="確認" calledElement="nowhere">')
    calling = calling.replace("<bpmn:script>checked = True</bpmn:script></bpmn:scriptTask>", "</bpmn:callActivity>")
    with pytest.raises(DefinitionError, match="nowhere"):
        compile_process(type(bundle)({**bundle.files, "tiny/tiny.bpmn": calling.encode()}), "tiny")


def test_a_field_pattern_that_can_backtrack_for_ever_is_refused_at_deploy_and_a_separated_one_is_kept():
    from engine.forms.definition import pattern_problem

    for runaway in (r"(a+)+$", r"(\w+\s?)*$", r"(x|y+)*", r"(a*b*)*$", r"(a|a)+$", r"(a|ab)+$", r"(.*a){12}"):
        assert "繰り返しの中に" in pattern_problem(runaway), runaway
    for fine in (r"^\d{3}-\d{4}$", r"^[A-Z]{1,3}(-\d+)*$", r"^[0-9]+$", r"^.{0,200}$"):
        assert pattern_problem(fine) is None
    assert "正規表現が不正です" in pattern_problem("(")


def test_a_version_already_deployed_loads_under_rules_added_since_so_its_cases_go_on():
    import json

    from engine.definitions.bundle import Bundle
    from tests.conftest import PROCESSES

    bundle = Bundle.from_folder(PROCESSES)
    path = "comprehensive_agreement/forms/proposal.form"
    form = json.loads(bundle.files[path])
    field = next(c for c in form["components"] if c.get("key") == "proposal_title")
    field.setdefault("validate", {})["pattern"] = r"(a+)+$"  # refused at deploy since this session
    stored = Bundle({**bundle.files, path: json.dumps(form, ensure_ascii=False).encode("utf-8")})
    with pytest.raises(DefinitionError, match="繰り返しの中に同じ文字列へ何通りにも一致する"):
        compile_process(stored, "comprehensive_agreement")
    assert compile_process(stored, "comprehensive_agreement", deployed=True).process_id == "comprehensive_agreement"
