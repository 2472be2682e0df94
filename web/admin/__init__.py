"""/admin: organisations, departments and users (administrators); partners and invitations (also 総合政策課).

Every view parses the request, makes one AccountService call and renders. The service decides who may
do what; the decorators here only spare a person a form they could not submit.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from flask import Blueprint, current_app, make_response, render_template, request, url_for
from flask_login import login_required

from engine.accounts import ADMIN_ACTIONS, AccountService, manages_partners, manages_people
from engine.errors import NotAllowedError
from web import navigation
from web.engine_access import actor, engine

bp = Blueprint("admin", __name__, url_prefix="/admin")

STATUSES = {"active": "有効", "inactive": "無効", "all": "すべて"}


def accounts() -> AccountService:
    return AccountService(engine())


def _only(allowed, message: str):
    def decorate(view):
        @wraps(view)
        @login_required
        def guarded(*args, **kwargs):
            if not allowed(actor()):
                raise NotAllowedError(message)
            return view(*args, **kwargs)

        return guarded

    return decorate


partners_only = _only(manages_partners, "この画面はシステム管理者と総合政策課の職員のみ利用できます")
admins_only = _only(manages_people, "この画面はシステム管理者のみ利用できます")


@dataclass(frozen=True)
class Search:
    """The search box, status filter and page of a list, read from the query string."""

    text: str
    status: str
    page: int

    @classmethod
    def from_request(cls) -> Search:
        status = request.args.get("status", "active")
        return cls(request.args.get("q", "").strip()[:100], status if status in STATUSES else "active",
                   max(request.args.get("page", 1, type=int) or 1, 1))


def issued_page(invitation, back: str, organisation=None):
    """The one-time link, shown this once; it must not stay in a shared computer's cache or history.

    With RENKEI_BASE_URL set the link carries the city's public address (as links in mails do), not the
    host name a reverse proxy happened to forward.
    """
    base = current_app.config.get("RENKEI_BASE_URL", "").rstrip("/")
    path = url_for("invitations.accept", token=invitation.token, _external=not base)
    page = render_template("admin/invitation_issued.html", invitation=invitation, organisation=organisation,
                           back=back, link=base + path if base else path)
    response = make_response(page, 201)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/")
@partners_only
def index():
    return render_template("admin/index.html", overview=accounts().overview(actor()))


@bp.get("/history")
@admins_only
def history():
    search = Search.from_request()
    action = request.args.get("action", "")
    listing = accounts().history(actor(), action, search.page)
    return render_template("admin/history.html", listing=listing, action=action, actions=ADMIN_ACTIONS)



def _unverified_badge(person) -> int | None:
    count = AccountService(engine()).unverified_count(person.actor)
    return count or None


def init_app(app) -> None:
    app.register_blueprint(bp)
    navigation.register(app, navigation.NavItem(
        "admin.index", "管理", visible=lambda person: manages_partners(person.actor), badge=_unverified_badge,
        order=80))


from web.admin import departments, organisations, users  # noqa: E402,F401  (routes on bp)
