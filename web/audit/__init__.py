"""監査記録 (issue #7 item 7, 透明性): every action, filterable by case, person, action and date, exportable.

Only 総合政策課 and administrators see it (the engine refuses everyone else). Filters live in the query
string, so a selection can be bookmarked and the CSV link exports exactly what is on screen.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, render_template, request, url_for
from flask_login import login_required

from engine.access import may_read_audit
from engine.board import AuditFilter, AuditTrail
from engine.errors import FormDataError
from web import navigation
from web.engine_access import actor, engine

bp = Blueprint("audit", __name__, url_prefix="/audit")
PAGE_SIZE = 100
FIELDS = ("case", "person", "action", "date_from", "date_to")


def _filter() -> AuditFilter:
    return AuditFilter(**{name: request.args.get(name, "")[:100] for name in FIELDS})


def _page() -> int:
    page = request.args.get("page", "1")
    return max(int(page), 1) if page.isdecimal() else 1


@bp.get("/")
@login_required
def index():
    wanted, page = _filter(), _page()
    try:
        result = AuditTrail(engine()).search(actor(), wanted, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
        errors = {}
    except FormDataError as error:
        result, errors = None, error.errors
    args = {name: getattr(wanted, name) for name in FIELDS if getattr(wanted, name)}
    return render_template("audit/index.html", result=result, errors=errors, wanted=wanted, page=page,
                           page_size=PAGE_SIZE, args=args,
                           csv_url=url_for("audit.export", **args)), 422 if errors else 200


@bp.get("/export.csv")
@login_required
def export():
    response = Response(AuditTrail(engine()).export_csv(actor(), _filter()), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = "attachment; filename=renkei-audit.csv"
    return response


def _may_read(person) -> bool:
    return may_read_audit(person.actor)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    navigation.register(app, navigation.NavItem("audit.index", "監査記録", visible=_may_read, order=90))
