"""The inbox (issue #3 item 4): 「自分のタスク」「グループのタスク」「完了済み」, filtered and sorted by the clerk.

Filters and the sort order live in the query string, so a filtered list can be bookmarked, reloaded
and shared, and works without JavaScript.
"""

from __future__ import annotations

from flask import Blueprint, Flask, abort, g, render_template, request, url_for
from flask_login import login_required

from engine.cases import SORT_COLUMNS, VIEWS, Inbox, TaskFilter
from web import navigation, paging
from web.engine_access import actor, engine

bp = Blueprint("inbox", __name__, url_prefix="/inbox")

VIEW_LABELS = {"mine": "自分のタスク", "group": "グループのタスク", "completed": "完了済み"}
FILTER_FIELDS = ("case_number", "organisation", "step", "project")


def _filters() -> TaskFilter:
    args = request.args
    sort = args.get("sort") if args.get("sort") in SORT_COLUMNS else None
    return TaskFilter(**{name: args.get(name, "")[:100] for name in FILTER_FIELDS}, sort=sort,
                      descending=args.get("order") == "desc")


def sort_url(view: str, filters: TaskFilter, column: str) -> str:
    """The column header's link: sort by it, or reverse the order when it is already the sort column."""
    descending = filters.sort == column and not filters.descending
    args = {name: getattr(filters, name) for name in FILTER_FIELDS if getattr(filters, name)}
    return url_for("inbox.index", view=view, sort=column, order="desc" if descending else "asc", **args)


@bp.get("/", defaults={"view": None})
@bp.get("/<view>")
@login_required
def index(view: str | None):
    if view is not None and view not in VIEWS:
        abort(404)
    filters = _filters()
    wanted, cursor = paging.requested()
    page = Inbox(engine()).page(actor(), view, filters, wanted, cursor)
    g.inbox_counts = page.counts  # the menu badge shows the same counts (read in the same unit of work)
    return render_template("inbox/index.html", page=page, filters=filters, view_labels=VIEW_LABELS,
                           sort_url=sort_url, filtered=filters.narrows)


def _badge(person) -> int | None:
    """What waits for me; a page that has just counted the views (the inbox, home) is not counted twice."""
    counted = g.get("inbox_counts")
    count = counted.open if counted is not None else Inbox(engine()).waiting_count(person.actor)
    return count or None


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    navigation.register(app, navigation.NavItem("inbox.index", "タスク", badge=_badge, order=10))
