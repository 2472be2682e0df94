"""The JSON API (issue #3 item 8), a public contract described in docs/openapi.yaml.

Authentication: ``Authorization: Bearer <token>`` (``renkei tokens create``) for scripts, or the session
cookie from ``POST /api/login``.

CSRF: the blueprint is exempt from the form-token check, and instead
- every POST must be ``application/json``: a page on another site can only send that with a CORS
  pre-flight, which this app never answers, so it cannot forge one (and the cookie is SameSite=Lax);
- a POST that relies on the session cookie must also send ``X-CSRFToken`` (returned by ``/api/login``),
  so a browser session is protected exactly like the HTML forms;
- a Bearer request needs no token: a browser never attaches an Authorization header by itself.
``POST /api/login`` itself needs no CSRF token (there is no session to ride on yet; JSON-only is enough).

Errors are ``{"error": {"code", "message", "fields"?}}`` (web/errors.py). A task or case the caller may
not see is a 404 exactly like one that does not exist.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, g, jsonify, request
from flask_login import current_user, login_user
from flask_wtf.csrf import generate_csrf

from engine.access import CITY, ORGANISATION, proposes_as
from engine.accounts import ApiTokens
from engine.cases import VIEWS, Inbox, TaskPages
from engine.errors import FormDataError
from web import paging
from web.api.serialize import case_json, person_json, task_detail_json, task_json
from web.engine_access import engine
from web.errors import error_body
from web.extensions import SignedIn, csrf, sign_out
from web.json_body import json_body

bp = Blueprint("api", __name__, url_prefix="/api")
PUBLIC = {"api.login"}
INITIATORS = (ORGANISATION, CITY)


def _error(status: int, code: str, message: str, fields: dict[str, str] | None = None):
    return jsonify(error_body(code, message, fields)), status


@bp.before_request
def _authenticate():
    if request.method == "POST" and not request.is_json:
        return _error(415, "unsupported_media_type", "JSON（Content-Type: application/json）で送信してください。")
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        g.api_person = ApiTokens(engine()).authenticate(header.removeprefix("Bearer ").strip())
        if g.api_person is None:
            return _error(401, "token_invalid", "API トークンが無効です（失効したか、利用者が無効です）。")
        return None
    if request.method == "POST" and request.endpoint not in PUBLIC:
        csrf.protect()  # a browser session: X-CSRFToken from POST /api/login
    g.api_person = current_user.person if current_user.is_authenticated else None
    if g.api_person is None and request.endpoint not in PUBLIC:
        return _error(401, "unauthenticated", "ログインするか、API トークンを指定してください。")
    return None


def _me():
    return g.api_person.actor


def _body() -> dict[str, Any]:
    body = json_body()  # 400 when it is not JSON or past the JSON limits
    if not isinstance(body, dict):
        raise FormDataError({"(body)": "JSON オブジェクトで送信してください"})
    return body


@bp.post("/login")
def login():
    body = _body()
    username, password = body.get("username"), body.get("password")
    fields = {}
    if not isinstance(username, str) or not username.strip():
        fields["username"] = "利用者名を入力してください"
    if not isinstance(password, str) or not password:
        fields["password"] = "パスワードを入力してください"
    if fields:
        raise FormDataError(fields)
    person = engine().authenticate(username.strip(), password, request.remote_addr)
    if person is None:
        return _error(401, "invalid_credentials", "利用者名またはパスワードが正しくありません。")
    login_user(SignedIn(person))
    return jsonify({"user": person_json(person), "csrf_token": generate_csrf()})


@bp.post("/logout")
def logout():
    sign_out()
    return jsonify({"signed_out": True})


@bp.get("/tasks")
def tasks():
    view = request.args.get("view", "open")
    if view != "open" and view not in VIEWS:
        raise FormDataError({"view": "open・mine・group・completed のいずれかを指定してください"})
    wanted, cursor = paging.requested()
    found = Inbox(engine()).tasks(_me(), view, wanted, cursor=cursor)
    return jsonify({"tasks": [task_json(task) for task in found.items], **paging.json_fields(found)})


@bp.get("/tasks/<task_id>")
def task(task_id: str):
    return jsonify(task_detail_json(TaskPages(engine()).page(_me(), task_id)))


@bp.post("/tasks/<task_id>/claim")
def claim(task_id: str):
    engine().claim(_me(), task_id)
    return jsonify({"task_id": task_id, "claimed_by_id": _me().user_id})


@bp.post("/tasks/<task_id>/release")
def release(task_id: str):
    engine().release(_me(), task_id)
    return jsonify({"task_id": task_id, "claimed_by_id": None})


@bp.post("/tasks/<task_id>/complete")
def complete(task_id: str):
    body = _body()
    data, version = body.get("data"), body.get("case_version")
    if not isinstance(data, dict):
        raise FormDataError({"data": "入力内容を JSON オブジェクトで指定してください"})
    if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
        raise FormDataError({"case_version": "整数で指定してください"})
    case_id = engine().complete_task(_me(), task_id, data, version)
    return jsonify({"task_id": task_id, "case_id": case_id})


def _start_request(body: dict[str, Any]) -> tuple[str, int, str]:
    """No start data is taken: the proposal is entered in the ① task, never injected into the case."""
    me, fields = _me(), {}
    process_id = body.get("process_id", "comprehensive_agreement")
    organisation_id = body.get("organisation_id", me.organisation_id)
    initiated_by = body.get("initiated_by", proposes_as(me))
    for unknown in sorted(set(body) - {"process_id", "organisation_id", "initiated_by"}):
        fields[unknown] = "この項目は指定できません"
    if not isinstance(process_id, str) or not process_id:
        fields["process_id"] = "プロセスの ID を指定してください"
    if not isinstance(organisation_id, int) or isinstance(organisation_id, bool):
        fields["organisation_id"] = "企業等の ID（整数）を指定してください"
    if initiated_by not in INITIATORS:
        fields["initiated_by"] = "organisation または city を指定してください"
    if fields:
        raise FormDataError(fields)
    return process_id, organisation_id, initiated_by


@bp.post("/cases")
def start_case():
    process_id, organisation_id, initiated_by = _start_request(_body())
    status = engine().start_case(_me(), process_id, organisation_id, initiated_by)
    return jsonify({"case": case_json(status)}), 201


@bp.get("/cases/<int:case_id>")
def case(case_id: int):
    return jsonify({"case": case_json(engine().case_status(_me(), case_id))})


def init_app(app: Flask) -> None:
    csrf.exempt(bp)
    app.register_blueprint(bp)
