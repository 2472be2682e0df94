"""The start page after signing in: what waits for me, in numbers."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required

from web.engine_access import actor, engine

bp = Blueprint("home", __name__)


@bp.get("/")
@login_required
def index():
    me = actor()
    counts = {view: len(engine().list_tasks(me, view)) for view in ("mine", "group")}
    return render_template("home/index.html", counts=counts)
