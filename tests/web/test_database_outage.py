"""While the database is down (issue #14 item 6): 503 pages and JSON, a quiet log, and GET /healthz.

SQLite stands in for an outage here: the engine's connections are closed and the database's folder moved
away, so every new connection fails with "unable to open database file"; moving it back is the recovery.
The same on a PostgreSQL server that is really stopped: test_database_outage_postgres.py.
"""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import text

from engine.accounts import ApiTokens
from tests.conftest import demo_engine
from tests.web.conftest import csrf_token
from tests.web.test_api_contract import conforms
from web.outage import FailureLog


class Ticks:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "db").mkdir()
    return tmp_path / "db"


@pytest.fixture
def engine(folder):
    engine = demo_engine(f"sqlite:///{folder / 'web.sqlite3'}")
    yield engine
    engine.database.dispose()


@pytest.fixture
def ticks(app) -> Ticks:
    ticks = Ticks()
    app.extensions["renkei.database_failures"] = FailureLog(clock=ticks)
    return ticks


@pytest.fixture
def outage(engine, folder):
    """``outage.begin()`` makes the database unreachable, ``outage.end()`` brings it back."""

    class Outage:
        def begin(self):
            engine.database.dispose()
            folder.rename(folder.with_name("db-away"))

        def end(self):
            folder.with_name("db-away").rename(folder)

    return Outage()


def assert_outage_page(response):
    page = response.get_data(as_text=True)
    assert response.status_code == 503, page
    assert response.mimetype == "text/html"
    assert response.headers["Retry-After"] == "30"
    assert "ただいま利用できません" in page and "データベースに接続できない" in page
    assert "ログアウト" not in page  # no signed-in header: it would need the person from the database


def assert_outage_json(response):
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    error = conforms(response)["error"]  # as docs/openapi.yaml says
    assert error["code"] == "database_unavailable"
    assert "データベースに接続できない" in error["message"]


def outage_records(caplog):
    return [record for record in caplog.records if record.name == "web.outage"]


def test_signed_in_pages_answer_the_japanese_503_page_while_the_database_is_down(as_user, outage, ticks):
    client = as_user("seisaku")
    assert client.get("/inbox/").status_code == 200
    outage.begin()
    for path in ("/", "/inbox/", "/board/", "/agreements/", "/notifications/"):
        assert_outage_page(client.get(path))
    outage.end()
    assert client.get("/inbox/").status_code == 200  # the session survived the outage


def test_the_sign_in_form_posted_during_an_outage_answers_503_not_500(client, outage, ticks):
    token = csrf_token(client, "/login")
    outage.begin()
    answer = client.post("/login", data={"username": "seisaku", "password": "x", "csrf_token": token})
    assert_outage_page(answer)


def test_the_api_answers_503_json_for_a_session_and_for_a_bearer_token(engine, as_user, outage, ticks):
    token = ApiTokens(engine).create("seisaku", "集計スクリプト").token
    client = as_user("seisaku")
    outage.begin()
    assert_outage_json(client.get("/api/tasks"))
    assert_outage_json(client.get("/api/cases"))
    assert_outage_json(client.get("/api/tasks", headers={"Authorization": f"Bearer {token}"}))
    assert_outage_json(client.post("/api/login", json={"username": "seisaku", "password": "x"}))


def test_healthz_reports_the_database_without_a_session_and_recovers(client, outage, ticks):
    assert conforms(client.get("/healthz")) == {"database": "ok", "schema": "at head"}
    outage.begin()
    down = client.get("/healthz")
    assert down.status_code == 503
    assert conforms(down) == {"database": "unavailable", "schema": "unknown"}
    assert down.headers["Retry-After"] == "30"
    outage.end()
    up = client.get("/healthz")
    assert up.status_code == 200
    assert up.get_json() == {"database": "ok", "schema": "at head"}
    assert "Set-Cookie" not in up.headers  # no session is created for a load balancer


def test_healthz_answers_503_when_the_schema_is_not_at_the_migrations_head(engine, client):
    with engine.database.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0009'"))
    answer = client.get("/healthz")
    assert answer.status_code == 503
    assert answer.get_json() == {"database": "ok", "schema": "not at head"}


def test_an_outage_logs_one_line_per_kind_then_a_count_a_minute_and_no_tracebacks(as_user, outage, ticks,
                                                                                   caplog):
    client = as_user("seisaku")
    caplog.set_level(logging.INFO)
    outage.begin()
    for _ in range(10):
        client.get("/inbox/")
    for _ in range(5):
        client.get("/api/tasks")
    for _ in range(3):
        client.get("/healthz")
    first = outage_records(caplog)
    assert [(r.levelname, r.getMessage()) for r in first] == [
        ("ERROR", "database unavailable: sqlite3.OperationalError: unable to open database file "
                  "(repeats are counted once a minute)")]
    ticks.now += 61
    client.get("/inbox/")
    assert [r.getMessage() for r in outage_records(caplog)[1:]] == [
        "database still unavailable: sqlite3.OperationalError: unable to open database file, "
        "18 more failures in the last 61 s"]
    client.get("/inbox/")
    assert len(outage_records(caplog)) == 2  # the next count waits for the next minute
    outage.end()
    client.get("/healthz")
    assert outage_records(caplog)[-1].getMessage() == (
        "database available again (1 failure kinds, 1 failures not yet counted)")
    assert [r for r in caplog.records if r.exc_info] == []  # not one traceback
    assert len(caplog.records) == 3


def test_a_404_for_a_signed_in_person_during_an_outage_is_the_503_page(as_user, outage, ticks):
    client = as_user("seisaku")
    outage.begin()
    assert_outage_page(client.get("/no-such-page"))  # the 404 page's menu would need the database
