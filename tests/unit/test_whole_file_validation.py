"""Issue #13 items 1-2, at the one place every entry point goes through (compile_process via validate_files).

The web and CLI tests run the same table (tests/refused_diagrams.py) through upload, the modeler's save and
``renkei deploy``.
"""

from __future__ import annotations

import pytest

from engine.library.draft_checks import validate_files
from tests.refused_diagrams import BROKEN, CA, HARMLESS, Broken, broken_files, shipped_files


@pytest.mark.parametrize("row", BROKEN, ids=[row.id for row in BROKEN])
def test_each_refused_construct_and_foreign_attribute_is_refused_naming_the_element(row: Broken):
    report = validate_files(broken_files(row), row.process)
    text = "\n".join(str(p) for p in report.problems)
    assert not report.ok
    for fragment in row.expected:
        assert fragment in text, text
    assert all(p.file_name.endswith(".bpmn") and p.line for p in report.problems if p.element_id), text


@pytest.mark.parametrize("process", [CA, "individual_agreement", "agreement_lifecycle"])
def test_the_shipped_processes_validate_clean(process):
    report = validate_files(shipped_files(), process)
    assert report.ok, report.problems


def test_harmless_foreign_attributes_are_notes_and_do_not_block():
    [(mutate, names)] = HARMLESS
    files = shipped_files()
    files[f"{CA}/{CA}.bpmn"] = mutate(files[f"{CA}/{CA}.bpmn"])
    report = validate_files(files, CA)
    assert report.ok, report.problems
    noted = "\n".join(str(n) for n in report.notes)
    assert all(f"{name} は Renkei の動きに影響しません" in noted for name in names), noted


def test_a_problem_names_file_element_name_lane_and_line():
    row = next(r for r in BROKEN if r.id == "task_without_incoming_flow")
    [problem] = validate_files(broken_files(row), CA).problems
    assert (problem.file_name, problem.element_id, problem.element_name, problem.lane) == (
        f"{CA}/{CA}.bpmn", "consult_feasibility", "④ 連携事業の実施可否に関する協議", "総合政策課")
    assert problem.line == next(n for n, line in enumerate(broken_files(row)[f"{CA}/{CA}.bpmn"].splitlines(), 1)
                                if 'id="consult_feasibility"' in line)
