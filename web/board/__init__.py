"""案件一覧 (the board), 集計 (figures) and the process heat view (issue #4).

Filters, sort order and the table/kanban choice live in the query string, so a view can be bookmarked
and shared; every page is a GET and changes nothing (managers read everything and change nothing).
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Flask, render_template, request, url_for
from flask_login import login_required

from engine.access import may_read_overview
from engine.board import COLUMNS, OVERDUE_AFTER, SORTS, Board, BoardQuery, fiscal_year_label, parse_query
from engine.errors import FormDataError
from web import navigation, paging
from web.board import charts, exports
from web.engine_access import actor, engine

bp = Blueprint("board", __name__, url_prefix="/board")
DEFAULT_PROCESS = "comprehensive_agreement"
FILTERS = ("process", "step", "lane", "department", "organisation", "status", "fiscal_year", "overdue",
           "timer_failed")


def board() -> Board:
    return Board(engine())


def _args(**changes) -> dict[str, str]:
    """The current query string with some parameters changed (None removes one)."""
    args = {key: value for key, value in request.args.items() if value}
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = str(value)
    return args


def board_url(endpoint: str = "board.index", **changes) -> str:
    return url_for(endpoint) + ("?" + urlencode(_args(**changes)) if _args(**changes) else "")


def sort_url(query: BoardQuery, column: str) -> str:
    descending = query.sort == column and not query.descending
    return board_url(sort=("-" if descending else "") + column, order=None, page=None, cursor=None)


@bp.get("/")
@login_required
def index():
    query, errors = parse_query(request.args)
    page = board().board(actor(), query, paging.requested("per_page")[1] if not errors else None)
    return render_template("board/index.html", page=page, query=query, errors=errors, columns=COLUMNS,
                           sorts=SORTS, board_url=board_url, sort_url=sort_url, overdue_days=OVERDUE_AFTER.days,
                           filtered=any(request.args.get(name) for name in FILTERS)), 422 if errors else 200


def _rows_or_refuse():
    query, errors = parse_query(request.args)
    if errors:
        raise FormDataError(errors)
    return board().rows(actor(), query)


@bp.get("/export.csv")
@login_required
def export_csv():
    return exports.csv_response(exports.board_table(_rows_or_refuse()), "案件一覧")


@bp.get("/export.xlsx")
@login_required
def export_xlsx():
    return exports.xlsx_response([exports.board_table(_rows_or_refuse())], "案件一覧")


def _fiscal_year() -> tuple[int | None, dict[str, str]]:
    text = (request.args.get("fiscal_year") or "").strip()
    if text and not (text.isdecimal() and 2019 <= int(text) <= 2100):
        return None, {"fiscal_year": f"年度は2019〜2100の半角数字で指定してください（「{text}」は使えません）"}
    return (int(text) if text else None), {}


@bp.get("/figures")
@login_required
def figures():
    year, errors = _fiscal_year()
    found = board().figures(actor(), year)
    return render_template("board/figures.html", figures=found, errors=errors, charts=charts.for_figures(found),
                           year_label=fiscal_year_label), 422 if errors else 200


@bp.get("/figures.<any(csv, xlsx):kind>")
@login_required
def figures_export(kind: str):
    year, errors = _fiscal_year()
    if errors:
        raise FormDataError(errors)
    tables = exports.figure_tables(board().figures(actor(), year))
    name = "集計" + (f"_{fiscal_year_label(year)}" if year else "")
    if kind == "xlsx":
        return exports.xlsx_response(tables, name)
    table = request.args.get("table", "years")
    chosen = next((t for t in tables if t.key == table), None)
    if chosen is None:
        raise FormDataError({"table": f"表「{table}」はありません（{'、'.join(t.key for t in tables)}のいずれか）"})
    return exports.csv_response(chosen, f"{name}_{chosen.title}")


@bp.get("/processes/<process_id>")
@login_required
def heat(process_id: str):
    view = board().heat(actor(), process_id, request.args.get("element") or None)
    return render_template("board/heat.html", view=view)


@bp.get("/processes")
@login_required
def processes():
    """The process that starts cases (the comprehensive agreement); its tabs lead to the others."""
    return heat(DEFAULT_PROCESS)


def _reads_everything(person) -> bool:
    return may_read_overview(person.actor)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    navigation.register(app, navigation.NavItem("board.index", "案件一覧", order=20))
    navigation.register(app, navigation.NavItem("board.figures", "集計", visible=_reads_everything, order=25))
    app.jinja_env.filters.setdefault("fiscal_year_label", fiscal_year_label)
