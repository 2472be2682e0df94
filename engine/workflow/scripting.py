"""The restricted environment every BPMN script, condition, timer expression and DMN cell runs in.

SpiffWorkflow's default environment is plain ``exec`` with full builtins: an uploaded diagram could run
any code on the server (notes §7). Here every source is compiled with RestrictedPython and run with its
guards, only plain builtins and the few domain functions listed in docs/process-data.md. No module is
ever exposed (a module's attributes lead back to ``os``). Every evaluation runs under a budget of time,
operations and size (engine.workflow.budget). The environment is not serialized with a workflow, so the
runner attaches it after every load.
"""

from __future__ import annotations

import ast
import builtins
from datetime import date
from functools import lru_cache
from typing import Any

from RestrictedPython import compile_restricted_eval, compile_restricted_exec, limited_builtins, safe_builtins
from RestrictedPython.Guards import full_write_guard, guarded_iter_unpack_sequence, guarded_unpack_sequence
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment

from engine.domain import projects as partnership
from engine.domain.validity import initial_period
from engine.workflow.budget import Budget, BudgetPolicy, bounded_pow, bounded_range

SCRIPT_FILENAME = "<string>"  # the name SpiffWorkflow looks for when it reports a script's error line


class ScriptRefusedError(Exception):
    """RestrictedPython refused to compile a script or expression (an import, a dunder, a syntax error)."""


def validity_period(signed_on: str) -> dict[str, str]:
    """R-6.1/R-6.2 for scripts: the first validity period of an agreement signed on an ISO date."""
    day = date.fromisoformat(signed_on)
    return initial_period(day).as_dict(signed_on=day)


def tally_partnership_projects(projects: list, project_decisions: dict | None) -> tuple[list[str], int, int]:
    """R-3.3/R-3.4/R-3.6 for scripts, through engine.domain.projects (the rule every surface reads):
    (ids of the partnership projects, their number, the number of R-4 categories they span)."""
    counted = partnership.counted_projects(partnership.decided(projects, project_decisions))
    return [p.key for p in counted], len(counted), len(partnership.counted_categories(counted))


_PLAIN_BUILTINS = (
    "len", "sum", "sorted", "min", "max", "any", "all", "enumerate", "map", "filter", "list", "dict",
    "set", "reversed", "zip", "range", "round", "abs", "str", "int", "float", "bool", "tuple", "isinstance",
)


def _restricted_builtins() -> dict[str, Any]:
    allowed = dict(safe_builtins)
    allowed.update(limited_builtins)
    allowed.update({name: getattr(builtins, name) for name in _PLAIN_BUILTINS})
    allowed.update(range=bounded_range, pow=bounded_pow)  # sizes checked before anything is built
    allowed.pop("__import__", None)
    return allowed


RESTRICTED_GLOBALS: dict[str, Any] = {
    "__builtins__": _restricted_builtins(),
    # _getattr_, _getitem_, _getiter_, _tick_, _inplacevar_ and the operator guards come from each evaluation's
    # Budget.
    "_write_": full_write_guard,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    # Domain functions (docs/process-data.md): single functions, never modules.
    "validity_period": validity_period,
    "tally_partnership_projects": tally_partnership_projects,
}


# Names that only make sense for reaching outside the case data; refused before anything runs.
_FORBIDDEN_NAMES = frozenset(
    {"open", "exec", "eval", "compile", "globals", "locals", "vars", "breakpoint", "getattr", "setattr",
     "delattr", "memoryview", "help", "exit", "quit"}
)


def _refuse_outside_access(source: str, mode: str) -> None:
    # A SyntaxError (with its line number) propagates as it is: SpiffWorkflow's DMN engine relies on it.
    tree = ast.parse(source, filename=SCRIPT_FILENAME, mode=mode)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            raise ScriptRefusedError(f"Line {node.lineno}: import is not allowed")
        if isinstance(node, ast.Name) and node.id in _FORBIDDEN_NAMES:
            raise ScriptRefusedError(f"Line {node.lineno}: {node.id} is not allowed")
        if isinstance(node, ast.Attribute) and node.attr in ("format", "format_map"):
            # A format string walks attributes and items the guards never see ("{0.__class__}").
            raise ScriptRefusedError(f"{node.lineno}行目: .{node.attr}() は使えません（f文字列で）")
        if isinstance(node, ast.While) and _never_ends(node):
            raise ScriptRefusedError(f"{node.lineno}行目: 終わらないループです（break がない while）")


def _never_ends(loop: ast.While) -> bool:
    """``while True`` (or any constant true) with no break, return or raise that leaves this loop."""
    if not (isinstance(loop.test, ast.Constant) and loop.test.value):
        return False
    pending = list(loop.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Break | ast.Return | ast.Raise):
            return False
        if isinstance(node, ast.FunctionDef | ast.Lambda | ast.ClassDef):
            continue  # a return inside a nested function does not leave the loop
        if isinstance(node, ast.For | ast.While):
            pending.extend(node.orelse)  # a break in a nested loop's body ends that loop only
            pending.extend(child for statement in node.body for child in ast.walk(statement)
                           if isinstance(child, ast.Return | ast.Raise))
            continue
        pending.extend(ast.iter_child_nodes(node))
    return True


@lru_cache(maxsize=2048)
def compile_expression(source: str):
    _refuse_outside_access(source.strip(), "eval")
    result = compile_restricted_eval(source.strip(), filename=SCRIPT_FILENAME, policy=BudgetPolicy)
    if result.errors:
        raise ScriptRefusedError("; ".join(result.errors))
    return result.code


@lru_cache(maxsize=512)
def compile_script(source: str):
    _refuse_outside_access(source, "exec")
    result = compile_restricted_exec(source, filename=SCRIPT_FILENAME, policy=BudgetPolicy)
    if result.errors:
        raise ScriptRefusedError("; ".join(result.errors))
    return result.code


class RestrictedEnvironment(TaskDataEnvironment):
    """Compiles with RestrictedPython and the budget's policy; each evaluation gets a fresh Budget.

    The guards are put into the scope last, so no case data can stand in for one.
    """

    def __init__(self) -> None:
        super().__init__(environment_globals=dict(RESTRICTED_GLOBALS))

    def evaluate(self, expression, context, external_context=None):
        code = compile_expression(expression)
        budget = Budget()
        scope = dict(self.globals)
        scope.update(external_context or {})
        scope.update(context)
        scope.update(budget.guards())
        scope["__builtins__"] = self.globals["__builtins__"]
        result = eval(code, scope)  # noqa: S307 - compiled by RestrictedPython
        budget.raise_if_exceeded()
        return result

    def execute(self, script, context, external_context=None):
        code = compile_script(script)
        budget = Budget()
        self.check_for_overwrite(context, external_context or {})
        context.update(self.globals)
        context.update(external_context or {})
        context.update(budget.guards())
        context["__builtins__"] = self.globals["__builtins__"]
        try:
            exec(code, context)  # noqa: S102 - compiled by RestrictedPython
        finally:
            self._remove_globals_and_functions_from_context(context, external_context)
        budget.raise_if_exceeded()
        return True


class RestrictedScriptEngine(PythonScriptEngine):
    """SpiffWorkflow's script engine over the restricted environment; ``validate`` is the deploy-time check."""

    def __init__(self) -> None:
        super().__init__(environment=RestrictedEnvironment())

    def validate(self, expression: str) -> None:
        compile_expression(expression)

    def validate_script(self, script: str) -> None:
        compile_script(script)


SCRIPT_ENGINE = RestrictedScriptEngine()
