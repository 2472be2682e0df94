"""``GET /healthz`` for a load balancer: the database answers and its schema is at the migrations' head.

No sign-in and no session: it never touches ``current_user``. Cheap: one ``SELECT 1`` and a read of
Alembic's version table. 200 ``{"database": "ok", "schema": "at head"}``; otherwise 503 with the check that
failed (``"database": "unavailable"`` and ``"schema": "unknown"``, or ``"schema": "not at head"``). The
driver's message goes to the log (rate-limited, web/outage.py), never to the unauthenticated caller.
"""

from __future__ import annotations

from flask import Blueprint, jsonify

from web import outage
from web.engine_access import engine

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    health = engine().health()
    if health.failure is not None:
        outage.failures().failed(health.failure)
    elif health.ok:
        outage.failures().recovered()
    answer = jsonify({"database": health.database, "schema": health.schema})
    answer.status_code = 200 if health.ok else 503
    answer.headers["Cache-Control"] = "no-store"
    if not health.ok:
        answer.headers["Retry-After"] = str(outage.RETRY_AFTER_SECONDS)
    return answer
