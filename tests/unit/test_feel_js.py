"""The browser's FEEL (web/static/js/feel.js) hides the same fields the server does (engine/forms/feel.py).

Both are run on the same expressions and data, and on every condition of the deployed forms; the
JavaScript runs in Node, which the set-up installs for the front-end packages.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from engine.forms.feel import FeelSyntaxError, compile_feel
from tests.conftest import PROCESSES, ROOT

FEEL_JS = ROOT / "web" / "static" / "js" / "feel.js"
SCOPES = [
    {"necessity": "conclude", "eligible": False, "principle_exception": True, "count": 3, "project": {"title": "見守り"},
     "agreement_response": "revise", "proposal_response": "decline", "initiated_by": "city", "budget_required": "yes",
     "r32_city_issues": "not_applicable", "individual_decision": "conclude", "individual_response": "confirm"},
    {"eligible": True, "principle_exception": False, "count": 2, "agreement_response": "confirm",
     "initiated_by": "organisation", "r32_city_issues": "not_applicable", "budget_required": "no"},
    {},
]
EXPRESSIONS = [
    '=necessity = "conclude"', "=eligible = false and principle_exception != true",
    '=count >= 3 and count < 4', '=project.title = "見守り"', "=missing = null", "=missing > 3", "=true",
    '=not(eligible = true) or (count > 2 and necessity != "x")', '=x = "a \\"quoted\\" b"', "=count = 3.0",
    '=a = "1" and b != 2',
]
REFUSED = ['=contains(x, "a")', "=x +", "=a = = b", '=x in ["a"]', "=(a = 1"]


def _form_conditions() -> list[str]:
    found = []

    def walk(components):
        for component in components:
            found.extend(filter(None, [component.get("conditional", {}).get("hide"),
                                       component.get("properties", {}).get("invalidWhen")]))
            walk(component.get("components") or [])

    for path in sorted(PROCESSES.glob("*/forms/*.form")):
        walk(json.loads(path.read_text(encoding="utf-8"))["components"])
    return found


def _run_js(cases: list[dict]) -> list:
    node = shutil.which("node")
    assert node, "Node.js is needed (the set-up installs it with npm)"
    script = ("const feel = require(process.argv[1]); const cases = JSON.parse(require('fs').readFileSync(0));"
              "console.log(JSON.stringify(cases.map(c => { try { return feel.compile(c.e)(c.s); }"
              " catch (e) { return 'refused'; } })));")
    result = subprocess.run([node, "-e", script, str(FEEL_JS)], input=json.dumps(cases), capture_output=True,
                            text=True, check=True, timeout=60)
    return json.loads(result.stdout)


def _python(expression: str, scope: dict):
    try:
        return bool(compile_feel(expression)(scope))
    except FeelSyntaxError:
        return "refused"


def test_the_browser_and_the_server_agree_on_every_expression_and_every_form_condition():
    expressions = EXPRESSIONS + _form_conditions()
    cases = [{"e": e, "s": s} for e in expressions for s in SCOPES]
    browser = [value if value == "refused" else bool(value) for value in _run_js(cases)]
    server = [_python(case["e"], case["s"]) for case in cases]
    disagreements = [(c["e"], c["s"], b, s) for c, b, s in zip(cases, browser, server, strict=True) if b != s]
    assert disagreements == []
    assert len(_form_conditions()) >= 8


@pytest.mark.parametrize("expression", REFUSED)
def test_feel_outside_the_subset_is_refused_in_the_browser_too(expression):
    assert _run_js([{"e": expression, "s": {}}]) == ["refused"]
