"""Fixtures shared by every level: the processes folder and databases (SQLite file, real PostgreSQL).

PostgreSQL: RENKEI_TEST_POSTGRES_URL names the server (``.ci/run`` sets it); each test session creates
its own database there and drops it at the end. Without it, the local socket is tried. In CI (CI=true) an unreachable server fails the tests; on a
developer machine those tests are skipped with the reason.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
PROCESSES = ROOT / "processes"
DEFAULT_POSTGRES = "postgresql+psycopg:///postgres?host=/var/run/postgresql"


def _postgres_url() -> str:
    """A database of this test session's own, on the server RENKEI_TEST_POSTGRES_URL (or the local socket) names.

    Each session creates and drops its own database, so two test runs on one machine never wipe each other.
    """
    server = sa.engine.make_url(os.environ.get("RENKEI_TEST_POSTGRES_URL", DEFAULT_POSTGRES))
    return server.set(database=f"renkei_test_{os.getpid()}").render_as_string(hide_password=False)


def _reset_postgres(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def _administer(url: str, statement: str) -> None:
    target = sa.engine.make_url(url)
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(statement.format(name=target.database)))
    admin.dispose()


@pytest.fixture(scope="session")
def postgres_url():
    url = _postgres_url()
    try:
        _administer(url, 'DROP DATABASE IF EXISTS "{name}"')
        _administer(url, 'CREATE DATABASE "{name}"')
    except Exception as error:  # noqa: BLE001 - any connection failure means the same thing here
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI but unreachable at {url}: {error}")
        pytest.skip(f"PostgreSQL not reachable at {url} (set RENKEI_TEST_POSTGRES_URL): {error}")
    yield url
    _administer(url, 'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request, tmp_path) -> str:
    """Each test that takes this runs twice: on a fresh SQLite file and on a wiped PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'renkei.sqlite3'}"
    url = request.getfixturevalue("postgres_url")
    _reset_postgres(url)
    return url


def demo_engine(url: str, clock=None):
    """An engine on a new database at ``url`` (and the test's clock, if given): schema at head, the shipped
    processes deployed, the demo people."""
    from engine.bootstrap import bootstrap
    from engine.definitions.bundle import Bundle
    from engine.demo import seed_people

    engine = bootstrap(url) if clock is None else bootstrap(url, clock)
    engine.upgrade_schema()
    engine.deploy(Bundle.from_folder(PROCESSES))
    seed_people(engine)
    return engine
