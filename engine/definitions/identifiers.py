"""The one grammar of a process id, checked wherever an id arrives from outside.

A process id names a folder of a bundle, the files in it (``<id>/<id>.bpmn``), the entries of a downloaded zip
and the name it downloads as, so an id from an upload form, a BPMN file or a folder on disk must never carry
``/``, ``..``, quotes or control characters. The grammar is XML's NCName narrowed to ASCII (a BPMN id is an
NCName), which every id in ``processes/`` and every id Camunda Modeler generates (``Process_1x2y3z``) fits.
"""

from __future__ import annotations

import re

PROCESS_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]{0,63}$")
PROCESS_ID_RULE = "英字または「_」で始め、英数字・「_」「-」「.」の64文字以内"


def is_process_id(value: object) -> bool:
    return isinstance(value, str) and PROCESS_ID.fullmatch(value) is not None


def shown(value: str, limit: int = 40) -> str:
    """A refused value as a message may quote it: printable and short."""
    printable = "".join(c if c.isprintable() else "?" for c in value)
    return printable if len(printable) <= limit else printable[:limit] + "…"


def process_id_problem(value: str) -> str | None:
    """The Japanese refusal for a value that is not a process id, or None when it is one."""
    if is_process_id(value):
        return None
    return f"プロセス ID「{shown(value)}」は使えません（{PROCESS_ID_RULE}）"


def bpmn_path(process_id: str) -> str:
    """Where a process's diagram lives in a bundle: ``<id>/<id>.bpmn`` (a BPMN file is named after its process,
    in a folder of the same name). Every reader of a bundle asks here."""
    return f"{process_id}/{process_id}.bpmn"
