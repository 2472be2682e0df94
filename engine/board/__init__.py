"""The board, the live diagram, the history and the figures (issue #4); the service is engine.board.service."""

from __future__ import annotations

from engine.front import front

PUBLIC = {
    "AuditFilter": "engine.board.audit_trail",
    "AuditTrail": "engine.board.audit_trail",
    "Board": "engine.board.service",
    "BoardQuery": "engine.board.filters",
    "BoardRow": "engine.board.views",
    "COLUMNS": "engine.board.steps",
    "Figures": "engine.board.views",
    "OVERDUE_AFTER": "engine.board.steps",
    "SORTS": "engine.board.filters",
    "STATUSES": "engine.board.steps",
    "fiscal_year_label": "engine.board.listing",
    "parse_query": "engine.board.filters",
}
__all__ = sorted(PUBLIC)
__getattr__ = front(__name__, PUBLIC)
