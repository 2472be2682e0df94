"""Bad form data is refused field by field, with a message a clerk understands (issue #2 item 2)."""

import json

import pytest

from engine.errors import DefinitionError, FormDataError
from engine.forms.definition import load_form
from engine.forms.submission import validate_submission

CATEGORIES = [{"label": f"分類{n}", "value": str(n)} for n in range(1, 8)]
PROPOSAL = {
    "id": "proposal", "type": "default",
    "components": [
        {"type": "text", "text": "説明"},
        {"type": "textfield", "key": "proposal_title", "label": "提案名", "validate": {"required": True, "maxLength": 20}},
        {"type": "dynamiclist", "path": "projects", "label": "連携事業", "properties": {"minRows": "1"},
         "components": [
             {"type": "textfield", "key": "id", "label": "事業番号", "readonly": True},
             {"type": "textfield", "key": "title", "label": "事業名", "validate": {"required": True}},
             {"type": "select", "key": "category", "label": "分類", "values": CATEGORIES, "validate": {"required": True}},
             {"type": "number", "key": "fiscal_year", "label": "年度", "decimalDigits": 0,
              "validate": {"required": True, "min": 2020, "max": 2100}},
             {"type": "select", "key": "department", "label": "担当課", "valuesKey": "departments"},
         ]},
        {"type": "radio", "key": "response", "label": "回答", "validate": {"required": True},
         "values": [{"label": "同意", "value": "confirm"}, {"label": "修正", "value": "revise"}]},
        {"type": "textarea", "key": "comment", "label": "理由", "validate": {"required": True},
         "conditional": {"hide": '=response != "revise"'}},
        {"type": "checkbox", "key": "exception", "label": "例外"},
        {"type": "datetime", "subtype": "date", "key": "signed_on", "label": "締結日",
         "properties": {"invalidWhen": '=response = "confirm" and signed_on = null', "invalidMessage": "締結日を入力"}},
        {"type": "group", "path": "decision", "label": "判断", "components": [
            {"type": "checklist", "key": "exclusions", "label": "該当", "values": CATEGORIES[:3]}]},
    ],
}
FORM = load_form("proposal.form", json.dumps(PROPOSAL))
DEPARTMENTS = [{"value": "kankyo", "label": "環境政策課"}]


def options(key, data):
    return DEPARTMENTS if key == "departments" else []


def good(**changes):
    data = {"proposal_title": "海岸清掃", "response": "confirm", "signed_on": "2025/6/15",
            "projects": [{"id": "", "title": "ビーチクリーン", "category": "5", "fiscal_year": "2025",
                          "department": "kankyo"}],
            "decision": {"exclusions": ["2"]}}
    data.update(changes)
    return data


def refused(data, current=None):
    with pytest.raises(FormDataError) as error:
        validate_submission(FORM, data, current or {}, options)
    return error.value.errors


def test_valid_data_is_cleaned_to_types_the_process_uses():
    cleaned = validate_submission(FORM, good(), {}, options)
    assert cleaned["projects"][0]["fiscal_year"] == 2025
    assert cleaned["signed_on"] == "2025-06-15"
    assert cleaned["exception"] is False
    assert cleaned["decision"] == {"exclusions": ["2"]}
    assert "comment" not in cleaned  # hidden by its condition: not saved


def test_a_missing_required_field_is_named():
    assert refused(good(proposal_title="  ")) == {"proposal_title": "入力してください"}


def test_a_wrong_type_is_named_with_its_row():
    errors = refused(good(projects=[{"id": "", "title": "x", "category": "5", "fiscal_year": "来年"}]))
    assert errors == {"projects.0.fiscal_year": "数値で入力してください"}


def test_an_unknown_choice_is_refused():
    errors = refused(good(projects=[{"id": "", "title": "x", "category": "8", "fiscal_year": 2025,
                                     "department": "somewhere"}]))
    assert errors == {"projects.0.category": "選択肢にない値です", "projects.0.department": "選択肢にない値です"}


def test_an_unknown_field_is_refused():
    assert refused(good(is_admin=True)) == {"is_admin": "この項目はフォームにありません"}


def test_every_bad_field_is_reported_at_once():
    errors = refused({"proposal_title": "x" * 21, "projects": [], "response": "maybe", "decision": {"exclusions": ["9"]}})
    assert set(errors) == {"proposal_title", "projects", "response", "decision.exclusions"}


def test_a_condition_makes_a_field_required_only_when_shown():
    assert refused(good(response="revise")) == {"comment": "入力してください"}
    assert "comment" in validate_submission(FORM, good(response="revise", comment="分類を再検討"), {}, options)


def test_invalid_when_refuses_an_inconsistent_answer():
    assert refused(good(signed_on="")) == {"signed_on": "締結日を入力"}


def test_a_read_only_row_id_cannot_be_invented():
    current = {"projects": [{"id": "P1"}]}
    errors = refused(good(projects=[{"id": "P7", "title": "x", "category": "1", "fiscal_year": 2025}]), current)
    assert errors == {"projects.0.id": "「P7」は既存の値ではありません"}


def test_a_read_only_field_keeps_the_value_the_case_has():
    form = load_form("f.form", json.dumps({"id": "f", "type": "default", "components": [
        {"type": "textfield", "key": "title", "label": "名称", "readonly": True}]}))
    assert validate_submission(form, {"title": "書き換え"}, {"title": "元の名称"}) == {"title": "元の名称"}


def test_rows_of_a_fixed_list_cannot_be_added_or_removed():
    form = load_form("f.form", json.dumps({"id": "f", "type": "default", "components": [
        {"type": "dynamiclist", "path": "feasibility", "label": "協議", "allowAddRemove": False, "components": [
            {"type": "textfield", "key": "id", "label": "番号", "readonly": True},
            {"type": "radio", "key": "feasible", "label": "可否", "validate": {"required": True},
             "values": [{"label": "可", "value": "yes"}, {"label": "否", "value": "no"}]}]}]}))
    current = {"feasibility": [{"id": "P1", "feasible": None}, {"id": "P2", "feasible": None}]}
    with pytest.raises(FormDataError) as error:
        validate_submission(form, {"feasibility": [{"id": "P1", "feasible": "yes"}]}, current)
    assert error.value.errors == {"feasibility": "行の数は変えられません（2行）"}
    cleaned = validate_submission(form, {"feasibility": [{"id": "X", "feasible": "yes"}, {"feasible": "no"}]}, current)
    assert cleaned["feasibility"] == [{"id": "P1", "feasible": "yes"}, {"id": "P2", "feasible": "no"}]


@pytest.mark.parametrize(("change", "message"), [
    ({"id": "other"}, "ファイル名と一致しません"),
    ({"components": [{"type": "video", "key": "v", "label": "v"}]}, "is not one of"),
    ({"components": [{"type": "select", "key": "s", "label": "s"}]}, "is not valid under any of the given schemas"),
    ({"components": [{"type": "textfield", "key": "a", "label": "a"}, {"type": "number", "key": "a", "label": "b"}]},
     "重複"),
    ({"components": [{"type": "textfield", "key": "a", "label": "a", "conditional": {"hide": "=a in [1]"}}]},
     "評価できません"),
])
def test_a_broken_form_definition_is_refused_at_deploy_time(change, message):
    broken = {**PROPOSAL, **change}
    with pytest.raises(DefinitionError, match=message):
        load_form("proposal.form", json.dumps(broken))


def test_a_condition_sees_a_posted_checkbox_as_a_boolean():
    """An HTML form posts a ticked checkbox as the string "true"; the condition must still treat it as true."""
    form = load_form("f.form", json.dumps({"id": "f", "type": "default", "components": [
        {"type": "checkbox", "key": "principle_exception", "label": "例外"},
        {"type": "textarea", "key": "principle_exception_reason", "label": "理由", "validate": {"required": True},
         "conditional": {"hide": "=principle_exception != true"}},
        {"type": "number", "key": "count", "label": "件数"},
        {"type": "textfield", "key": "note", "label": "備考", "conditional": {"hide": "=count < 3"}}]}))
    with pytest.raises(FormDataError) as error:
        validate_submission(form, {"principle_exception": "true", "count": "2"}, {})
    assert error.value.errors == {"principle_exception_reason": "入力してください"}
    cleaned = validate_submission(form, {"principle_exception": "on", "principle_exception_reason": "重点分野",
                                         "count": "５", "note": "表示される"}, {})
    assert cleaned == {"principle_exception": True, "principle_exception_reason": "重点分野", "count": 5,
                       "note": "表示される"}
