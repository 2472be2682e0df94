"""Domain errors to HTTP: a page for people, a stable JSON shape for the API.

JSON errors look like ``{"error": {"code": "...", "message": "<Japanese>", "fields": {...}}}``.
A thing the caller may not see is a 404, never a 403, so nothing leaks about other organisations.
A process that fails on a case (a script error or overrun in a deployed diagram) is 422 with the element it failed
in: the cause is a file a process owner sent or the case's data, not the server, and the case is left as it was.
A database that cannot be reached is a 503 from web/outage.py, whose page needs nothing from the database.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError

from engine.accounts import AccountError, SignInThrottledError
from engine.errors import (
    CaseStateError,
    DefinitionError,
    FormDataError,
    NotAllowedError,
    NotFoundError,
    PageRequestError,
    RenkeiError,
    TaskConflictError,
    WorkflowFailure,
)
from web import outage

STATUS = {
    PageRequestError: 400, NotFoundError: 404, NotAllowedError: 403, TaskConflictError: 409,
    CaseStateError: 409, FormDataError: 422, DefinitionError: 422, AccountError: 422,
    SignInThrottledError: 429, WorkflowFailure: 422,
}


def status_of(error: RenkeiError) -> int:
    return next((code for kind, code in STATUS.items() if isinstance(error, kind)), 400)


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    body = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return {"error": body}


def page(status: int, message: str, retry: str | None = None):
    """The error page, or the outage page when rendering it (the menu, the signed-in name) met the outage.
    ``retry``: a link that opens what was asked for afresh (a list's first page after a stale cursor)."""
    try:
        return render_template("errors/error.html", status=status, message=message, retry=retry), status
    except Exception as error:
        failure = outage.failure_of(error)
        if failure is None:
            raise
        return outage.response(failure)


def _first_page() -> str:
    """The same list with its filters and sort, without the paging that could not be used."""
    kept = [(key, value) for key, value in request.args.items(multi=True)
            if key not in ("cursor", "limit", "per_page", "page")]
    return request.path + ("?" + urlencode(kept) if kept else "")


def init_app(app: Flask) -> None:
    outage.init_app(app)  # the database down: 503 (its handler wins over RenkeiError's, more specific)

    @app.errorhandler(RenkeiError)
    def domain_error(error: RenkeiError):
        status = status_of(error)
        fields = getattr(error, "errors", None)
        if wants_json():
            return jsonify(error_body(error.code, str(error), fields)), status
        return page(status, str(error), _first_page() if isinstance(error, PageRequestError) else None)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        message = "画面の有効期限が切れたか、不正な送信です。ページを開き直してから、もう一度送信してください。"
        if wants_json():
            return jsonify(error_body("csrf_failed", message)), 400
        return page(400, message)

    for status, message in ((400, "送信された内容の形式が正しくありません。ページを開き直してから、もう一度送信してください。"),
                            (404, "お探しのページは見つかりません。"), (405, "この操作はできません。"),
                            (413, f"送信されたデータが大きすぎます（1回の送信は{_megabytes(app)}MBまでです）。"),
                            (500, "システムでエラーが発生しました。時間をおいて再度お試しください。")):
        app.register_error_handler(status, _http_error(status, message))


CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "too_large"}


def _megabytes(app: Flask) -> str:
    return f"{(app.config.get('MAX_CONTENT_LENGTH') or 0) / (1024 * 1024):g}"


def _http_error(status: int, message: str):
    def handler(error):
        original = getattr(error, "original_exception", None)  # a 500 raised by another handler's failure
        failure = outage.failure_of(original) if original is not None else None
        if failure is not None:
            return outage.response(failure)
        if wants_json():
            return jsonify(error_body(CODES.get(status, "error"), message)), status
        return page(status, message)

    return handler
