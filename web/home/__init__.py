"""The start page after signing in: what waits for me, in numbers that open the inbox."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required

from engine.cases import Inbox
from web.engine_access import actor, engine

bp = Blueprint("home", __name__)


@bp.get("/")
@login_required
def index():
    return render_template("home/index.html", counts=Inbox(engine()).counts(actor()))
