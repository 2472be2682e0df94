"""A PostgreSQL server stopped under a running app, then started again (issue #14 item 6).

The server is the test's own (tests/integration/own_postgres.py): the shared one is never stopped.
"""

from __future__ import annotations

import logging

import pytest

from tests.conftest import demo_engine
from tests.integration.own_postgres import OwnPostgres
from tests.web.test_database_outage import assert_outage_json, assert_outage_page, outage_records

pytestmark = pytest.mark.postgres


@pytest.fixture
def server():
    server = OwnPostgres()
    server.start()
    yield server
    server.remove()


@pytest.fixture
def engine(server):
    engine = demo_engine(server.url)
    yield engine
    engine.database.dispose()


def test_a_stopped_server_gives_503_pages_json_and_healthz_then_all_recover(server, as_user, caplog):
    client = as_user("seisaku")
    assert client.get("/inbox/").status_code == 200
    assert client.get("/healthz").status_code == 200
    caplog.set_level(logging.INFO)
    server.stop()
    for _ in range(5):
        assert_outage_page(client.get("/inbox/"))
        assert_outage_page(client.get("/board/"))
        assert_outage_json(client.get("/api/tasks"))
    down = client.get("/healthz")
    assert (down.status_code, down.get_json()) == (503, {"database": "unavailable", "schema": "unknown"})
    lines = [(record.levelname, record.getMessage()) for record in outage_records(caplog)]
    assert len(lines) == 1, lines  # 16 failures of one kind (the socket is gone): one line, not 16 tracebacks
    assert lines[0][0] == "ERROR" and lines[0][1].startswith("database unavailable: psycopg.OperationalError")
    assert [record for record in caplog.records if record.exc_info] == []

    server.start()
    up = client.get("/healthz")
    assert (up.status_code, up.get_json()) == (200, {"database": "ok", "schema": "at head"})
    assert client.get("/inbox/").status_code == 200  # pooled connections to the old server are replaced
    assert client.get("/api/tasks").status_code == 200
    assert outage_records(caplog)[-1].getMessage().startswith("database available again")
