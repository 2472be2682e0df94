"""The text components of a form: a small Markdown subset with ``{{ variable }}`` filled from case data.

form-js writes explanations in Markdown. Our forms use headings, **bold**, bullet lists and paragraphs,
so that is what is rendered. Everything is escaped first, and a case value is inserted only after
the Markdown is done, so a value typed by a partner (e.g. ``<script>`` or ``**``) shows as typed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from markupsafe import Markup, escape

_VARIABLE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)\s*\}\}")
_SLOT = re.compile("\x00(\\d+)\x00")
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_BULLET = re.compile(r"^[-*]\s+(.*)$")
_BOLD = re.compile(r"\*\*(.+?)\*\*")


def lookup(data: Mapping[str, Any], path: str) -> Any:
    value: Any = data
    for part in path.split("."):
        if isinstance(value, Mapping):
            value = value.get(part)
        elif isinstance(value, list) and part.isdecimal() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def show(value: Any) -> str:
    """A case value as a clerk reads it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if isinstance(value, list):
        return "、".join(show(item) for item in value)
    if isinstance(value, Mapping):
        return "、".join(f"{key}: {show(item)}" for key, item in value.items())
    return str(value)


def _inline(text: str, values: list[str]) -> str:
    html = _BOLD.sub(r"<strong>\1</strong>", str(escape(text)))
    return _SLOT.sub(lambda m: str(escape(values[int(m.group(1))])).replace("\n", "<br>"), html)


def _blocks(lines: list[str]) -> list[tuple[str, list[str]]]:
    """Groups lines into ("h<level>", [text]), ("ul", items) and ("p", lines) blocks."""
    blocks: list[tuple[str, list[str]]] = []
    for line in (raw.strip() for raw in lines):
        heading, bullet = _HEADING.match(line), _BULLET.match(line)
        kind = blocks[-1][0] if blocks else ""
        if heading:
            level = min(max(len(heading.group(1)) - 1, 2), 6)  # the page's h1 is the step name
            blocks.append((f"h{level}", [heading.group(2)]))
        elif bullet and kind == "ul":
            blocks[-1][1].append(bullet.group(1))
        elif bullet:
            blocks.append(("ul", [bullet.group(1)]))
        elif line and kind == "p":
            blocks[-1][1].append(line)
        elif line:
            blocks.append(("p", [line]))
        else:
            blocks.append(("", []))  # a blank line ends the paragraph or list
    return [block for block in blocks if block[0]]


def render_text(source: str, data: Mapping[str, Any]) -> Markup:
    values: list[str] = []

    def slot(match: re.Match) -> str:
        values.append(show(lookup(data, match.group(1))))
        return f"\x00{len(values) - 1}\x00"

    template = _VARIABLE.sub(slot, (source or "").replace("\x00", ""))
    html = []
    for kind, lines in _blocks(template.splitlines()):
        if kind == "ul":
            html.append("<ul>" + "".join(f"<li>{_inline(item, values)}</li>" for item in lines) + "</ul>")
        elif kind == "p":
            html.append("<p>" + "<br>".join(_inline(line, values) for line in lines) + "</p>")
        else:
            html.append(f"<{kind}>{_inline(lines[0], values)}</{kind}>")
    return Markup("".join(html))
