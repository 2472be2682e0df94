"""R-3 decided by the engine (engine.domain.conclusion): which requirements fail, the principle exception
(原則の例外) only with its reason and never under R-3.5, and only for an organisation 総合政策課 verified."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from engine.definitions.parser import RenkeiParser
from engine.domain.conclusion import (
    Eligibility,
    concluded_by_exception,
    decision_refusal,
    signing_refusal,
    step_refusal,
    unmet_requirements,
)
from engine.workflow.scripting import SCRIPT_ENGINE
from tests.conftest import PROCESSES

NONE_APPLY = {f"r35_{n}": "not_applies" for n in range(1, 9)}


def case(categories: list[str], **judgement) -> dict:
    """Process data after ⑤ (every project 実施する) with ⑥'s answers; one project per category given."""
    projects = [{"id": f"P{i}", "title": f"事業{i}", "category": c} for i, c in enumerate(categories, start=1)]
    decisions = {p["id"]: {"implementation": "implement", "exclusions": []} for p in projects}
    return {"initiated_by": "organisation", "projects": projects, "project_decisions": decisions,
            "r31_willingness": "yes", "r32_city_issues": "yes", **NONE_APPLY, **judgement}


def eligibility_table(project_count: int, category_count: int) -> dict:
    parser = RenkeiParser()
    table = PROCESSES / "comprehensive_agreement/eligibility.dmn"
    parser.add_dmn_str(table.read_bytes(), filename="eligibility.dmn")
    task = SimpleNamespace(data={"project_count": project_count, "category_count": category_count},
                           workflow=SimpleNamespace(script_engine=SCRIPT_ENGINE))
    return parser.get_engine("eligibility", None).result(task)


@pytest.mark.parametrize("projects", range(5))
@pytest.mark.parametrize("categories", range(5))
def test_the_eligibility_table_names_every_failing_requirement_as_the_engine_does(projects, categories):
    """COLLECT: one row per requirement matches, so 2 projects in 3 categories (a project may not span two
    categories in ⑤'s data, but the table must not assume it) names R-3.3 alone, and 2 in 2 names both."""
    result = eligibility_table(projects, categories)
    checked = zip(result["checked_requirement"], result["requirement_met"], strict=True)
    unmet = [requirement for requirement, met in checked if not met]
    assert unmet == Eligibility(projects, categories).unmet
    assert sorted(result["checked_requirement"]) == ["R-3.3", "R-3.4"]


def test_two_projects_in_three_categories_fail_only_r33():
    assert Eligibility(2, 3).unmet == ["R-3.3"]
    assert eligibility_table(2, 3)["requirement_note"][0] == "事業数が3未満（ガイドライン２⑶）"


def test_three_projects_in_two_categories_are_refused_naming_only_r34():
    errors = decision_refusal(case(["1", "1", "5"], necessity="conclude"), organisation_verified=True)
    assert set(errors) == {"necessity"}
    assert "要件⑷ 分類数が3未満（R-3.4）" in errors["necessity"] and "R-3.3" not in errors["necessity"]


def test_two_projects_in_two_categories_are_refused_naming_both():
    errors = decision_refusal(case(["1", "5"], necessity="conclude"), organisation_verified=True)
    assert "締結できません: 要件⑶ 事業数が3未満（R-3.3）、要件⑷ 分類数が3未満（R-3.4）。" in errors["necessity"]


def test_a_principle_exception_with_its_reason_concludes_and_is_marked():
    data = case(["1", "5"], necessity="conclude", principle_exception=True,
                principle_exception_reason="市の重点施策で効果が大きいため")
    assert decision_refusal(data, organisation_verified=True) == {}
    assert concluded_by_exception(data) == "市の重点施策で効果が大きいため"
    assert concluded_by_exception(case(["1", "2", "5"])) is None  # requirements met: not an exception


def test_a_principle_exception_without_a_reason_is_refused():
    data = case(["1", "5"], necessity="conclude", principle_exception=True, principle_exception_reason="  ")
    errors = decision_refusal(data, organisation_verified=True)
    assert set(errors) == {"necessity", "principle_exception_reason"}


def test_r35_admits_no_exception():
    data = case(["1", "2", "5"], necessity="conclude", r35_3="applies", principle_exception=True,
                principle_exception_reason="例外としたい")
    errors = decision_refusal(data, organisation_verified=True)
    assert "要件⑸" in errors["necessity"] and "原則の例外としても締結できません" in errors["necessity"]
    assert "principle_exception_reason" not in errors


def test_a_redrawn_form_without_the_r35_questions_cannot_conclude():
    data = case(["1", "2", "5"], necessity="conclude")
    del data["r35_4"]
    assert unmet_requirements(data) == ["R-3.5"]
    assert "necessity" in decision_refusal(data, organisation_verified=True)


def test_r32_not_applicable_only_for_a_proposal_of_the_city():
    organisation = case(["1", "2", "5"], necessity="conclude", r32_city_issues="not_applicable")
    assert set(decision_refusal(organisation, organisation_verified=True)) == {"necessity", "r32_city_issues"}
    assert decision_refusal({**organisation, "initiated_by": "city"}, organisation_verified=True) == {}


def test_an_unverified_organisation_cannot_conclude_even_when_eligible():
    errors = decision_refusal(case(["1", "2", "5"], necessity="conclude"), organisation_verified=False)
    assert "総合政策課による確認（団体の確認）が済んでいない" in errors["necessity"]


def test_declining_needs_a_reason_for_the_organisation():
    declined = case(["1", "5"], necessity="not_conclude")
    assert set(decision_refusal(declined, organisation_verified=False)) == {"reason_for_organisation"}
    assert decision_refusal({**declined, "reason_for_organisation": "分野が限られるため"},
                            organisation_verified=False) == {}


def test_only_the_decision_and_the_signing_are_asked():
    before = case(["1", "5"], necessity="conclude")  # e.g. a redrawn ⑥ that let it through
    assert step_refusal(before, {"agreement_response": "confirm"}, organisation_verified=True) == {}
    signed = {**before, "signed_on": "2025-11-20", "comprehensive_agreement": {"signed_on": "2025-11-20"}}
    errors = signing_refusal(before, {"signed_on": "2025-11-20"}, signed, organisation_verified=True)
    assert set(errors) == {"signed_on"} and "R-3.3" in errors["signed_on"]
    # signed before this step: not asked again
    assert signing_refusal(signed, {"x": 1}, signed, organisation_verified=True) == {}
