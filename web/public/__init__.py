"""公開: 包括連携協定一覧 (issue #7 items 5–6, 透明性): the city's agreements for anyone, without signing in.

The page, the CSV and the JSON are three renderings of one engine call (engine.agreements.public_register), whose
fields are the documented public ones only. The URLs are stable: other sites and the city's open-data
catalogue link to them.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, render_template

from engine.agreements import PUBLIC_FIELDS, PublicRegister
from web.engine_access import engine

bp = Blueprint("public", __name__, url_prefix="/public")
CACHE = "public, max-age=300"


@bp.get("/agreements")
def agreements():
    listed = PublicRegister(engine()).agreements()
    response = Response(render_template("public/agreements.html", current=[a for a in listed if not a.ended],
                                        ended=[a for a in listed if a.ended], fields=PUBLIC_FIELDS))
    response.headers["Cache-Control"] = CACHE
    return response


@bp.get("/agreements.csv")
def agreements_csv():
    response = Response(PublicRegister(engine()).as_csv(), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = "attachment; filename=chigasaki-agreements.csv"
    response.headers["Cache-Control"] = CACHE
    response.headers["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    return response


@bp.get("/agreements.json")
def agreements_json():
    body = json.dumps(PublicRegister(engine()).as_json(), ensure_ascii=False, indent=1)
    response = Response(body, mimetype="application/json")
    response.headers["Cache-Control"] = CACHE
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
