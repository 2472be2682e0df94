"""Fixtures shared by every level: the processes folder and databases (SQLite file, real PostgreSQL).

PostgreSQL: RENKEI_TEST_POSTGRES_URL names the server (``.ci/run`` sets it); each test session creates
its own database there and drops it at the end. Without it, the local socket is tried. In CI (CI=true) an unreachable server fails the tests; on a
developer machine those tests are skipped with the reason.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
from datetime import datetime, time, timedelta, timezone
from pathlib import Path
from time import sleep

import pytest
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
PROCESSES = ROOT / "processes"
DEFAULT_POSTGRES = "postgresql+psycopg:///postgres?host=/var/run/postgresql"
MIDNIGHT_MARGIN = timedelta(minutes=25)


def pytest_configure(config) -> None:
    """In CI, the whole suite runs within one day in Japan.

    Web and browser tests compare what the live app shows against the real day in Japan, and several take it
    once, when their module is imported (``TODAY``): a run that crosses midnight in Japan (15:00 UTC) would see
    the app's day move past theirs mid-run and refuse a date as being before the case's start. A run that
    would begin within MIDNIGHT_MARGIN of midnight starts just after it instead (the whole suite takes well
    under that margin). Only the controlling process waits; the workers start after it."""
    if not os.environ.get("CI") or hasattr(config, "workerinput"):
        return
    japan = timezone(timedelta(hours=9))
    now = datetime.now(japan)
    midnight = datetime.combine(now.date() + timedelta(days=1), time(0, 0, 5), japan)
    if midnight - now < MIDNIGHT_MARGIN:
        print(f"\n日本時間の午前0時をまたがないよう、{(midnight - now).seconds} 秒待ってから始めます", flush=True)
        sleep((midnight - now).total_seconds())


def _session_database() -> str:
    return f"renkei_test_{os.getpid()}"


def _postgres_url() -> str:
    """A database of this test session's own, on the server RENKEI_TEST_POSTGRES_URL (or the local socket) names.

    Each session creates and drops its own database, so two test runs on one machine never wipe each other.
    """
    server = sa.engine.make_url(os.environ.get("RENKEI_TEST_POSTGRES_URL", DEFAULT_POSTGRES))
    return server.set(database=_session_database()).render_as_string(hide_password=False)


def _reset_postgres(url: str) -> None:
    DEMO_TEMPLATES.wiped(url)
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
    if "engine" not in request.fixturenames:  # the demo engine (integration/conftest.py) resets it itself
        _reset_postgres(url)
    return url


def _build_demo(url: str, clock=None):
    from engine.bootstrap import bootstrap
    from engine.definitions.bundle import Bundle
    from engine.demo import seed_people

    engine = bootstrap(url) if clock is None else bootstrap(url, clock)
    engine.upgrade_schema()
    engine.deploy(Bundle.from_folder(PROCESSES))
    seed_people(engine)
    return engine


class DemoTemplates:
    """Demo databases built once per test session and copied for each test.

    Building one (every Alembic revision, the shipped processes deployed, the demo people with their password
    hashes) costs one to three seconds; a copy costs a fraction, and most tests start from exactly this state. A
    template is kept per database kind and per moment the clock showed when it was seeded (the integration
    tests' fake clock, or the real one), so a copy holds what building it in place would have written.

    SQLite: the template file is copied. PostgreSQL (this session's own database only): the template is built
    in a database of its own and read back once as a schema dump and its tables' rows. A database that already
    holds the demo schema (the previous test's) is emptied with TRUNCATE and refilled with COPY; otherwise the
    dump is restored into the wiped schema. Dropping and cloning databases is avoided: on a server with fsync
    on, DROP DATABASE waits for a checkpoint.
    """

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="renkei-demo-templates-"))
        atexit.register(shutil.rmtree, self.folder, ignore_errors=True)
        self.built: dict[tuple, object] = {}
        self.demo_schema: set[str] = set()  # PostgreSQL URLs whose schema is the demo's, as a restore left it

    def engine(self, url: str, clock=None):
        from engine.bootstrap import bootstrap

        target = sa.engine.make_url(url)
        if not self._copyable(target):
            return _build_demo(url, clock)
        key = (target.get_backend_name(), None if clock is None else clock())
        if key not in self.built:
            self.built[key] = self._build(target, len(self.built), clock)
        if target.get_backend_name() == "sqlite":
            shutil.copyfile(self.built[key], target.database)
        else:
            self._restore_postgres(url, self.built[key])
        return bootstrap(url) if clock is None else bootstrap(url, clock)

    def wiped(self, url: str) -> None:
        self.demo_schema.discard(url)

    @staticmethod
    def _copyable(target) -> bool:
        """A new SQLite file, or this session's own PostgreSQL database; anything else is built in place."""
        if target.get_backend_name() == "sqlite":
            return bool(target.database) and not (Path(target.database).exists() and Path(target.database).stat().st_size)
        return target.get_backend_name() == "postgresql" and target.database == _session_database()

    def _build(self, target, number: int, clock):
        if target.get_backend_name() == "sqlite":
            path = str(self.folder / f"demo-{number}.sqlite3")
            built = _build_demo(f"sqlite:///{path}", clock)
            built.database.dispose()  # the last connection closing folds the WAL into the file
            return path
        name = f"{target.database}_demo_{number}"
        url = target.set(database=name).render_as_string(hide_password=False)
        _administer(url, 'DROP DATABASE IF EXISTS "{name}"')
        _administer(url, 'CREATE DATABASE "{name}"')
        try:
            _build_demo(url, clock).database.dispose()
            return PostgresDemo.read(url)
        finally:
            _administer(url, 'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _restore_postgres(self, url: str, demo: PostgresDemo) -> None:
        if url in self.demo_schema:
            try:
                demo.refill(url)
                return
            except Exception:  # noqa: BLE001 - a test left another schema behind: restore it whole instead
                pass
        _reset_postgres(url)
        demo.restore(url)
        self.demo_schema.add(url)


def _libpq(url: str) -> str:
    return sa.engine.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class PostgresDemo:
    """One demo database as a schema dump (pg_dump) plus each table's rows in COPY format and the sequences."""

    def __init__(self, dump: bytes, tables: list[tuple[str, bytes]], sequences: list[tuple[str, int, bool]]) -> None:
        self.dump, self.tables, self.sequences = dump, tables, sequences

    @classmethod
    def read(cls, url: str) -> PostgresDemo:
        import psycopg

        from engine.persistence.base import Base

        dump = subprocess.run(["pg_dump", "--no-owner", "--no-privileges", "-d", _libpq(url)],
                              capture_output=True, check=True).stdout
        tables = []
        with psycopg.connect(_libpq(url)) as connection:
            for table in Base.metadata.sorted_tables:  # parents before children: COPY keeps the foreign keys
                # Columns named: a schema taken down and up again by a migration test may order them otherwise.
                columns = ", ".join(f'"{column.name}"' for column in table.columns)
                target = f'"{table.name}" ({columns})'
                with connection.cursor().copy(f"COPY {target} TO STDOUT") as copy:
                    tables.append((target, b"".join(bytes(chunk) for chunk in copy)))
            sequences = [(f'"{schema}"."{name}"', value if value is not None else 1, value is not None)
                         for schema, name, value in connection.execute(
                             "SELECT schemaname, sequencename, last_value FROM pg_sequences")]
        return cls(dump, tables, sequences)

    def restore(self, url: str) -> None:
        """Into a wiped schema: the whole dump in one transaction (one commit, one fsync)."""
        subprocess.run(["psql", "-q", "-X", "-1", "-v", "ON_ERROR_STOP=1", "-d", _libpq(url)],
                       input=self.dump, capture_output=True, check=True)

    def refill(self, url: str) -> None:
        """Over the demo schema left by an earlier test: every table emptied and refilled, sequences set back."""
        import psycopg

        names = ", ".join(target.split(" (")[0] for target, _ in self.tables)
        with psycopg.connect(_libpq(url)) as connection:
            connection.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
            for target, rows in self.tables:
                if rows:
                    with connection.cursor().copy(f"COPY {target} FROM STDIN") as copy:
                        copy.write(rows)
            for sequence, value, called in self.sequences:
                connection.execute("SELECT setval(%s, %s, %s)", (sequence, value, called))


DEMO_TEMPLATES = DemoTemplates()


def demo_engine(url: str, clock=None):
    """An engine on a new database at ``url`` (and the test's clock, if given): schema at head, the shipped
    processes deployed, the demo people (copied from a template built once per session: DemoTemplates)."""
    return DEMO_TEMPLATES.engine(url, clock)
