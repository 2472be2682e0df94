"""Imports every module that subscribes to domain events, so their handlers are registered.

A feature that reacts to events adds its import here (and nowhere else needs to know about it).
"""

from __future__ import annotations


def register_all() -> None:
    """Called once when the engine is built."""
    from engine import audit, lifecycle, notifications

    audit.register()  # the audit trail refuses UPDATE and DELETE (append-only)
    notifications.register()  # a new task → in-app notice and its mail in the outbox, same transaction
    lifecycle.register()  # a signed 包括連携協定 → its lifecycle case; each period's end → renewal or record
