"""Lists a page at a time (issue #15 item 3): keyset paging shared by the inbox, the board, the agreement
register and their JSON; the queries are engine.paging.keyset."""

from __future__ import annotations

from engine.front import front

PUBLIC = {
    "COUNT_CAP": "engine.paging.keyset",
    "count": "engine.paging.keyset",
    "exact": "engine.paging.keyset",
    "shown_total": "engine.paging.keyset",
    "DEFAULT_LIMIT": "engine.paging.keyset",
    "Page": "engine.paging.keyset",
    "PageRequest": "engine.paging.keyset",
    "parse": "engine.paging.keyset",
}
__all__ = sorted(PUBLIC)
__getattr__ = front(__name__, PUBLIC)
