"""Which projects count (R-3.3, R-3.4, R-3.6): the one rule in engine.domain.projects."""

from __future__ import annotations

from engine.domain.projects import (
    DecidedProject,
    Tally,
    categories_spanned,
    counted_categories,
    counted_projects,
    decided,
    is_counted,
    tally,
)
from engine.workflow.scripting import SCRIPT_ENGINE, tally_partnership_projects


def judged(key: str, category: str | None, implementation: str | None = "implement",
           exclusions: tuple[str, ...] = (), removed: bool = False) -> DecidedProject:
    return DecidedProject(key, category, implementation, exclusions, removed)


def test_a_project_judged_to_be_implemented_at_step_5_counts():
    assert is_counted(judged("P1", "1"))


def test_a_project_judged_not_to_be_implemented_does_not_count():
    assert not is_counted(judged("P1", "1", implementation="not_implement"))


def test_a_project_not_yet_judged_or_not_feasible_at_step_4_does_not_count():
    assert not is_counted(judged("P1", "1", implementation=None))


def test_a_project_judged_to_be_implemented_but_excluded_under_r36_is_no_partnership_project():
    assert not is_counted(judged("P1", "6", exclusions=("1",)))  # ① solely the company's own advertising


def test_a_project_dropped_from_the_list_at_step_3_does_not_count():
    assert not is_counted(judged("P1", "1", removed=True))


def test_four_projects_in_three_categories_with_the_only_category_6_project_excluded_are_3_projects_in_2():
    projects = [judged("P1", "1"), judged("P2", "1"), judged("P3", "3"), judged("P4", "6", exclusions=("1",))]
    assert [p.key for p in counted_projects(projects)] == ["P1", "P2", "P3"]
    assert counted_categories(projects) == ["1", "3"]
    assert tally(projects) == Tally(project_count=3, category_count=2)


def test_categories_are_counted_once_and_only_the_seven_of_r4():
    projects = [judged("P1", "5"), judged("P2", "5"), judged("P3", None), judged("P4", "9")]
    assert tally(projects) == Tally(project_count=4, category_count=1)


def test_process_data_joins_each_project_with_its_step_5_decision_by_id():
    projects = [{"id": "P1", "category": "1"}, {"id": "P2", "category": "2"}, {"id": "P3", "category": "3"}]
    decisions = {"P1": {"implementation": "implement", "exclusions": []},
                 "P2": {"implementation": "implement", "exclusions": ["4"]}}  # P3 was not feasible at ④
    assert decided(projects, decisions) == [judged("P1", "1"), judged("P2", "2", exclusions=("4",)),
                                            judged("P3", "3", implementation=None)]


def test_scripts_get_the_ids_and_both_counts_from_the_same_rule():
    projects = [{"id": "P1", "category": "1"}, {"id": "P2", "category": "2"}, {"id": "P10", "category": "2"}]
    decisions = {key: {"implementation": "implement", "exclusions": []} for key in ("P1", "P2", "P10")}
    decisions["P2"]["exclusions"] = ["1"]
    assert tally_partnership_projects(projects, decisions) == (["P1", "P10"], 2, 2)


def test_the_diagram_script_that_feeds_the_eligibility_decision_calls_the_rule():
    data = {"projects": [{"id": "P1", "category": "1"}, {"id": "P2", "category": "6"}],
            "project_decisions": {"P1": {"implementation": "implement", "exclusions": []},
                                  "P2": {"implementation": "implement", "exclusions": ["1"]}}}
    script = ("partnership_projects, project_count, category_count = "
              "tally_partnership_projects(projects, project_decisions)")
    SCRIPT_ENGINE.environment.execute(script, data)
    assert (data["partnership_projects"], data["project_count"], data["category_count"]) == (["P1"], 1, 1)
    assert "tally_partnership_projects" not in data  # functions never leak into case data


def test_the_registers_name_each_of_the_seven_categories_once_in_order():
    assert categories_spanned(["5", "1", "5", None, "", "8"]) == ["1", "5"]
