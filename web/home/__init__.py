"""The start page after signing in: what waits for me, in numbers that open the inbox."""

from __future__ import annotations

from flask import Blueprint, g, render_template
from flask_login import login_required

from engine.cases import Inbox
from web.engine_access import actor, engine

bp = Blueprint("home", __name__)


@bp.get("/")
@login_required
def index():
    g.inbox_counts = Inbox(engine()).counts(actor())  # the menu badge reads the same counts (web.inbox)
    return render_template("home/index.html", counts=g.inbox_counts)
