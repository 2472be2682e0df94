"""Submitted data as people read it: each value under its form label, choices under their option labels.

The history shows what a person entered at a step; the audit trail stores the cleaned submission by
key, and the form the step used (from the case's own process version) gives the words.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.board.views import DataField

_BOOLEAN = {True: "はい", False: "いいえ"}
_LAYOUT = {"text", "separator", "spacer", "html", "image", "button"}


def readable(components: list[dict[str, Any]], data: Mapping[str, Any],
             departments: Mapping[str, str]) -> list[DataField]:
    """Only what the form asks for, in the form's order; internal keys (e.g. project_counter) are left out."""
    fields: list[DataField] = []
    for component in components:
        kind = component.get("type")
        if kind in _LAYOUT:
            continue
        label = component.get("label") or component.get("key") or component.get("path") or ""
        if kind == "dynamiclist":
            rows = data.get(component.get("path") or "")
            if isinstance(rows, list) and rows:
                fields.append(DataField(label, rows=[readable(component.get("components") or [], row, departments)
                                                     for row in rows if isinstance(row, Mapping)]))
        elif kind == "group":
            scope = data.get(component["path"]) if component.get("path") else data
            if isinstance(scope, Mapping):
                inner = readable(component.get("components") or [], scope, departments)
                if inner:
                    fields.append(DataField(label, fields=inner))
        elif component.get("key") in data:
            fields.append(_field(component, label, data[component["key"]], departments))
    return fields


def _field(component: dict[str, Any], label: str, value: Any, departments: Mapping[str, str]) -> DataField:
    kind = component.get("type")
    if kind == "datetime":
        return DataField(label, value or "", kind="date")
    if kind == "checkbox":
        return DataField(label, _BOOLEAN.get(bool(value)))
    if kind in {"radio", "select", "checklist"}:
        choices = {str(o.get("value")): o.get("label") for o in component.get("values") or []}
        if component.get("valuesKey") == "departments":
            choices = dict(departments)
        values = value if isinstance(value, list) else [value]
        shown = [choices.get(str(v), str(v)) for v in values if v not in (None, "")]
        return DataField(label, "、".join(shown) if shown else "（なし）")
    if value is None or value == "":
        return DataField(label, "（未入力）")
    return DataField(label, str(value))
