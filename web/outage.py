"""While the database is down: a 503 page or JSON that needs nothing from it, and a log that stays readable.

The usual error page extends base.html, whose menu counts tasks and notices and whose header names the
signed-in person: all of that reads the database. The outage page is rendered straight from the Jinja
environment, without the context processors (Flask-Login's own one loads the user), so it renders when
nothing else can.

The engine lets SQLAlchemy's errors through (its workers wait them out); the handlers registered here for
``CaseEngine.database_errors`` ask ``CaseEngine.unavailable`` which of them are an outage (in a view, the user
loader, a before_request hook or the rendering of another error page) and leave the others to the usual 500.

The log gets one line per failure kind (the first time it is seen), then at most one count per minute
for it, instead of a traceback per request. Each worker process keeps its own counts.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, Response, current_app, jsonify, request

from engine.errors import DatabaseUnavailableError

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 30
MAX_KINDS = 50  # beyond this, new kinds share one line: a log is no place for an unbounded dictionary


@dataclass
class _Seen:
    since: float  # when the last line about this kind was written
    count: int = 0  # failures since then


class FailureLog:
    """The first failure of a kind is logged with its detail; repeats are summed into a line per interval."""

    def __init__(self, logger: logging.Logger = log, interval: float = 60.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.logger, self.interval, self.clock = logger, interval, clock
        self.kinds: dict[str, _Seen] = {}
        self.lock = threading.Lock()

    def failed(self, error: DatabaseUnavailableError) -> None:
        now = self.clock()
        with self.lock:
            kind = error.kind if error.kind in self.kinds or len(self.kinds) < MAX_KINDS else "(other kinds)"
            seen = self.kinds.get(kind)
            if seen is None or (seen.count == 0 and now - seen.since >= self.interval):
                self.kinds[kind] = _Seen(now)
                self.logger.error("database unavailable: %s (repeats are counted once a minute)",
                                  error.detail)
                return
            seen.count += 1
            if now - seen.since >= self.interval:
                self.logger.warning("database still unavailable: %s, %d more failures in the last %d s",
                                    kind, seen.count, round(now - seen.since))
                seen.since, seen.count = now, 0

    def recovered(self) -> None:
        """The database answered again (GET /healthz): counts not yet logged are written, then forgotten."""
        if not self.kinds:
            return
        with self.lock:
            pending = sum(seen.count for seen in self.kinds.values())
            kinds = len(self.kinds)
            self.kinds.clear()
        self.logger.warning("database available again (%d failure kinds, %d failures not yet counted)",
                            kinds, pending)


def failures() -> FailureLog:
    return current_app.extensions["renkei.database_failures"]


def failure_of(error: BaseException) -> DatabaseUnavailableError | None:
    """The outage ``error`` stands for (a DatabaseUnavailableError or a driver error), else None."""
    return current_app.extensions["renkei.engine"].unavailable(error)


def response(error: DatabaseUnavailableError) -> Response:
    """503 with Retry-After: JSON for the API, the stand-alone Japanese page for people."""
    failures().failed(error)
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        answer = jsonify({"error": {"code": error.code, "message": str(error)}})
    else:
        page = current_app.jinja_env.get_template("errors/unavailable.html").render(message=str(error))
        answer = Response(page, mimetype="text/html")
    answer.status_code = 503
    answer.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    answer.headers["Cache-Control"] = "no-store"
    return answer


def _database_error(error: Exception):
    failure = failure_of(error)
    if failure is None:
        raise error  # not an outage (a constraint, a bad query): Flask's own 500 with its traceback
    return response(failure)


def init_app(app: Flask) -> None:
    app.extensions["renkei.database_failures"] = FailureLog()
    app.register_error_handler(DatabaseUnavailableError, response)
    for kind in app.extensions["renkei.engine"].database_errors:
        app.register_error_handler(kind, _database_error)
