"""Which case data a 企業等 may see: each form field is the city's own (``city``) or shared with the 企業等
(``shared``), written in the field's ``properties`` as ``{"visibility": "city"}`` / ``{"visibility": "shared"}``.

A case's data holds both sides' input in one dictionary: the 企業等's proposal and answers, and the city's
internal judgements (the R-3.5 checks at ⑥, ⑤'s R-3.6 exclusions, reasons written for the file). The 企業等
must see its own input and what the city writes for it (the ⑦ draft it confirms, the signing date), never the
rest. Without a written visibility a field follows the lane of the task whose form holds it: a 企業等 task's
fields are shared, a 総合政策課 or 担当課 task's fields are the city's, so a new city field is internal until
someone decides otherwise. A value no form field writes (one the process computes, e.g. ``valid_until``) is
shared only where a 企業等 task's form names it (its text or a condition), since the process author then put
it in front of the 企業等 on purpose.

Who counts as a 企業等 is ``engine.access.sees_city_data``; this module only says which keys are shared.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.forms.definition import CITY, FIELD_TYPES, SHARED

CONTAINERS = {"group", "dynamiclist"}

_TEMPLATE_NAME = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)")
_FEEL_NAME = re.compile(r'"(?:[^"\\]|\\.)*"|([A-Za-z_][A-Za-z0-9_]*)')
_FEEL_WORDS = {"and", "or", "not", "true", "false", "null"}

# A shape says what of a value is shared: True for all of it, or {key: shape} for the named parts of a group
# (or of every row of a dynamic list).
Shape = dict[str, Any]


def form_names(components: Iterable[Mapping[str, Any]]) -> set[str]:
    """The case variables a form reads or writes: its fields, its texts' {{ names }}, choice lists, conditions."""
    names: set[str] = set()
    for component in components or []:
        names.update(filter(None, (component.get("key"), component.get("path"), component.get("valuesKey"))))
        names.update(_TEMPLATE_NAME.findall(component.get("text") or ""))
        for source in (component.get("conditional", {}).get("hide"),
                       (component.get("properties") or {}).get("invalidWhen")):
            names.update(n for n in _FEEL_NAME.findall(source or "") if n and n not in _FEEL_WORDS)
        names.update(form_names(component.get("components") or []))
    return names


def text_names(components: Iterable[Mapping[str, Any]]) -> set[str]:
    """The case variables a form's texts show ({{ name }} or {{ name.part }})."""
    names: set[str] = set()
    for component in components or []:
        names.update(_TEMPLATE_NAME.findall(component.get("text") or ""))
        names.update(text_names(component.get("components") or []))
    return names


def unshared_in_partner_texts(forms: Iterable[tuple[bool, Iterable[Mapping[str, Any]]]]) -> set[str]:
    """City fields a 企業等's form text shows: the 企業等 would read an empty value (refused at deploy)."""
    forms = [(organisation, list(components)) for organisation, components in forms]
    written = set().union(*(_all_field_names(components) for _, components in forms))
    shown = set().union(*(text_names(components) for organisation, components in forms if organisation))
    return (shown & written) - shared_data(forms).keys()


def _written(component: Mapping[str, Any]) -> str | None:
    return (component.get("properties") or {}).get("visibility")


def _shared(component: Mapping[str, Any], default: bool) -> bool:
    written = _written(component)
    return default if written is None else written == SHARED


def _any_written(components: Iterable[Mapping[str, Any]], value: str) -> bool:
    return any(_written(c) == value or _any_written(c.get("components") or [], value) for c in components)


def _all_field_names(components: Iterable[Mapping[str, Any]]) -> set[str]:
    return {name for c in components for name in (c.get("key"), c.get("path")) if name} | {
        name for c in components for name in _all_field_names(c.get("components") or [])}


def form_shape(components: Iterable[Mapping[str, Any]], shared_by_default: bool) -> tuple[Shape, set[str]]:
    """(what of this form's data is shared, the top-level keys it writes ``city`` on explicitly)."""
    shape: Shape = {}
    city: set[str] = set()
    for component in components:
        kind, shared = component.get("type"), _shared(component, shared_by_default)
        name = component.get("key") if kind in FIELD_TYPES else component.get("path") if kind in CONTAINERS else None
        if kind == "group" and not name:  # its fields belong to this level
            inner, inner_city = form_shape(component.get("components") or [], shared)
            shape.update(inner)
            city |= inner_city
            continue
        if not name:
            continue
        if _written(component) == CITY:
            city.add(name)
        part = _container_shape(component.get("components") or [], shared) if kind in CONTAINERS else shared
        if part:
            shape[name] = part
    return shape, city


def _container_shape(children: list[Mapping[str, Any]], shared: bool) -> Shape | bool:
    """A group or list: all of it (True), its shared parts, or nothing (an empty shape)."""
    if shared and not _any_written(children, CITY):
        return True
    if shared or _any_written(children, SHARED):
        return form_shape(children, shared)[0]
    return {}


def _merge(into: Shape, shape: Shape) -> None:
    for key, part in shape.items():
        have = into.get(key)
        if have is True or part is True:
            into[key] = True
        elif have is None:
            into[key] = dict(part)
        else:
            _merge(have, part)


@dataclass(frozen=True)
class SharedData:
    """What of a case's data the 企業等 sees, for one process (with the processes it calls)."""

    shape: Shape = field(default_factory=dict)

    def keys(self) -> set[str]:
        return set(self.shape)

    def visible(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """Only the shared part of ``data``: unknown keys, the city's fields and the city's parts of a group."""
        return _visible(data, self.shape)


def _visible(data: Mapping[str, Any], shape: Shape) -> dict[str, Any]:
    kept = {}
    for key, value in data.items():
        part = shape.get(key)
        if part is True:
            kept[key] = value
        elif isinstance(part, dict) and isinstance(value, Mapping):
            kept[key] = _visible(value, part)
        elif isinstance(part, dict) and isinstance(value, list):
            kept[key] = [_visible(row, part) if isinstance(row, Mapping) else row for row in value]
    return kept


def shared_data(forms: Iterable[tuple[bool, Iterable[Mapping[str, Any]]]]) -> SharedData:
    """From every (task in the 企業等 lane?, form components) of a process, what the 企業等 may see."""
    forms = [(organisation, list(components)) for organisation, components in forms]
    shape: Shape = {}
    city: set[str] = set()
    written = set()
    for organisation, components in forms:
        form, form_city = form_shape(components, shared_by_default=organisation)
        _merge(shape, form)
        city |= form_city
        written |= _all_field_names(components)
    for organisation, components in forms:
        if organisation:  # what the process computes and a 企業等's form shows (text, conditions)
            _merge(shape, {name: True for name in form_names(components) - written})
    for key in city:  # a field the author marked the city's stays the city's, whatever another form says
        shape.pop(key, None)
    return SharedData(shape)
