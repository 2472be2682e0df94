"""The budget every piece of process code runs under: time, operations and the size of what it builds.

RestrictedPython stops a script from reaching outside the case data, but not from running for ever:
``while True: pass`` or ``sum(range(10**9))`` would hold a web worker (or a deploy's dry run) for as long
as it likes. The restricted compiler here (``BudgetPolicy``) rewrites every place where code can repeat
or grow into a call of a guard that counts:

- the head of every ``while`` body and every function or lambda call ticks ``_tick_``;
- every ``for`` loop and comprehension iterates through ``_getiter_``, which ticks per item;
- attribute and item access tick (``_getattr_``, ``_getitem_``);
- ``*``, ``**``, ``+``, ``<<`` and ``%`` go through guards that refuse a result above the size limit
  (string or list repetition, huge integers, ``"%1000000000d"``), as do ``range()``, ``pow()`` and the
  string methods that pad or join.

Each tick spends one operation and compares the clock with the deadline, so a run stops within one
guarded operation of either limit; the size limit keeps what a single unguarded C call can do between
two ticks small. A ``Budget`` is made per evaluation and put into that evaluation's scope only, so
concurrent requests never share one. An overrun is sticky: a script that catches the error goes on
failing at its next tick, and the environment raises it again when the code returns.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from time import monotonic
from typing import Any

from RestrictedPython import RestrictingNodeTransformer
from RestrictedPython.Eval import default_guarded_getitem
from RestrictedPython.Guards import safer_getattr


@dataclass(frozen=True)
class ScriptLimits:
    """How much one script, condition, timer expression, DMN cell or message payload may do.

    ``seconds``: wall-clock time of one evaluation. ``operations``: loop iterations, function calls,
    attribute and item accesses together. ``size``: the largest string, list, range or integer (in bits)
    a single operation may build. Set from RENKEI_SCRIPT_* (engine.config.Settings).
    """

    seconds: float = 1.0
    operations: int = 1_000_000
    size: int = 1_000_000


class ScriptBudgetExceededError(Exception):
    """Process code went over its budget; ``limit`` says which one, in words for a process owner."""

    def __init__(self, limit: str) -> None:
        self.limit = limit
        super().__init__(limit)  # a str first argument: SpiffWorkflow concatenates it into its message


_limits = ScriptLimits()


def set_limits(limits: ScriptLimits) -> None:
    """Applies the configured limits to every evaluation that starts afterwards (called when wiring)."""
    global _limits  # noqa: PLW0603 - one process-wide setting, written once at start-up
    _limits = limits


def current_limits() -> ScriptLimits:
    return _limits


_NUMBERS = frozenset({int, float, bool})


def _sized(value: Any) -> int | None:
    return len(value) if isinstance(value, str | bytes | list | tuple) else None


def check_size(size: int, limits: ScriptLimits | None = None) -> None:
    limits = limits or _limits
    if size > limits.size:
        raise ScriptBudgetExceededError(f"大きさの上限（{limits.size:,}）")


def _int_bits(value: Any) -> int:
    return abs(value).bit_length() if isinstance(value, int) else 0


def bounded_range(*args: int) -> range:
    result = range(*args)
    check_size(len(result))
    return result


def bounded_pow(base: Any, exponent: Any, modulo: Any = None) -> Any:
    if modulo is None and isinstance(base, int) and isinstance(exponent, int) and exponent > 0:
        check_size(_int_bits(base) * exponent if _int_bits(base) > 1 else 0)
    return pow(base, exponent, modulo)


_PERCENT_FIELD = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")


def _check_percent_format(template: str) -> None:
    for width, precision in _PERCENT_FIELD.findall(template):
        for number in (width, precision):
            if number == "*":
                raise ScriptBudgetExceededError("書式の幅に * は使えません")
            if number:
                check_size(int(number))


def _padded(method, width_at: int = 0):
    def call(*args: Any) -> Any:
        if len(args) > width_at and isinstance(args[width_at], int):
            check_size(args[width_at])
        return method(*args)
    return call


def _str_method(text: str, name: str, method):
    """String methods whose result can be far larger than their arguments, with the size checked first."""
    if name in ("ljust", "rjust", "center", "zfill"):
        return _padded(method)
    if name == "expandtabs":
        return lambda tabsize=8: (check_size(len(text) * max(tabsize, 1)), method(tabsize))[1]
    if name == "replace":
        def replace(old: str, new: str, count: int = -1) -> str:
            hits = text.count(old) if old else len(text) + 1
            check_size(len(text) + (hits if count < 0 else min(hits, count)) * len(new))
            return method(old, new, count)
        return replace
    if name == "join":
        def join(items: Iterable[Any]) -> str:
            items = list(items)
            check_size(sum(len(i) for i in items if isinstance(i, str)) + len(text) * max(len(items) - 1, 0))
            return method(items)
        return join
    return method


class Budget:
    """One evaluation's allowance; its bound methods are the guards that evaluation's code calls."""

    __slots__ = ("limits", "operations", "deadline", "exceeded")

    def __init__(self, limits: ScriptLimits | None = None) -> None:
        self.limits = limits or _limits
        self.operations = self.limits.operations
        self.deadline = monotonic() + self.limits.seconds
        self.exceeded: ScriptBudgetExceededError | None = None

    def tick(self, value: Any = None) -> Any:
        """The hot path (once per loop item, call and access): one subtraction, one clock read."""
        self.operations -= 1
        if self.operations < 0 or monotonic() > self.deadline:
            self._overrun()
        return value

    def _overrun(self) -> None:
        if self.exceeded is None:
            self.exceeded = ScriptBudgetExceededError(
                f"処理の上限（{self.limits.operations:,} 回）" if self.operations < 0
                else f"時間の上限（{self.limits.seconds:g} 秒）")
            self.operations = -1  # sticky: every later tick fails too
        raise ScriptBudgetExceededError(self.exceeded.limit)

    def raise_if_exceeded(self) -> None:
        """After the code returned: an overrun it caught and swallowed still fails the evaluation."""
        if self.exceeded:
            raise ScriptBudgetExceededError(self.exceeded.limit)

    def getiter(self, iterable: Iterable[Any]) -> Iterator[Any]:
        return map(self.tick, iterable)  # one tick per item, without a Python generator frame

    def getattr(self, obj: Any, name: str, default: Any = None) -> Any:
        self.tick()
        value = safer_getattr(obj, name, default)
        if isinstance(obj, str):
            return _str_method(obj, name, value)
        if isinstance(obj, list) and name == "extend":
            return self._sized_extend(obj, value)
        return value

    def _sized_extend(self, target: list, extend):
        def call(items: Iterable[Any]) -> None:
            items = list(items)
            check_size(len(target) + len(items), self.limits)
            extend(items)
        return call

    def getitem(self, obj: Any, key: Any) -> Any:
        self.tick()
        return default_guarded_getitem(obj, key)

    def mul(self, left: Any, right: Any) -> Any:
        self.tick()
        kinds = (left.__class__, right.__class__)
        if kinds[0] in _NUMBERS and kinds[1] in _NUMBERS:  # the common case, kept quick
            if kinds == (int, int):
                check_size(left.bit_length() + right.bit_length(), self.limits)
            return left * right
        for sequence, times in ((left, right), (right, left)):
            if _sized(sequence) is not None and isinstance(times, int):
                check_size(_sized(sequence) * times, self.limits)
        check_size(_int_bits(left) + _int_bits(right), self.limits)
        return left * right

    def add(self, left: Any, right: Any) -> Any:
        if left.__class__ in _NUMBERS:
            return left + right
        if _sized(left) is not None and _sized(right) is not None:
            self.tick()
            check_size(_sized(left) + _sized(right), self.limits)
        return left + right

    def pow(self, base: Any, exponent: Any) -> Any:
        self.tick()
        return bounded_pow(base, exponent)

    def lshift(self, left: Any, right: Any) -> Any:
        self.tick()
        if isinstance(right, int):
            check_size(_int_bits(left) + right, self.limits)
        return left << right

    def mod(self, left: Any, right: Any) -> Any:
        self.tick()
        if isinstance(left, str):
            _check_percent_format(left)
        return left % right

    def inplace(self, op: str, left: Any, right: Any) -> Any:
        """``x op= y`` (RestrictedPython's ``_inplacevar_``): the same checks as ``x = x op y``."""
        checked = {"+=": self.add, "*=": self.mul, "%=": self.mod, "**=": self.pow, "<<=": self.lshift}.get(op)
        if checked is not None:
            return checked(left, right)
        self.tick()
        return _PLAIN_INPLACE[op](left, right)

    def guards(self) -> dict[str, Any]:
        return {
            "_tick_": self.tick, "_getiter_": self.getiter, "_getattr_": self.getattr,
            "_getitem_": self.getitem, "_mul_": self.mul, "_add_": self.add, "_pow_": self.pow,
            "_lshift_": self.lshift, "_mod_": self.mod, "_inplacevar_": self.inplace,
        }


# In-place operators that cannot grow a value past what its operands hold.
_PLAIN_INPLACE = {
    "-=": lambda a, b: a - b, "/=": lambda a, b: a / b, "//=": lambda a, b: a // b,
    "|=": lambda a, b: a | b, "&=": lambda a, b: a & b, "^=": lambda a, b: a ^ b, ">>=": lambda a, b: a >> b,
    "@=": lambda a, b: a @ b,
}


def _call(name: str, *args: ast.expr) -> ast.Call:
    return ast.Call(func=ast.Name(id=name, ctx=ast.Load()), args=list(args), keywords=[])


_GUARDED_OPERATORS = {
    ast.Mult: "_mul_", ast.Add: "_add_", ast.Pow: "_pow_", ast.LShift: "_lshift_", ast.Mod: "_mod_",
}


class BudgetPolicy(RestrictingNodeTransformer):
    """RestrictedPython's policy, plus the budget's guards at every place code can repeat or grow."""

    def _ticked(self, node: ast.AST) -> ast.AST:
        tick = ast.copy_location(ast.Expr(_call("_tick_")), node)
        node.body.insert(0, ast.fix_missing_locations(tick))
        return node

    def visit_While(self, node: ast.While) -> ast.AST:
        return self._ticked(super().visit_While(node))

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        return self._ticked(super().visit_FunctionDef(node))

    def visit_Lambda(self, node: ast.Lambda) -> ast.AST:
        node = super().visit_Lambda(node)
        node.body = ast.fix_missing_locations(ast.copy_location(_call("_tick_", node.body), node.body))
        return node

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        node = super().visit_BinOp(node)
        guard = _GUARDED_OPERATORS.get(type(node.op))
        if guard is None:
            return node
        return ast.fix_missing_locations(ast.copy_location(_call(guard, node.left, node.right), node))

    def visit_FormattedValue(self, node: ast.FormattedValue) -> ast.AST:
        """f-string fields: a width from the data (``{x:{n}}``) or above the size limit is refused."""
        spec = node.format_spec
        if spec is not None:
            if any(isinstance(part, ast.FormattedValue) for part in spec.values):
                self.error(node, "f文字列の幅を実行時に計算することはできません")
            text = "".join(part.value for part in spec.values if isinstance(part, ast.Constant))
            if any(int(number) > _limits.size for number in re.findall(r"\d+", text)):
                self.error(node, f"f文字列の幅は {_limits.size:,} までです")
        return super().visit_FormattedValue(node)
