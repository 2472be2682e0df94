"""From a posted HTML form to the nested data a task's form-js definition describes, and back.

Field names are dotted paths (``proposal_title``, ``project_decision.reason``, ``projects.2.title``) so
the posted form can be read without the definition; the engine validates it against the definition.
A row of a repeating group carries a hidden ``<path>.<n>.__row`` marker, so a row whose checkboxes
are all unticked still counts. Row numbers need not be contiguous (rows removed in the browser).
Each checkbox also posts a hidden ``_checkbox`` naming its path, so it arrives as true or false (an
unticked box posts nothing, and form conditions such as ``principle_exception != true`` need a boolean).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, NamedTuple

from werkzeug.datastructures import MultiDict

ROW_MARKER = "__row"
CHECKBOX_MARKER = "_checkbox"
_INDEX = re.compile(r"^\d+$")


def _is_reserved(name: str) -> bool:
    return name == "csrf_token" or name.startswith("_")


def _node(tree: dict[str, Any], parts: list[str]) -> dict[str, Any] | None:
    node: Any = tree
    for part in parts:
        node = node.setdefault(part, {})
        if not isinstance(node, dict):
            return None  # a name that is both a value and a group: the first one wins
    return node


def _lists(node: Any) -> Any:
    """Dicts whose keys are all row numbers become lists, in row-number order."""
    if not isinstance(node, dict):
        return node
    if node and all(_INDEX.match(key) for key in node):
        return [_lists(node[key]) for key in sorted(node, key=int)]
    return {key: _lists(value) for key, value in node.items()}


def parse_form(form: MultiDict) -> dict[str, Any]:
    """Nested data from the posted fields; a name posted more than once (a checklist) becomes a list."""
    tree: dict[str, Any] = {}
    for name in form:
        if not name or _is_reserved(name):
            continue
        parts = name.split(".")
        node = _node(tree, parts[:-1])
        if node is not None and parts[-1] != ROW_MARKER:
            values = form.getlist(name)
            node.setdefault(parts[-1], values if len(values) > 1 else values[0])
    for name in form.getlist(CHECKBOX_MARKER):
        parts = name.split(".")
        node = _node(tree, parts[:-1])
        if node is not None and name and not _is_reserved(parts[0]):
            node[parts[-1]] = form.get(name) == "true"
    return _lists(tree)


def _list_at(data: dict[str, Any], path: str) -> list | None:
    node: Any = data
    parts = path.split(".")
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) and part.isdecimal() and int(part) < len(node) else (
            node.setdefault(part, {}) if isinstance(node, dict) else None)
        if node is None:
            return None
    if not isinstance(node, dict):
        return None
    found = node.setdefault(parts[-1], [])
    return found if isinstance(found, list) else None


def apply_row_action(data: dict[str, Any], action: str) -> dict[str, Any]:
    """``add:<list path>`` appends an empty row, ``remove:<list path>.<n>`` drops row n (without JavaScript)."""
    verb, _, target = (action or "").partition(":")
    if verb == "add":
        rows = _list_at(data, target)
        if rows is not None:
            rows.append({})
    elif verb == "remove":
        path, _, index = target.rpartition(".")
        rows = _list_at(data, path)
        if rows is not None and index.isdecimal() and int(index) < len(rows):
            del rows[int(index)]
    return data


class FieldName(NamedTuple):
    label: str  # what a clerk sees, with its row (「事業名（連携事業 2行目）」)
    kind: str  # the form-js component type


def field_labels(components: list[dict[str, Any]], values: Mapping[str, Any], prefix: str = "",
                 context: str = "") -> dict[str, FieldName]:
    """Each field path → its label and type, in the form's order (for the error summary)."""
    labels: dict[str, FieldName] = {}
    for component in components:
        kind, label = component.get("type"), component.get("label") or ""
        name = component.get("key") or component.get("path")
        if kind == "dynamiclist":
            labels[prefix + name] = FieldName(label + context, kind)
            rows = values.get(name) if isinstance(values, Mapping) else None
            if not isinstance(rows, list):
                rows = [{}] * int(component.get("defaultRepetitions", 0) or 0)
            for index, row in enumerate(rows):
                labels.update(field_labels(component["components"], row if isinstance(row, Mapping) else {},
                                           f"{prefix}{name}.{index}.", f"（{label} {index + 1}行目）"))
        elif kind == "group" and name:
            nested = values.get(name) if isinstance(values, Mapping) else None
            labels[prefix + name] = FieldName(label + context, kind)
            labels.update(field_labels(component["components"], nested if isinstance(nested, Mapping) else {},
                                       f"{prefix}{name}.", context))
        elif kind == "group":
            labels.update(field_labels(component["components"], values, prefix, context))
        elif name:
            labels[prefix + name] = FieldName(label + context, kind)
    return labels


def field_id(path: str) -> str:
    return "f-" + path.replace(".", "-")
