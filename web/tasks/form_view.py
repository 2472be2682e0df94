"""What the form macros (templates/forms/) ask while rendering a form-js definition.

It holds the values to show (the task's data, or what the clerk just posted), the case data texts and
conditions read, the choice lists the engine resolved and the errors per field path. Conditions are
evaluated with the engine's FEEL subset, so a field hidden on the server is hidden in the page before
any JavaScript runs (the script in static/js/ then keeps it in step while the clerk types).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from markupsafe import Markup

from engine.domain.wareki import DateInputError, format_wareki, parse_date_input
from engine.forms import CHOICE_TYPES, FeelSyntaxError, compile_feel
from web.tasks.form_input import FieldName, field_id, field_labels
from web.tasks.markup import render_text

_TRUE = {True, "true", "on", "1"}
CHOICE_GROUPS = CHOICE_TYPES - {"select"}  # drawn as a fieldset of options (forms/macros.html)


def typed(components: list[dict[str, Any]], values: Mapping[str, Any]) -> dict[str, Any]:
    """Posted strings as the types conditions compare (checkbox → bool), level by level."""
    result = dict(values)
    for component in components:
        kind, name = component.get("type"), component.get("key") or component.get("path")
        if kind == "checkbox" and name in result:
            result[name] = result[name] in _TRUE
        elif kind == "group" and not name:
            result.update(typed(component["components"], values))
        elif kind == "group" and isinstance(result.get(name), Mapping):
            result[name] = typed(component["components"], result[name])
    return result


@dataclass
class FormView:
    form: dict[str, Any]
    values: dict[str, Any]
    data: dict[str, Any]
    options: dict[str, list[dict[str, Any]]]
    errors: dict[str, str] = field(default_factory=dict)
    disabled: bool = False

    @property
    def components(self) -> list[dict[str, Any]]:
        return self.form.get("components", [])

    @cached_property
    def labels(self) -> dict[str, FieldName]:
        return field_labels(self.components, self.values)

    def scope(self, components: list[dict[str, Any]] | None = None, level: Mapping[str, Any] | None = None,
              outer: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """What a condition sees: case data, then the form's values, then the values of the row it is in."""
        base = outer if outer is not None else {**self.data, **typed(self.components, self.values)}
        return {**base, **typed(components or [], level or {})} if level is not None else base

    def hidden(self, component: dict[str, Any], scope: Mapping[str, Any]) -> bool:
        source = component.get("conditional", {}).get("hide")
        if not source:
            return False
        try:
            return bool(compile_feel(source)(scope))
        except FeelSyntaxError:
            return False  # refused at deploy time; never hide a field on a condition we cannot read

    def choices(self, component: dict[str, Any]) -> list[dict[str, Any]]:
        if "values" in component:
            return component["values"]
        return self.options.get(component.get("valuesKey", ""), [])

    def text(self, component: dict[str, Any]) -> Markup:
        return render_text(component.get("text", ""), self.data)

    def rows(self, component: dict[str, Any], level: Mapping[str, Any]) -> list[Mapping[str, Any]]:
        found = level.get(component["path"]) if isinstance(level, Mapping) else None
        if isinstance(found, list):
            return [row if isinstance(row, Mapping) else {} for row in found]
        return [{} for _ in range(int(component.get("defaultRepetitions", 0) or 0))]

    def group(self, component: dict[str, Any], level: Mapping[str, Any]) -> Mapping[str, Any]:
        found = level.get(component["path"]) if isinstance(level, Mapping) else None
        return found if isinstance(found, Mapping) else {}

    @staticmethod
    def value(level: Mapping[str, Any], key: str) -> str:
        found = level.get(key) if isinstance(level, Mapping) else None
        return "" if found is None or isinstance(found, list | dict) else str(found)

    @staticmethod
    def selected(level: Mapping[str, Any], key: str) -> list[str]:
        found = level.get(key) if isinstance(level, Mapping) else None
        if found is None:
            return []
        return [str(item) for item in (found if isinstance(found, list) else [found])]

    @staticmethod
    def checked(level: Mapping[str, Any], key: str) -> bool:
        return (level.get(key) if isinstance(level, Mapping) else None) in _TRUE

    @staticmethod
    def date_reading(text: str) -> str | None:
        """How a typed date was understood: 令和7年10月1日（2025-10-01）, or None if it is not a date yet."""
        try:
            day = parse_date_input(text)
        except DateInputError:
            return None
        try:
            return f"{format_wareki(day)}（{day.isoformat()}）"
        except ValueError:
            return day.isoformat()

    def error(self, path: str) -> str | None:
        return self.errors.get(path)

    def error_list(self) -> list[tuple[str, str, str]]:
        """(anchor id, field label, message) for the summary above the form, in the form's order."""
        order = list(self.labels)
        ranked = sorted(self.errors.items(), key=lambda item: order.index(item[0]) if item[0] in order else 10**6)
        return [(self._anchor(path), self.labels[path].label if path in self.labels else "入力内容", message)
                for path, message in ranked]

    def _anchor(self, path: str) -> str:
        """A choice group's link goes to its first option: a fieldset cannot take the focus, an input can."""
        named = self.labels.get(path)
        return f"{field_id(path)}-1" if named and named.kind in CHOICE_GROUPS else field_id(path)

    @staticmethod
    def id(path: str) -> str:
        return field_id(path)

    def described_by(self, path: str, component: dict[str, Any]) -> str | None:
        ids = [f"{field_id(path)}-help"] if component.get("description") else []
        if path in self.errors:
            ids.append(f"{field_id(path)}-error")
        return " ".join(ids) or None
