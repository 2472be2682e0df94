"""Scripts and conditions from uploaded BPMN run in a restricted environment (issue #2 item 9)."""

import pytest

from engine.workflow.scripting import (
    RestrictedEnvironment,
    ScriptRefusedError,
    compile_expression,
    compile_script,
)

ATTACKS = [
    "import os",
    "from subprocess import run",
    '__import__("os").system("touch /tmp/renkei-pwned")',
    'open("/etc/passwd").read()',
    "().__class__.__base__.__subclasses__()",
    "[c for c in ().__class__.__mro__]",
    'getattr(x, "__class__")',
    'eval("1")',
    "globals()",
]


@pytest.mark.parametrize("source", ATTACKS)
def test_escapes_are_refused_before_anything_runs(source):
    with pytest.raises(ScriptRefusedError):
        compile_script(source)


@pytest.mark.parametrize("source", ['__import__("os")', "().__class__", 'open("x")'])
def test_escapes_in_conditions_are_refused_too(source):
    with pytest.raises(ScriptRefusedError):
        compile_expression(source)


def test_ordinary_data_scripts_still_work():
    data = {"projects": [{"id": "P1", "category": "1"}, {"id": "P2", "category": "3"}, {"id": "P3", "category": "1"}]}
    RestrictedEnvironment().execute(
        'project_map = {p["id"]: p for p in projects}\n'
        "category_count = len(set(p['category'] for p in projects))\n"
        "total = 0\nfor p in projects:\n    total += 1\n"
        "agreement = validity_period('2025-06-15')",
        data, {},
    )
    assert sorted(data["project_map"]) == ["P1", "P2", "P3"]
    assert data["category_count"] == 2
    assert data["total"] == 3
    assert data["agreement"]["valid_until"] == "2027-03-31"
    assert "validity_period" not in data  # functions never leak into case data


def test_no_module_is_reachable_from_the_environment():
    import types

    for name, value in RestrictedEnvironment().globals.items():
        assert not isinstance(value, types.ModuleType), name
    assert "__import__" not in RestrictedEnvironment().globals["__builtins__"]


def test_a_syntax_error_keeps_its_line_number():
    with pytest.raises(SyntaxError) as error:
        compile_script("a = 1\nb = (")
    assert error.value.lineno == 2
