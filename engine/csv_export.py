"""CSV for people who open it in Excel: UTF-8 with a BOM (Excel otherwise guesses Shift_JIS) and no formulas.

A cell that starts with ``=``, ``+``, ``-`` or ``@`` is prefixed with ``'`` so a spreadsheet shows it as text
instead of running it (CSV injection); values come from partners' input, so this matters.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

BOM = "\ufeff"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return BOM + buffer.getvalue()
