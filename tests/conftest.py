"""Fixtures shared by every level: the processes folder and databases (SQLite file, real PostgreSQL).

PostgreSQL: RENKEI_TEST_POSTGRES_URL names a server database the tests may wipe (``.ci/run`` sets it).
Without it, the local socket is tried. In CI (CI=true) an unreachable server fails the tests; on a
developer machine those tests are skipped with the reason.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
PROCESSES = ROOT / "processes"
DEFAULT_POSTGRES = "postgresql+psycopg:///renkei_test?host=/var/run/postgresql"


def _postgres_url() -> str:
    return os.environ.get("RENKEI_TEST_POSTGRES_URL", DEFAULT_POSTGRES)


def _reset_postgres(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def _ensure_postgres_database(url: str) -> None:
    target = sa.engine.make_url(url)
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database})
        if not exists:
            connection.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


@pytest.fixture(scope="session")
def postgres_url() -> str:
    url = _postgres_url()
    try:
        _ensure_postgres_database(url)
        _reset_postgres(url)
    except Exception as error:  # noqa: BLE001 - any connection failure means the same thing here
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI but unreachable at {url}: {error}")
        pytest.skip(f"PostgreSQL not reachable at {url} (set RENKEI_TEST_POSTGRES_URL): {error}")
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request, tmp_path) -> str:
    """Each test that takes this runs twice: on a fresh SQLite file and on a wiped PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'renkei.sqlite3'}"
    url = request.getfixturevalue("postgres_url")
    _reset_postgres(url)
    return url
