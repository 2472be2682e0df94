"""How views reach the engine and the signed-in person (one place, so views stay one-liners)."""

from __future__ import annotations

from flask import current_app
from flask_login import current_user

from engine.access import Actor
from engine.service import CaseEngine


def engine() -> CaseEngine:
    return current_app.extensions["renkei.engine"]


def actor() -> Actor:
    return current_user.person.actor
