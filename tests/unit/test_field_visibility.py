"""Which case data a 企業等 may see (issue #12 item 8): a field is the city's or shared by its written visibility,
else by the lane of the task whose form holds it; engine.access decides who reads what."""

from __future__ import annotations

import json

import pytest

from engine.access import Actor, Role, sees_city_data, visible_data
from engine.definitions.bundle import Bundle
from engine.definitions.compiler import compile_process
from engine.errors import DefinitionError
from engine.forms.definition import load_form
from engine.forms.visibility import SharedData, shared_data
from tests.conftest import PROCESSES

PARTNER = Actor(user_id=1, role=Role.ORGANISATION, organisation_id=1)
CITY_ROLES = [Actor(user_id=2, role=Role.DEPARTMENT, department_ids=frozenset({3})),
              Actor(user_id=3, role=Role.COORDINATOR, department_ids=frozenset({1}), coordinator_department_id=1),
              Actor(user_id=4, role=Role.MANAGER), Actor(user_id=5, role=Role.PROCESS_OWNER),
              Actor(user_id=6, role=Role.ADMIN)]


def field(key: str, visibility: str | None = None, kind: str = "textfield") -> dict:
    written = {"properties": {"visibility": visibility}} if visibility else {}
    return {"type": kind, "key": key, "label": key, **written}


@pytest.fixture(scope="module")
def comprehensive():
    return compile_process(Bundle.from_folder(PROCESSES), "comprehensive_agreement")


def test_city_staff_read_every_field_and_a_partner_only_the_shared_ones():
    shared = SharedData({"proposal_title": True})
    data = {"proposal_title": "提案", "r35_3": "not_applies", "necessity_reason": "理由"}
    assert not sees_city_data(PARTNER)
    assert visible_data(PARTNER, data, shared) == {"proposal_title": "提案"}
    for actor in CITY_ROLES:
        assert sees_city_data(actor) and visible_data(actor, data, shared) == data, actor.role


def test_a_field_follows_its_tasks_lane_unless_its_visibility_is_written():
    decided = shared_data([
        (True, [field("proposal_title"), field("organisation_memo", "city")]),  # a 企業等 task's form
        (False, [field("needs_survey"), field("agreement_terms", "shared")]),  # a city task's form
    ])
    assert decided.keys() == {"proposal_title", "agreement_terms"}


def test_a_field_the_city_marks_as_its_own_stays_hidden_whatever_another_form_says():
    decided = shared_data([(True, [field("comment")]), (False, [field("comment", "city")])])
    assert decided.keys() == set()


def test_in_a_group_only_the_shared_parts_are_handed_out():
    group = {"type": "group", "path": "project_decision", "label": "⑤", "components": [
        field("implementation", "shared", "radio") | {"values": [{"label": "実施する", "value": "implement"}]},
        field("exclusions", kind="checklist") | {"values": [{"label": "①", "value": "1"}]},
        field("reason", kind="textarea")]}
    decided = shared_data([(False, [group])])
    data = {"project_decision": {"implementation": "implement", "exclusions": ["1"], "reason": "内部の理由"}}
    assert decided.visible(data) == {"project_decision": {"implementation": "implement"}}
    rows = {"type": "dynamiclist", "path": "projects", "label": "事業", "components": [
        field("title", "shared"), field("department")]}
    listed = shared_data([(False, [rows])]).visible({"projects": [{"title": "見守り", "department": "kodomo"}]})
    assert listed == {"projects": [{"title": "見守り"}]}


def test_a_value_the_process_computes_is_shared_only_where_a_partners_form_names_it():
    partner_form = [{"type": "text", "text": "有効期限は {{ valid_until }} です"}, field("answer")]
    city_form = [{"type": "text", "text": "{{ eligible }} {{ project_count }}"}, field("note")]
    assert shared_data([(True, partner_form), (False, city_form)]).keys() == {"valid_until", "answer"}


def test_the_shipped_process_hides_the_r35_checks_exclusions_and_reasons_and_shares_the_draft(comprehensive):
    keys = comprehensive.shared.keys()
    internal = {f"r35_{n}" for n in range(1, 9)} | {
        "necessity_reason", "principle_exception_reason", "project_decision", "needs_survey", "record_notes",
        "signing_notes", "excluded_fallback_reason", "budget_required", "procurement_note",
        "individual_decision_reason"}
    assert keys & internal == set()
    assert {"proposal_title", "projects", "agreement_title", "agreement_terms", "planned_signing_date", "signed_on",
            "agreement_response_comment", "roles", "costs", "individual_kind", "individual_signed_on"} <= keys


def test_an_unknown_visibility_is_refused_at_deploy_with_the_allowed_values():
    form = {"id": "draft", "type": "default", "components": [field("agreement_terms", "public")]}
    with pytest.raises(DefinitionError) as refused:
        load_form("forms/draft.form", json.dumps(form))
    [problem] = refused.value.problems
    assert "公開範囲（visibility）「public」は使えません" in problem.message
    assert "city（市のみ）、shared（企業等と共有）" in problem.message
    assert load_form("forms/draft.form", json.dumps(form), strict=False).id == "draft"  # already deployed: runs
    for allowed in ("city", "shared"):
        form["components"] = [field("agreement_terms", allowed)]
        assert load_form("forms/draft.form", json.dumps(form)).id == "draft"


def test_a_partners_form_that_shows_a_city_field_is_refused_until_the_field_is_shared():
    bundle = Bundle.from_folder(PROCESSES)
    path = "comprehensive_agreement/forms/agreement_draft.form"
    form = json.loads(bundle.files[path])
    for component in form["components"]:
        component.pop("properties", None)  # the ⑦ draft back to the city's own
    unmarked = Bundle({**bundle.files, path: json.dumps(form, ensure_ascii=False).encode("utf-8")})
    with pytest.raises(DefinitionError) as refused:
        compile_process(unmarked, "comprehensive_agreement")
    messages = [(p.file_name, p.message) for p in refused.value.problems]
    assert [(file_name, message.split("」")[0]) for file_name, message in messages] == [
        ("comprehensive_agreement/forms/agreement_confirmation.form", "企業等のフォームの文面が市のみの項目「agreement_terms"),
        ("comprehensive_agreement/forms/agreement_confirmation.form", "企業等のフォームの文面が市のみの項目「agreement_title")]
