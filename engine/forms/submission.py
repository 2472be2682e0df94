"""Server-side validation of a task submission against its form definition.

The browser may hide fields or check them too, but only this decides: every field's type, required
marks, limits and choice lists are checked; unknown fields are refused; fields hidden by their
``conditional.hide`` are dropped; read-only fields keep the value the case already has. Errors are
collected for every field (keyed by a dotted path such as ``projects.2.category``) so a clerk sees all
of them at once, and nothing is saved while any remains.

Two limits apply to fields whose form says nothing: free text has a default maximum length
(``DEFAULT_MAX_LENGTH``), and a date field may declare a plausibility bound in its ``properties`` (``happened``
/ ``planned``, see ``HAPPENED_ANCHORS``) that is measured here against the ``DateBounds`` the engine passes in
(today in Japan by its clock, the case's start, the agreement's signing). The bounds themselves live in
engine.domain.plausible_dates; what a ⑤ decision may say lives in engine.domain.projects.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from engine.domain.plausible_dates import happened_error, planned_error
from engine.domain.projects import decision_errors
from engine.domain.wareki import DateInputError, parse_date_input
from engine.errors import FormDataError
from engine.forms.definition import FIELD_TYPES, HAPPENED_ANCHORS, FormDefinition

OptionSource = Callable[[str, Mapping[str, Any]], list[dict[str, Any]]]

# A form that sets no ``validate.maxLength`` still cannot take a novel: a one-line field holds a name or a title,
# a text area a few paragraphs. A form that needs more (the 協定書's text) says so with its own maxLength.
DEFAULT_MAX_LENGTH = {"textfield": 200, "textarea": 2000}


@dataclass(frozen=True)
class DateBounds:
    """What the ``happened``/``planned`` properties are measured against, for one submission.

    ``anchors`` maps an anchor name of ``HAPPENED_ANCHORS`` to its day; an anchor the case does not have
    (no signing yet) leaves only the bound by today.
    """

    today: date
    anchors: Mapping[str, date | None] = field(default_factory=dict)


_TRUE = {True, "true", "on", "1", "yes", 1}
_FALSE = {False, "false", "off", "0", "no", "", None, 0}


def options_from_data(key: str, data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Default option source: a ``valuesKey`` names a list of ``{label, value}`` in the case data."""
    found = data.get(key)
    return list(found) if isinstance(found, list) else []


def choices_of(component: dict[str, Any], data: Mapping[str, Any], options: OptionSource) -> list[dict[str, Any]]:
    if "values" in component:
        return component["values"]
    return options(component["valuesKey"], data)


@dataclass
class _Check:
    form: FormDefinition
    options: OptionSource
    errors: dict[str, str]
    dates: DateBounds | None = None

    def hidden(self, component: dict[str, Any], scope: Mapping[str, Any]) -> bool:
        source = component.get("conditional", {}).get("hide")
        return bool(source) and bool(self.form.condition(source)(scope))

    def level(self, components, submitted: Mapping[str, Any], current: Mapping[str, Any],
              scope: Mapping[str, Any], prefix: str) -> dict[str, Any]:
        """Validates one level of data (the form, a group with a path, or one row of a dynamic list)."""
        if not isinstance(submitted, Mapping):
            self.errors[prefix.rstrip(".") or "(form)"] = "入力の形式が正しくありません"
            return {}
        known: set[str] = set()
        cleaned: dict[str, Any] = {}
        local_scope = {**scope, **submitted, **_typed(components, submitted)}
        self._components(components, submitted, current, local_scope, prefix, known, cleaned)
        for unknown in sorted(set(submitted) - known):
            self.errors[prefix + unknown] = "この項目はフォームにありません"
        self._invalid_when(components, {**scope, **cleaned}, prefix)
        return cleaned

    def _components(self, components, submitted, current, scope, prefix, known, cleaned) -> None:
        for component in components:
            kind = component["type"]
            name = component.get("key") if kind in FIELD_TYPES else component.get("path")
            if name:
                known.add(name)
            if self.hidden(component, scope):
                continue
            if kind in FIELD_TYPES:
                value = self.field(component, submitted.get(name), current.get(name), scope, prefix + name)
                if value is not _SKIP:
                    cleaned[name] = value
            elif kind == "dynamiclist":
                cleaned[name] = self.rows(component, submitted.get(name), current.get(name), scope, prefix + name)
            elif kind == "group" and name:
                cleaned[name] = self.level(component["components"], submitted.get(name) or {},
                                           current.get(name) or {}, scope, f"{prefix}{name}.")
            elif kind == "group":
                self._components(component["components"], submitted, current, scope, prefix, known, cleaned)

    def rows(self, component, submitted, current, scope, path) -> list[dict[str, Any]]:
        current_rows = current if isinstance(current, list) else []
        if submitted is None:
            submitted = []
        if not isinstance(submitted, list):
            self.errors[path] = "行の一覧として送信してください"
            return []
        fixed = component.get("allowAddRemove") is False
        if fixed and len(submitted) != len(current_rows):
            self.errors[path] = f"行の数は変えられません（{len(current_rows)}行）"
            return []
        minimum = int(component.get("properties", {}).get("minRows", "0") or 0)
        if len(submitted) < minimum:
            self.errors[path] = f"{minimum}行以上入力してください"
        result = []
        for index, row in enumerate(submitted):
            base = current_rows[index] if fixed and index < len(current_rows) else {}
            self._row_identity(component, row, current_rows, f"{path}.{index}.")
            result.append(self.level(component["components"], row, base, scope, f"{path}.{index}."))
        return result

    def _row_identity(self, component, row, current_rows, prefix) -> None:
        """In a list whose rows can be added, a read-only value (a row id) must be one the case already has."""
        if component.get("allowAddRemove") is False or not isinstance(row, Mapping):
            return
        for child in component["components"]:
            key = child.get("key")
            if child.get("readonly") is True and row.get(key) not in (None, ""):
                if row[key] not in {r.get(key) for r in current_rows if isinstance(r, Mapping)}:
                    self.errors[prefix + key] = f"「{row[key]}」は既存の値ではありません"

    def field(self, component, value, current_value, scope, path) -> Any:
        if component.get("readonly") is True:
            if "." in path and current_value is None and value is not None:
                return value  # a row identity already checked by _row_identity
            return current_value
        try:
            value = _COERCE[component["type"]](self, component, value, scope)
        except _Invalid as invalid:
            self.errors[path] = str(invalid)
            return _SKIP
        if _is_empty(value):
            if component.get("validate", {}).get("required"):
                self.errors[path] = _REQUIRED_MESSAGES.get(component["type"], "入力してください")
            return _EMPTY.get(component["type"])
        message = _limits(component, value) or self._plausible(component, value)
        if message:
            self.errors[path] = message
        return value

    def _plausible(self, component, value) -> str | None:
        """The date bound the field's ``properties`` declare (engine.domain.plausible_dates), if any."""
        properties = component.get("properties", {})
        if component["type"] != "datetime" or self.dates is None or not isinstance(value, str):
            return None
        day, label = date.fromisoformat(value), component.get("label") or "日付"
        if properties.get("planned") == "true":
            return planned_error(day, label=label, today=self.dates.today)
        anchor = properties.get("happened")
        if anchor not in HAPPENED_ANCHORS:
            return None
        earliest = self.dates.anchors.get(anchor) if HAPPENED_ANCHORS[anchor] else None
        return happened_error(day, label=label, today=self.dates.today, earliest=earliest,
                              earliest_label=HAPPENED_ANCHORS[anchor] or "")

    def _invalid_when(self, components, scope, prefix) -> None:
        for component in components:
            source = component.get("properties", {}).get("invalidWhen")
            if not source or self.hidden(component, scope):
                continue
            path = prefix + (component.get("key") or component.get("path") or "")
            if path not in self.errors and self.form.condition(source)(scope):
                self.errors[path] = component["properties"].get("invalidMessage", "この内容では受け付けられません")


class _Invalid(ValueError):
    pass


_SCOPE_TYPES = {"checkbox", "number"}


def _typed(components, submitted: Mapping[str, Any]) -> dict[str, Any]:
    """Checkbox and number values as the process will store them, so a FEEL condition such as
    ``principle_exception != true`` sees ``True`` for a posted ``"true"`` — as form-js does in the browser."""
    typed: dict[str, Any] = {}
    for component in components:
        if component.get("type") == "group" and not component.get("path"):
            typed.update(_typed(component["components"], submitted))
        key = component.get("key")
        if component.get("type") in _SCOPE_TYPES and key in submitted:
            try:
                typed[key] = _COERCE[component["type"]](None, component, submitted[key], {})
            except _Invalid:
                pass  # reported when the field itself is checked
    return typed


_SKIP = object()


_REQUIRED_MESSAGES = {"radio": "選択してください", "select": "選択してください", "checklist": "選択してください",
                      "checkbox": "確認のうえチェックしてください"}
_EMPTY: dict[str, Any] = {"checklist": [], "checkbox": False}


def _is_empty(value: Any) -> bool:
    """A checkbox left unticked counts as empty, so a required checkbox must be ticked."""
    return value is None or value == "" or value == [] or value is False


def _text(check, component, value, scope) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str | int | float):
        raise _Invalid("文字で入力してください")
    text = str(value).strip()
    return text or None


def _number(check, component, value, scope) -> int | float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise _Invalid("数値で入力してください")
    if isinstance(value, str):
        normal = unicodedata.normalize("NFKC", value).strip().replace(",", "")
        if not re.fullmatch(r"-?\d+(\.\d+)?", normal):
            raise _Invalid("数値で入力してください")
        value = float(normal) if "." in normal else int(normal)
    if not isinstance(value, int | float):
        raise _Invalid("数値で入力してください")
    if component.get("decimalDigits") == 0:
        if value != int(value):
            raise _Invalid("整数で入力してください")
        value = int(value)
    return value


def _date(check, component, value, scope) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise _Invalid("日付を入力してください")
    try:
        return parse_date_input(value).isoformat()
    except DateInputError as error:
        raise _Invalid(str(error)) from None


def _checkbox(check, component, value, scope) -> bool:
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise _Invalid("はい／いいえで指定してください")


def _choice(check, component, value, scope) -> str | None:
    if value is None or value == "":
        return None
    allowed = {str(option["value"]): option["value"] for option in choices_of(component, scope, check.options)}
    if str(value) not in allowed:
        raise _Invalid("選択肢にない値です")
    return allowed[str(value)]


def _checklist(check, component, value, scope) -> list[Any]:
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    return [_choice(check, component, item, scope) for item in values if item not in (None, "")]


_COERCE = {
    "textfield": _text, "textarea": _text, "number": _number, "datetime": _date,
    "checkbox": _checkbox, "radio": _choice, "select": _choice, "checklist": _checklist,
}


def _limits(component: dict[str, Any], value: Any) -> str | None:
    rules = component.get("validate", {})
    if isinstance(value, str):
        if "minLength" in rules and len(value) < rules["minLength"]:
            return f"{rules['minLength']}文字以上で入力してください"
        longest = rules.get("maxLength", DEFAULT_MAX_LENGTH.get(component["type"]))
        if longest is not None and len(value) > longest:
            return f"{longest}文字以内で入力してください"
        if "pattern" in rules and not re.fullmatch(rules["pattern"], value):
            return "入力の形式が正しくありません"
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "min" in rules and value < rules["min"]:
            return f"{rules['min']}以上の値を入力してください"
        if "max" in rules and value > rules["max"]:
            return f"{rules['max']}以下の値を入力してください"
    return None


def validate_submission(form: FormDefinition, submitted: Mapping[str, Any], current: Mapping[str, Any],
                        options: OptionSource = options_from_data,
                        dates: DateBounds | None = None) -> dict[str, Any]:
    """Returns the cleaned data to merge into the case, or raises FormDataError naming every bad field.

    ``current`` is the task's data before the submission: it supplies read-only values and is the scope
    FEEL conditions see (with the submitted values on top, as form-js does in the browser). ``dates`` is what
    date fields' ``happened``/``planned`` bounds are measured against (None: a caller that checks no dates).
    The record rules of the process-data contract (a ⑤ decision, engine.domain.projects) are asked whatever
    the form says, so a redrawn form cannot bring back a contradictory record.
    """
    check = _Check(form, options, {}, dates)
    cleaned = check.level(form.components, submitted, current, current, "")
    for path, message in decision_errors(cleaned).items():
        check.errors.setdefault(path, message)
    if check.errors:
        raise FormDataError(check.errors)
    return cleaned
