"""Process code runs under a budget of time, operations and size (issue #14 item 1)."""

import time

import pytest

from engine.library.draft_checks import dry_run_files
from engine.workflow.budget import ScriptBudgetExceededError, ScriptLimits, current_limits, set_limits
from engine.workflow.scripting import RestrictedEnvironment, ScriptRefusedError, compile_script
from tests.unit.test_drafts_validation import draft


@pytest.fixture
def limits():
    """Small limits so a runaway is stopped in milliseconds; the configured ones come back afterwards."""
    before = current_limits()
    set_limits(ScriptLimits(seconds=0.2, operations=20_000, size=10_000))
    yield current_limits()
    set_limits(before)


def run(script: str, data: dict | None = None) -> dict:
    data = {} if data is None else data
    RestrictedEnvironment().execute(script, data, {})
    return data


@pytest.mark.parametrize("script", [
    "n = 0\nwhile n >= 0:\n    n += 1",
    "n = 0\nwhile n >= 0:\n    try:\n        n += 1\n    except Exception:\n        pass",
    "total = 0\nfor p in projects:\n    while total >= 0:\n        total = total + len(p)",
    "def twice(n):\n    return twice(n - 1) + twice(n - 1) if n else 1\nresult = twice(40)",
    "result = [x for x in range(1000) for y in range(1000)]",
    "result = list(map(lambda x: x, range(5000)))[0]\nwhile result >= 0:\n    result = result + 1",
])
def test_a_runaway_script_is_stopped_by_its_operation_limit(limits, script):
    started = time.perf_counter()
    with pytest.raises(ScriptBudgetExceededError, match="処理の上限（20,000 回）"):
        run(script, {"projects": [{"id": "P1"}]})
    assert time.perf_counter() - started < 1


def test_a_script_that_swallows_the_overrun_still_fails(limits):
    with pytest.raises(ScriptBudgetExceededError):
        run("try:\n    for x in range(10000):\n        for y in range(10000):\n            pass\n"
            "except Exception:\n    caught = True")


def test_work_hidden_in_single_calls_is_stopped_by_the_time_limit(limits):
    set_limits(ScriptLimits(seconds=0.05, operations=10**9, size=10_000))
    started = time.perf_counter()
    with pytest.raises(ScriptBudgetExceededError, match="時間の上限（0.05 秒）"):
        run("result = [sorted([1] * 10000) for x in range(1000) for y in range(1000)]")
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize("script", [
    "total = sum(range(10**9))",
    "text = 'x' * 10**9",
    "items = [0] * 10**9",
    "number = 2 ** 10 ** 8",
    "number = pow(7, 10**8)",
    "number = 1 << 10**9",
    "text = '%1000000000d' % 1",
    "text = 'a'.ljust(10**9)",
    "text = 'a'.zfill(10**9)",
    "text = ','.join(['x' * 1000] * 1000)",
    "text = ('x' * 1000).replace('x', 'y' * 1000)",
    "text = 'x'\nfor n in range(40):\n    text = text + text",
    "text = 'x'\nfor n in range(40):\n    text += text",
    "items = [1]\nfor n in range(40):\n    items.extend(items)",
    "text = '%1000000000d'\ntext %= 1",  # augmented assignment: the same checks as text = text % 1
    "number = 3\nfor n in range(40):\n    number *= number",
    "number = 3\nnumber **= 10**8",
    "items = [0]\nitems *= 10**9",
])
def test_what_a_single_operation_may_build_is_bounded(limits, script):
    with pytest.raises(ScriptBudgetExceededError, match="大きさの上限（10,000）"):
        run(script)


@pytest.mark.parametrize("source", [
    "while True:\n    pass",
    "while 1:\n    n = 1\n    for x in range(3):\n        break",
    "def f():\n    while True:\n        pass",
    "text = '{0.__class__.__mro__}'.format(note)",
    "text = '{note.__class__}'.format_map(data)",
    "text = str.format('{0.__class__}', note)",
    "text = f'{note:>{width}}'",
    "text = f'{note:>1000000000}'",
])
def test_obviously_unbounded_or_unsafe_code_is_refused_before_it_runs(source):
    with pytest.raises(ScriptRefusedError):
        compile_script(source)


@pytest.mark.parametrize("source", [
    "n = 0\nwhile True:\n    n += 1\n    if n > 3:\n        break",
    "def first(items):\n    while True:\n        return items[0]\nfirst_item = first([1])",
    "text = f'{amount:,}円 {note!r:>20}'",
])
def test_loops_that_end_and_plain_f_strings_are_accepted(source):
    compile_script(source)


def test_ordinary_scripts_run_well_inside_the_default_budget():
    data = run("rows = [{'id': f'P{n}', 'category': str(n % 5)} for n in range(2000)]\n"
               "by_category = {}\nfor row in rows:\n"
               "    by_category.setdefault(row['category'], []).append(row['id'])\n"
               "label = '、'.join(sorted(by_category)) + '%d件' % len(rows)\ncount = len(rows) * 2 ** 3")
    assert data["label"] == "0、1、2、3、4" + "2000件"
    assert data["count"] == 16000
    assert "_tick_" not in data and "_getattr_" not in data  # the guards never leak into case data


def test_case_data_cannot_stand_in_for_a_guard(limits):
    with pytest.raises(ScriptBudgetExceededError):
        RestrictedEnvironment().evaluate("sum(range(10**9))", {"_getiter_": None, "_tick_": None})


def test_a_dry_run_stops_a_runaway_script_and_reports_it_by_element(limits):
    started = time.perf_counter()
    run = dry_run_files(draft(script="n = 0\nwhile n >= 0:\n    n += 1"), "tiny")
    assert run.validation.ok and not run.passed
    assert "スクリプト『確認』（check）が処理の上限（20,000 回）を超えました" in run.results[0].failure
    assert time.perf_counter() - started < 2


def test_a_dry_run_never_starts_a_loop_that_cannot_end():
    run = dry_run_files(draft(script="while True:\n    pass"), "tiny")
    assert not run.executed
    assert any("終わらないループ" in p.message for p in run.validation.problems)
