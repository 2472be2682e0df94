"""GET /api/cases: the board as JSON (issue #4 item 7), with the board's filters as query parameters.

The blueprint is nested in the API blueprint (web.api), so /api/cases shares its authentication (a
session or ``Authorization: Bearer``), its JSON errors and its contract test (docs/openapi.yaml).
Timestamps are ISO 8601 with their offset.
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, g, jsonify, request

from engine.board import Board, BoardRow, parse_query
from engine.errors import FormDataError
from web import paging
from web.engine_access import engine

bp = Blueprint("board", __name__)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def case_row_json(row: BoardRow) -> dict:
    return {
        "id": row.id, "number": row.number, "title": row.title, "organisation": row.organisation_name,
        "process_id": row.process_id, "status": row.status, "outcome": row.outcome,
        "step": {"key": row.column, "label": row.column_label},
        "active_steps": row.active_steps,
        "parallel": {"done": row.parallel_done, "total": row.parallel_total} if row.parallel_total else None,
        "waiting_for": [{"lane": w.lane, "party": w.party, "person": w.person, "since": _iso(w.since),
                         "steps": w.steps, "tasks": w.tasks} for w in row.waiting],
        "waiting_since": _iso(row.waiting_since), "overdue": row.overdue, "timer_failed": row.timer_problem is not None,
        "started_at": _iso(row.started_at), "ended_at": _iso(row.ended_at), "fiscal_year": row.fiscal_year,
        "project_count": row.project_count, "category_count": row.category_count,
    }


@bp.get("/cases")
def list_cases():
    query, errors = parse_query(request.args)
    if errors:
        raise FormDataError(errors)
    found = Board(engine()).listing(g.api_person.actor, query, paging.requested("per_page")[1])
    return jsonify({"cases": [case_row_json(row) for row in found.items], "page": found.number,
                    "per_page": found.limit, **paging.json_fields(found)})


_nested = False


def nest(api_blueprint: Blueprint) -> None:
    """Registers this blueprint inside the API's; Flask allows that only before the API is first registered."""
    global _nested
    if not _nested:
        api_blueprint.register_blueprint(bp)
        _nested = True
