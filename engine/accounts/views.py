"""What the accounts feature returns: plain, typed, read-only values (no ORM objects escape)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Person:
    """A signed-in user as the web layer needs it: who they are, and the Actor engine calls take."""

    id: int
    username: str
    display_name: str
    role: str
    organisation_name: str | None
    department_names: list[str]
    actor: Any  # engine.access.Actor (kept untyped here: views import nothing of the engine)
    session_generation: int = 0  # carried by a web session (engine.accounts.identity.end_sessions)
