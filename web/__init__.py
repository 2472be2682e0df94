"""The Flask application: a thin layer over the engine's public API (engine.service.CaseEngine).

Views parse the request, make one engine call and render; the engine raises domain errors, which
``web.errors`` turns into pages and JSON. Nothing here queries the database or commits.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter

from engine.bootstrap import bootstrap
from engine.config import Settings


def _secret_key(app: Flask) -> str:
    """RENKEI_SECRET_KEY, or a key kept in the instance folder so every worker signs sessions alike."""
    if os.environ.get("RENKEI_SECRET_KEY"):
        return os.environ["RENKEI_SECRET_KEY"]
    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


class RowIdConverter(IntegerConverter):
    """``<int:…>`` in every route: a number no row id can be (beyond PostgreSQL's integer) matches no route, so
    it is 404 like any id that names nothing, instead of a query the database refuses (a 500)."""

    def __init__(self, map, *args, max: int | None = 2**31 - 1, **kwargs) -> None:  # noqa: A002 (werkzeug's name)
        super().__init__(map, *args, max=max, **kwargs)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_path=os.environ.get("RENKEI_INSTANCE_PATH") or str(Path.cwd() / "instance"))
    app.url_map.converters["int"] = RowIdConverter
    settings = Settings.from_environment()
    app.config.update(
        RENKEI_DATABASE_URL=settings.database_url,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=os.environ.get("RENKEI_SESSION_COOKIE_SECURE", "true").lower() != "false",
        REMEMBER_COOKIE_SECURE=os.environ.get("RENKEI_SESSION_COOKIE_SECURE", "true").lower() != "false",
        REMEMBER_COOKIE_HTTPONLY=True,
        PERMANENT_SESSION_LIFETIME=60 * 60 * 8,  # one working day
        WTF_CSRF_TIME_LIMIT=None,  # a clerk may keep a long form open; the token still binds to the session
        MAX_CONTENT_LENGTH=5 * 1024 * 1024,
        JSON_AS_ASCII=False,
        RENKEI_BASE_URL=os.environ.get("RENKEI_BASE_URL", ""),  # links shown to copy (invitations)
        RENKEI_TRUSTED_PROXIES=int(os.environ.get("RENKEI_TRUSTED_PROXIES", "0")),
    )
    app.config.update(config or {})
    if app.config["RENKEI_TRUSTED_PROXIES"]:
        # Behind a reverse proxy every request would seem to come from it: the sign-in and registration
        # limits count per client address, so take it from the proxies' X-Forwarded-For.
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["RENKEI_TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(app)

    engine = app.config.get("RENKEI_ENGINE") or bootstrap(app.config["RENKEI_DATABASE_URL"],
                                                          script_limits=settings.script_limits)
    app.extensions["renkei.engine"] = engine

    from web import assets, errors, extensions, filters, health, navigation, paging, security
    from web.auth import bp as auth_bp
    from web.home import bp as home_bp

    extensions.init_app(app)
    security.init_app(app)  # CSP, frame, sniffing and referrer headers on every response
    filters.init_app(app)
    paging.init_app(app)  # the pager's links, for every paged list
    errors.init_app(app)
    navigation.init_app(app)
    app.register_blueprint(assets.bp)
    app.register_blueprint(health.bp)  # GET /healthz for a load balancer: no sign-in, no session
    app.register_blueprint(auth_bp)
    app.register_blueprint(home_bp)
    navigation.register(app, navigation.NavItem("home.index", "ホーム", order=0))
    from web import admin, invitations, proposals

    admin.init_app(app)  # /admin, with the 未確認 count of organisations in the menu
    app.register_blueprint(invitations.bp)
    proposals.init_app(app)  # /register (public) and /proposals/new
    from web import api, inbox, tasks

    inbox.init_app(app)  # the menu entry with the count of waiting tasks
    app.register_blueprint(tasks.bp)
    from web.board import api as board_api

    board_api.nest(api.bp)  # GET /api/cases (the board as JSON), inside the API blueprint
    from web.agreements import api as agreements_api

    agreements_api.nest(api.bp)  # GET /api/agreements(/<id>): the register as JSON
    api.init_app(app)  # CSRF handled by the API itself (web/api/__init__.py)
    from web import audit, notifications, public

    notifications.init_app(app)  # /notifications, with the unread count in the menu
    app.register_blueprint(public.bp)  # /public/agreements(.csv|.json): no sign-in
    audit.init_app(app)  # /audit for 総合政策課 and administrators
    from web import processes

    processes.init_app(app)  # /processes: definitions, drafts, the modeler, migration (process owners; managers read)
    from web import board, cases

    board.init_app(app)  # /board (案件一覧), /board/figures (集計), /board/processes (工程図)
    cases.init_app(app)  # /cases/<id> (案件詳細: the live diagram and the history)
    from web import agreements

    agreements.init_app(app)  # /agreements (協定台帳): periods, deadlines, meetings, 実績, exports
    from engine.documents import CitySignatory, PaperSettings
    from web import documents

    # 協定書 (Word), signed scans, 協定書 templates, 実績 reports, each person's calendar feed (issue #16)
    documents.init_app(app, app.config.get("RENKEI_PAPERS") or PaperSettings(
        CitySignatory(settings.mayor_title, settings.mayor_name), settings.processes_path))
    return app
