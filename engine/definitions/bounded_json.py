"""JSON from outside (an uploaded form, scenario or process.json, a request body) read within limits.

Python's parser recurses once per nested array or object, so a few hundred kilobytes of ``[[[[…`` end in a
RecursionError that no caller expects. The nesting is measured first, without recursion, and a document that
is too deep or too large is refused as a ``JSONDecodeError`` (with the line and column where it went too far),
so every reader that already reports "JSON として読めません" reports these too.
"""

from __future__ import annotations

import json
import re
from typing import Any

from engine.config import UPLOADS

# A string (its brackets do not count) or one bracket.
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


class JsonLimitError(json.JSONDecodeError):
    """The document is nested too deeply or too large to be read."""


def read_json(
    content: str | bytes, depth: int = UPLOADS.json_depth, size: int | None = UPLOADS.file_bytes
) -> Any:
    """``json.loads`` that refuses more than ``depth`` nested arrays/objects or ``size`` bytes (None: a size
    bounded already, e.g. a request body by ``MAX_CONTENT_LENGTH``)."""
    text = content.decode("utf-8-sig") if isinstance(content, (bytes, bytearray)) else content
    if size is not None and (len(text) > size or len(text.encode("utf-8")) > size):
        raise JsonLimitError(f"大きすぎます（{size // 1024:,} KB まで）", text, 0)
    too_deep = _too_deep_at(text, depth)
    if too_deep is not None:
        raise JsonLimitError(f"配列・オブジェクトの入れ子が深すぎます（{depth} 段まで）", text, too_deep)
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except ValueError as error:  # a number of over 4,300 digits: Python's int limit, not a JSON syntax error
        raise JsonLimitError(f"桁数の多すぎる数値があります（{error}）", text, 0) from None


def _too_deep_at(text: str, depth: int) -> int | None:
    """The position of the first bracket nested deeper than ``depth``, or None."""
    level = 0
    for token in _TOKEN.finditer(text):
        char = token.group()
        if char in "[{":
            level += 1
            if level > depth:
                return token.start()
        elif char in "]}":
            level -= 1
    return None
