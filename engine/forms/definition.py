"""Reading a Camunda Forms file and checking, at deploy time, everything Renkei relies on at run time."""

from __future__ import annotations

import json
import re
import re._constants as sre_constants  # the parser behind re (no public equivalent)
import re._parser as sre_parser
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator

from engine.definitions.bounded_json import read_json
from engine.errors import DefinitionError, DefinitionProblem
from engine.forms.feel import Condition, FeelSyntaxError, compile_feel

FIELD_TYPES = frozenset({"textfield", "textarea", "number", "datetime", "checkbox", "radio", "select", "checklist"})
CHOICE_TYPES = frozenset({"radio", "select", "checklist"})
# Who sees a field (engine.forms.visibility): ``properties.visibility`` on a field, a group or a dynamic list.
CITY, SHARED = "city", "shared"
VISIBILITIES = {CITY: "市のみ", SHARED: "企業等と共有"}


@cache
def _schema_validator() -> Draft202012Validator:
    text = resources.files("engine.forms").joinpath("form_schema.json").read_text(encoding="utf-8")
    return Draft202012Validator(json.loads(text))


@dataclass(frozen=True)
class FormDefinition:
    """A deployed form: its JSON as written, and its FEEL conditions compiled once."""

    id: str
    schema: dict[str, Any]
    conditions: dict[str, Condition] = field(default_factory=dict, compare=False, repr=False)

    @property
    def components(self) -> list[dict[str, Any]]:
        return self.schema["components"]

    def condition(self, source: str) -> Condition:
        return self.conditions[source]

    def to_json(self) -> str:
        return json.dumps(self.schema, ensure_ascii=False, indent=2)


def _path_of(error) -> str:
    parts = [str(p) for p in error.absolute_path]
    return "/".join(parts) or "(root)"


def _walk(components: list[dict[str, Any]], where: str):
    for index, component in enumerate(components):
        here = f"{where}/{component.get('key') or component.get('path') or component.get('type')}[{index}]"
        yield component, here
        if isinstance(component.get("components"), list):
            yield from _walk(component["components"], here)


def _check_keys(components: list[dict[str, Any]], file_name: str, problems: list[DefinitionProblem]) -> None:
    """Keys must be unique at each level of data (a group with a path or a dynamic list opens a level)."""
    seen: dict[str, str] = {}
    for component in components:
        name = component.get("key") if component.get("type") in FIELD_TYPES else component.get("path")
        if name:
            if name in seen:
                problems.append(DefinitionProblem(file_name, f"フィールドのキー「{name}」が重複しています",
                                                  element_id=component.get("id")))
            seen[name] = component.get("id", "")
        children = component.get("components")
        if isinstance(children, list):
            if component.get("path"):
                _check_keys(children, file_name, problems)
            else:
                # A group without a path adds its fields to the current level.
                for child in children:
                    key = child.get("key") or child.get("path")
                    if key and key in seen:
                        problems.append(DefinitionProblem(file_name, f"フィールドのキー「{key}」が重複しています",
                                                          element_id=child.get("id")))


def load_form(file_name: str, content: bytes | str, strict: bool = True) -> FormDefinition:
    """Parses and checks one ``.form`` file; raises DefinitionError listing every problem found.

    ``strict`` False is for a form already deployed: the deploy-time rules (a pattern that may backtrack, an
    unknown visibility) are
    not applied again, so a rule added later never stops the cases running on it."""

    try:
        schema = read_json(content)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        line = getattr(error, "lineno", None)
        raise DefinitionError([DefinitionProblem(file_name, f"JSON として読めません: {error}", line=line)]) from None
    problems = [
        DefinitionProblem(file_name, f"{_path_of(error)}: {error.message}")
        for error in sorted(_schema_validator().iter_errors(schema), key=lambda e: list(e.absolute_path))
    ]
    if problems:
        raise DefinitionError(problems)
    expected_id = re.sub(r"\.form$", "", file_name.rsplit("/", 1)[-1])
    if schema["id"] != expected_id:
        problems.append(DefinitionProblem(file_name, f"フォームの id「{schema['id']}」がファイル名と一致しません"))
    _check_keys(schema["components"], file_name, problems)
    conditions: dict[str, Condition] = {}
    for component, where in _walk(schema["components"], ""):
        sources = [component.get("conditional", {}).get("hide"), component.get("properties", {}).get("invalidWhen")]
        for source in filter(None, sources):
            try:
                conditions[source] = compile_feel(source)
            except FeelSyntaxError as error:
                problems.append(DefinitionProblem(file_name, f"{where}: 条件式「{source}」を評価できません（{error}）",
                                                  element_id=component.get("id")))
        found = (visibility_problem(component) if strict else None,  # unknown reads as the city's
                 date_bound_problem(component))
        for problem in filter(None, found):
            problems.append(DefinitionProblem(file_name, f"{where}: {problem}", element_id=component.get("id")))
        pattern = component.get("validate", {}).get("pattern")
        if pattern:
            problem = pattern_problem(pattern) if strict else None
            if problem:
                problems.append(DefinitionProblem(file_name, f"{where}: {problem}", element_id=component.get("id")))
    if problems:
        raise DefinitionError(problems)
    return FormDefinition(schema["id"], schema, conditions)


def visibility_problem(component: dict[str, Any]) -> str | None:
    """Why a written visibility is refused, or None (none written is fine: the task's lane decides).

    A misspelt value would otherwise read as the city's and silently hide what the 企業等 must confirm."""
    value = (component.get("properties") or {}).get("visibility")
    if value is None or value in VISIBILITIES:
        return None
    allowed = "、".join(f"{key}（{label}）" for key, label in VISIBILITIES.items())
    return f"公開範囲（visibility）「{value}」は使えません。{allowed} のいずれかを指定してください"


# The date bounds a date field may declare in ``properties`` (engine.forms.submission measures
# them; docs/process-data.md):
# ``happened`` — something that took place: not after today and, when the value names an anchor, not before that
# anchor's day (the label is how the message names it); ``planned`` — something to come: not before today.
HAPPENED_ANCHORS = {"true": None, "case_start": "案件の開始日", "signing": "協定の締結日"}
DATE_BOUND_VALUES = {"happened": tuple(HAPPENED_ANCHORS), "planned": ("true",)}


def date_bound_problem(component: dict[str, Any]) -> str | None:
    """Why a field's ``happened``/``planned`` property is refused at deploy, or None: a misspelt bound would
    otherwise check nothing, silently."""
    properties = component.get("properties", {})
    declared = {name: value for name, value in properties.items() if name in DATE_BOUND_VALUES}
    if not declared:
        return None
    if component.get("type") != "datetime":
        return f"日付の範囲（{'・'.join(declared)}）は日付の項目（datetime）にだけ指定できます"
    if len(declared) > 1:
        return "happened と planned は同じ項目に同時に指定できません"
    [(name, value)] = declared.items()
    if value not in DATE_BOUND_VALUES[name]:
        allowed = "、".join(f"「{v}」" for v in DATE_BOUND_VALUES[name])
        return f"{name} の値「{value}」は使えません（使える値: {allowed}）"
    return None


def pattern_problem(pattern: str) -> str | None:
    """Why a field's ``validate.pattern`` is refused at deploy, or None.

    Python's ``re`` has no time limit, and a pattern with a repetition inside a repetition (``(a+)+$``) can
    backtrack for minutes on a short input that almost matches: a partner's submission would hold a web worker.
    Such patterns are refused; every useful field format can be written without them.
    """
    try:
        parsed = sre_parser.parse(pattern)
    except re.error as error:
        return f"正規表現が不正です（{error}）"
    if _nested_repeat(parsed):
        return (f"正規表現「{pattern}」は、繰り返しの中に同じ文字列へ何通りにも一致する書き方（(a+)+、(a|a)+、(.*a){{12}} "
                "など）があり、入力によっては照合が終わりません。入れ子の繰り返しや重なる選択肢を使わずに書いてください")
    return None


_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT}


def _unbounded(argument) -> bool:
    return argument[1] == sre_constants.MAXREPEAT or argument[1] > 100


def _starts_with_repeat(items) -> bool:
    """Whether the first thing ``items`` matches is itself an unbounded repetition (so two repetitions can
    share the same characters in exponentially many ways); a literal or a set first separates them."""
    if not items:
        return False
    op, argument = items[0]
    if op in _REPEATS:
        return _unbounded(argument) or _starts_with_repeat(argument[2])
    if op is sre_constants.SUBPATTERN:
        return _starts_with_repeat(argument[-1])
    if op is sre_constants.BRANCH:
        return any(_starts_with_repeat(branch) for branch in argument[1])
    return False


def _starts_with_any(items) -> bool:
    """Whether ``items`` begins with ``.*`` / ``.+`` (an unbounded repetition of any character)."""
    if not items:
        return False
    op, argument = items[0]
    if op in _REPEATS:
        return _unbounded(argument) and bool(argument[2]) and argument[2][0][0] is sre_constants.ANY
    if op is sre_constants.SUBPATTERN:
        return _starts_with_any(argument[-1])
    return False


def _alternatives_may_overlap(items) -> bool:
    """Whether ``items`` holds, outside any repetition of its own, alternatives that could match the same text:
    unless every alternative starts with a different literal character (``re`` folds ``(a|a)`` into ``a(|)``,
    whose two empty alternatives match alike)."""
    for op, argument in items:
        if op is sre_constants.SUBPATTERN and _alternatives_may_overlap(argument[-1]):
            return True
        if op is sre_constants.BRANCH:
            firsts = [branch[0] if branch else None for branch in argument[1]]
            if any(first is None or first[0] is not sre_constants.LITERAL for first in firsts):
                return True
            if len({first[1] for first in firsts}) < len(firsts):
                return True
    return False


def _nested_repeat(items, inside: bool = False) -> bool:
    """An unbounded repetition whose body begins with another unbounded repetition or with alternatives that may
    match the same text (``(a+)+``, ``(a|a)+``), or a repetition of ``.*…`` more than three times, anywhere."""
    for op, argument in items:
        if op in _REPEATS:
            body = argument[2]
            if _unbounded(argument) and (_starts_with_repeat(body) or _alternatives_may_overlap(body)):
                return True
            if argument[1] > 3 and _starts_with_any(body):
                return True
            if _nested_repeat(argument[2]):
                return True
        elif op is sre_constants.SUBPATTERN:
            if _nested_repeat(argument[-1]):
                return True
        elif op is sre_constants.BRANCH:
            if any(_nested_repeat(branch) for branch in argument[1]):
                return True
        elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT) and _nested_repeat(argument[1]):
            return True
    return False
