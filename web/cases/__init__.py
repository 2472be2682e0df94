"""案件詳細 (issue #4 items 2–3): the case's own BPMN diagram with its progress, beside its history.

Read-only for everyone who may see the case (a manager, 総合政策課, its 担当課, its 企業等); the tasks
themselves are worked on the task pages.
"""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, Flask, render_template
from flask_login import login_required

from engine.board import Board, fiscal_year_label
from web.engine_access import actor, engine

bp = Blueprint("cases", __name__, url_prefix="/cases")


def diagram_data(diagram) -> dict:
    """What the page's script needs to mark the diagram: the XML and each element's progress."""
    return {"xml": diagram.xml, "elements": {key: asdict(state) for key, state in diagram.elements.items()}}


@bp.get("/<int:case_id>")
@login_required
def show(case_id: int):
    detail = Board(engine()).case_detail(actor(), case_id)
    return render_template("cases/detail.html", case=detail, diagram_data=diagram_data,
                           year_label=fiscal_year_label)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
