"""The small part of FEEL that form conditions use (``conditional.hide``, ``invalidWhen``).

form-js evaluates these in the browser; the server must reach the same answer to decide which fields
are shown (and so required) and which submissions are refused. Only comparisons, ``and``/``or``,
``not(...)`` and literals are supported; anything else is refused when the form is deployed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

Condition = Callable[[Mapping[str, Any]], Any]

_TOKEN = re.compile(
    r'\s*(?:(?P<string>"(?:[^"\\]|\\.)*")|(?P<number>-?\d+(?:\.\d+)?)|(?P<op>!=|<=|>=|=|<|>|\(|\))'
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*))"
)
_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a is not None and b is not None and a < b,
    "<=": lambda a, b: a is not None and b is not None and a <= b,
    ">": lambda a, b: a is not None and b is not None and a > b,
    ">=": lambda a, b: a is not None and b is not None and a >= b,
}
_LITERALS = {"true": True, "false": False, "null": None}


class FeelSyntaxError(ValueError):
    """The expression uses FEEL that Renkei does not evaluate."""


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise FeelSyntaxError(f"unsupported FEEL near '{text[position:position + 15].strip()}'")
        kind = match.lastgroup
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


def _lookup(path: str, scope: Mapping[str, Any]) -> Any:
    value: Any = scope
    for part in path.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens, self.index = tokens, 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (value is not None and token[1] != value):
            raise FeelSyntaxError(f"expected '{value or 'a value'}'")
        self.index += 1
        return token

    def expression(self) -> Condition:
        return self._chain("or", self.conjunction, any)

    def conjunction(self) -> Condition:
        return self._chain("and", self.comparison, all)

    def _chain(self, word: str, operand: Callable[[], Condition], combine) -> Condition:
        parts = [operand()]
        while self.peek() == ("name", word):
            self.take()
            parts.append(operand())
        return parts[0] if len(parts) == 1 else (lambda scope: combine(bool(p(scope)) for p in parts))

    def comparison(self) -> Condition:
        left = self.unary()
        token = self.peek()
        if token and token[0] == "op" and token[1] in _COMPARISONS:
            self.take()
            right, compare = self.unary(), _COMPARISONS[token[1]]
            return lambda scope: compare(left(scope), right(scope))
        return left

    def unary(self) -> Condition:
        kind, value = self.take()
        if kind == "name" and value == "not":
            self.take("(")
            inner = self.expression()
            self.take(")")
            return lambda scope: not inner(scope)
        if value == "(":
            inner = self.expression()
            self.take(")")
            return inner
        if kind == "string":
            text = value[1:-1].replace('\\"', '"')
            return lambda scope: text
        if kind == "number":
            number = float(value) if "." in value else int(value)
            return lambda scope: number
        if kind == "name" and value in _LITERALS:
            literal = _LITERALS[value]
            return lambda scope: literal
        if kind == "name" and value not in ("and", "or"):
            return lambda scope: _lookup(value, scope)
        raise FeelSyntaxError(f"unexpected '{value}'")


MAX_LENGTH = 2_000  # far above any form condition; keeps tokenizing (quadratic) and evaluating quick


def compile_feel(source: str) -> Condition:
    """Compiles ``=<expression>`` (the leading ``=`` marks FEEL in form-js) into a function of the data.

    A compiled condition has no loops or calls, so its cost is bounded by its length; the length and the
    nesting are bounded here, at deploy, so a form cannot hold a worker when it is shown or submitted."""
    text = source.strip()
    text = text[1:] if text.startswith("=") else text
    if len(text) > MAX_LENGTH:
        raise FeelSyntaxError(f"longer than {MAX_LENGTH:,} characters")
    parser = _Parser(_tokenize(text))
    try:
        condition = parser.expression()
    except RecursionError:
        raise FeelSyntaxError("nested too deeply") from None
    if parser.peek() is not None:
        raise FeelSyntaxError(f"unexpected '{parser.peek()[1]}'")
    return condition
