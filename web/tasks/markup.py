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
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
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


def render_text(source: str, data: Mapping[str, Any]) -> Markup:
    values: list[str] = []

    def slot(match: re.Match) -> str:
        values.append(show(lookup(data, match.group(1))))
        return f"\x00{len(values) - 1}\x00"

    template = _VARIABLE.sub(slot, (source or "").replace("\x00", ""))
    blocks: list[str] = []
    paragraph: list[str] = []
    bullets: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append("<p>" + "<br>".join(_inline(line, values) for line in paragraph) + "</p>")
            paragraph.clear()
        if bullets:
            blocks.append("<ul>" + "".join(f"<li>{_inline(item, values)}</li>" for item in bullets) + "</ul>")
            bullets.clear()

    for line in template.splitlines():
        stripped = line.strip()
        heading, bullet = _HEADING.match(stripped), _BULLET.match(stripped)
        if not stripped:
            flush()
        elif heading:
            flush()
            level = min(max(len(heading.group(1)) - 1, 2), 6)  # the page's h1 is the step name
            blocks.append(f"<h{level}>{_inline(heading.group(2), values)}</h{level}>")
        elif bullet:
            if paragraph:
                flush()
            bullets.append(bullet.group(1))
        else:
            if bullets:
                flush()
            paragraph.append(stripped)
    flush()
    return Markup("".join(blocks))
