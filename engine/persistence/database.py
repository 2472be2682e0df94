"""Connecting to the database: a SQLite file by default, PostgreSQL in production (any SQLAlchemy URL)."""

from __future__ import annotations

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker


def connect(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.startswith("postgresql+psycopg:"):
        # No server-side prepared statements: psycopg prepares a query after its fifth run, and PostgreSQL
        # may then keep one generic plan for every value. The lists' queries differ in what their values
        # select (a 担当課's few cases, the coordinator's thousands of tasks), so each run is planned for
        # its own values; planning a list's query costs well under a millisecond. It also works behind a
        # pooler.
        return create_engine(url, pool_pre_ping=True, connect_args={"prepare_threshold": None})
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(connection, _record) -> None:
    """WAL lets the web workers read while a task completes; foreign keys are off by default in SQLite."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    factory = sessionmaker(engine, expire_on_commit=False)
    for transition in ("pending_to_persistent", "loaded_as_persistent", "detached_to_persistent"):
        event.listen(factory, transition, _hold)
    return factory


HELD_ROWS = 1000


def _hold(session: Session, instance: object) -> None:
    """Keeps the first rows a unit of work sees alive until the session closes.

    The session's identity map holds clean rows only weakly: a row the step finished with (the case, the new
    task) would be collected before the event handlers of the same unit of work ask for it again, and each
    ``session.get`` would then go back to the database. A step sees a few dozen rows; the bound keeps a
    unit of work that writes thousands (a notification scan after an outage, a bulk load) from holding them all.
    """
    held = session.info.setdefault("renkei.rows", [])
    if len(held) < HELD_ROWS:
        held.append(instance)


def database_unavailable(error: BaseException) -> bool:
    """Whether ``error`` means the database could not be reached or dropped the connection (or, on SQLite,
    stayed locked): something to wait out, not a fault of the work being done.

    A connection cut mid-statement comes as a DBAPIError marked ``connection_invalidated``; a server that
    refuses new connections, a deadlock or a lock timeout come as OperationalError.
    """
    return isinstance(error, OperationalError | InterfaceError) or (
        isinstance(error, DBAPIError) and error.connection_invalidated)
