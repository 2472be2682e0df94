"""Wiring: the one function that builds an engine from a database, a clock and the event table.

Kept out of the façade's constructor (cosmicpython's ``bootstrap``) so that what is wired — the audit
trail's append-only guards, the event handlers — is visible in one place and a test can wire other handlers.
"""

from __future__ import annotations

from sqlalchemy import Engine

from engine.audit import install_guards
from engine.context import Clock
from engine.events import EventHandlers
from engine.handlers import EVENT_HANDLERS
from engine.persistence.base import utcnow
from engine.persistence.database import connect
from engine.service import CaseEngine
from engine.workflow.budget import ScriptLimits, set_limits


def bootstrap(database: Engine | str, clock: Clock = utcnow, handlers: EventHandlers | None = None,
              script_limits: ScriptLimits | None = None) -> CaseEngine:
    """An engine on ``database`` (a URL or an SQLAlchemy engine); ``handlers`` defaults to EVENT_HANDLERS.

    ``script_limits`` (Settings.script_limits) apply to the whole process: scripts run in a shared sandbox."""
    install_guards()  # the audit trail refuses UPDATE and DELETE on every connection (append-only)
    if script_limits is not None:
        set_limits(script_limits)
    return CaseEngine(connect(database) if isinstance(database, str) else database,
                      EVENT_HANDLERS if handlers is None else handlers, clock)
