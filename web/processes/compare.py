"""Comparing versions (issue #13 item 4): any two deployed versions, or a draft with the current version."""

from __future__ import annotations

from flask import render_template, request
from flask_login import login_required

from engine.library import ComparisonService
from web.engine_access import actor, engine
from web.processes import bp


def _number(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdecimal() and int(value) > 0 else None


@bp.get("/<process_id>/compare")
@login_required
def compare_versions(process_id: str):
    comparison = ComparisonService(engine()).versions(actor(), process_id, _number("from"), _number("to"))
    return render_template("processes/compare.html", comparison=comparison)


@bp.get("/drafts/<int:draft_id>/compare")
@login_required
def compare_draft(draft_id: int):
    comparison = ComparisonService(engine()).draft(actor(), draft_id)
    return render_template("processes/compare.html", comparison=comparison)
