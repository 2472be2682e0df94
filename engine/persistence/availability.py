"""What an outage looks like to callers above storage, and the health check a load balancer asks.

Which errors mean "the database cannot be reached" is decided once, by ``database.database_unavailable``
(the workers wait those out); the pool's TimeoutError (no connection free) is one more. The unit of work lets
SQLAlchemy's errors through unchanged, as the workers expect: the web layer, which may not name SQLAlchemy,
registers its outage handler for ``DATABASE_ERRORS`` and asks ``unavailable`` which of them are an outage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from engine.errors import DatabaseUnavailableError
from engine.persistence.database import database_unavailable
from engine.persistence.schema import current_revisions, head_revisions

DATABASE_ERRORS: tuple[type[Exception], ...] = (DBAPIError, PoolTimeoutError)


def unavailable(error: BaseException) -> DatabaseUnavailableError | None:
    """The domain error for ``error`` when it means the database cannot be used right now, else None."""
    if isinstance(error, DatabaseUnavailableError):
        return error
    if not (isinstance(error, PoolTimeoutError) or database_unavailable(error)):
        return None
    original = getattr(error, "orig", None) or error
    lines = str(original).strip().splitlines()
    detail = lines[0].strip() if lines else ""
    name = f"{type(original).__module__.split('.')[0]}.{type(original).__name__}"
    return DatabaseUnavailableError(f"{name}: {re.sub(r'[0-9]+', '#', detail)[:160]}", f"{name}: {detail}")


@dataclass(frozen=True)
class Health:
    """What ``GET /healthz`` reports: the database answers, and its schema is at the migrations' head."""

    database: str  # "ok" | "unavailable"
    schema: str  # "at head" | "not at head" | "unknown" (the database did not answer)
    failure: DatabaseUnavailableError | None = None

    @property
    def ok(self) -> bool:
        return self.database == "ok" and self.schema == "at head"


def check(database: Engine) -> Health:
    """One ``SELECT 1`` and a read of Alembic's version table; the heads of the migrations are read once."""
    try:
        with database.connect() as connection:
            connection.execute(text("SELECT 1"))
            current = current_revisions(connection)
    except (DBAPIError, PoolTimeoutError) as error:
        # any other database error fails the check too; it is logged as its own kind
        first_line = str(error).split("\n")[0]
        failure = unavailable(error) or DatabaseUnavailableError(type(error).__name__, first_line)
        return Health("unavailable", "unknown", failure)
    return Health("ok", "at head" if current == head_revisions() else "not at head")
