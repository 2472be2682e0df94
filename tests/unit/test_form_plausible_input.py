"""A form's limits the engine applies on its own (issue #12 items 2 and 4): free text has a default maximum,
a date field is measured by the bound it declares (engine.domain.plausible_dates), and a ⑤ decision that ticks an
R-3.6 exclusion cannot say 実施する (engine.domain.projects), whatever the form says."""

from __future__ import annotations

import json
from datetime import date

import pytest

from engine.errors import DefinitionError, FormDataError
from engine.forms.definition import load_form
from engine.forms.submission import DEFAULT_MAX_LENGTH, DateBounds, validate_submission

TODAY = date(2026, 12, 7)  # 令和8年12月7日
BOUNDS = DateBounds(TODAY, {"case_start": date(2026, 4, 1), "signing": None})


def form(*components) -> object:
    return load_form("f.form", json.dumps({"id": "f", "type": "default", "components": list(components)}))


def day_field(key: str, label: str, **properties) -> dict:
    return {"type": "datetime", "subtype": "date", "key": key, "label": label, "properties": properties}


def errors(definition, data, dates=BOUNDS) -> dict[str, str]:
    with pytest.raises(FormDataError) as refused:
        validate_submission(definition, data, {}, dates=dates)
    return refused.value.errors


def test_free_text_without_a_limit_of_its_own_gets_the_default_maximum():
    definition = form({"type": "textfield", "key": "title", "label": "名称"},
                      {"type": "textarea", "key": "reason", "label": "判断理由"})
    assert DEFAULT_MAX_LENGTH == {"textfield": 200, "textarea": 2000}
    assert validate_submission(definition, {"title": "名" * 200, "reason": "理" * 2000}, {})
    assert errors(definition, {"title": "名" * 201, "reason": "理" * 10_000}) == {
        "title": "200文字以内で入力してください", "reason": "2000文字以内で入力してください"}


def test_a_form_that_needs_more_text_says_so():
    definition = form({"type": "textarea", "key": "terms", "label": "協定書の内容", "validate": {"maxLength": 20000}})
    assert validate_submission(definition, {"terms": "条" * 20000}, {})["terms"] == "条" * 20000


def test_a_happened_date_is_not_after_today_nor_before_the_case():
    definition = form(day_field("signed_on", "締結日", happened="case_start"))
    assert errors(definition, {"signed_on": "2026-12-08"}) == {
        "signed_on": "締結日は今日（令和8年12月7日）以前の日付を入力してください"}
    assert errors(definition, {"signed_on": "2026-03-31"}) == {
        "signed_on": "締結日は案件の開始日（令和8年4月1日）以降の日付を入力してください"}
    assert validate_submission(definition, {"signed_on": "令和8年12月7日"}, {}, dates=BOUNDS) == {
        "signed_on": "2026-12-07"}


def test_a_signing_anchor_the_case_does_not_have_leaves_only_today():
    definition = form(day_field("held_on", "開催日", happened="signing"))
    assert validate_submission(definition, {"held_on": "1900-01-01"}, {}, dates=BOUNDS)["held_on"] == "1900-01-01"
    with_signing = DateBounds(TODAY, {"signing": date(2025, 6, 15)})
    assert errors(definition, {"held_on": "2025-06-14"}, with_signing) == {
        "held_on": "開催日は協定の締結日（令和7年6月15日）以降の日付を入力してください"}


def test_a_planned_date_is_not_in_the_past():
    definition = form(day_field("planned_on", "締結予定日", planned="true"))
    assert errors(definition, {"planned_on": "2026-12-06"}) == {
        "planned_on": "締結予定日は今日（令和8年12月7日）以降の日付を入力してください"}
    assert validate_submission(definition, {"planned_on": "2026-12-07"}, {}, dates=BOUNDS)


@pytest.mark.parametrize(("field", "message"), [
    (day_field("d", "日付", happened="yesterday"), "happened の値「yesterday」は使えません"),
    (day_field("d", "日付", planned="false"), "planned の値「false」は使えません"),
    (day_field("d", "日付", happened="true", planned="true"), "同時に指定できません"),
    ({"type": "textfield", "key": "t", "label": "文字", "properties": {"happened": "true"}}, "日付の項目"),
])
def test_an_unknown_date_bound_is_refused_at_deploy_time(field, message):
    with pytest.raises(DefinitionError, match=message):
        form(field)


def test_a_step_5_decision_under_an_exclusion_cannot_be_implemented_whatever_the_form_says():
    """The form here has no invalidWhen: the rule is the engine's (engine.domain.projects.decision_errors)."""
    definition = form({"type": "group", "path": "project_decision", "components": [
        {"type": "checklist", "key": "exclusions", "label": "該当", "values": [{"label": "①", "value": "1"}]},
        {"type": "radio", "key": "implementation", "label": "判断",
         "values": [{"label": "実施する", "value": "implement"}, {"label": "実施しない", "value": "not_implement"}]},
    ]})
    refused = errors(definition, {"project_decision": {"exclusions": ["1"], "implementation": "implement"}})
    assert list(refused) == ["project_decision.implementation"] and "R-3.6" in refused[
        "project_decision.implementation"]
    for allowed in ({"exclusions": ["1"], "implementation": "not_implement"},
                    {"exclusions": [], "implementation": "implement"}):
        assert validate_submission(definition, {"project_decision": allowed}, {})["project_decision"] == allowed


def test_every_date_field_of_the_shipped_forms_declares_its_bound():
    from engine.definitions.bundle import Bundle
    from tests.conftest import PROCESSES

    bundle = Bundle.from_folder(PROCESSES)
    undeclared = []
    for path, content in bundle.files.items():
        if path.endswith(".form"):
            stack = list(json.loads(content)["components"])
            while stack:
                component = stack.pop()
                stack.extend(component.get("components", []))
                properties = component.get("properties", {})
                if component["type"] == "datetime" and not ({"happened", "planned"} & set(properties)):
                    undeclared.append(f"{path}:{component['key']}")
    assert undeclared == []
