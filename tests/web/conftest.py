"""A Flask app on a fresh SQLite database with the demo people and processes; a client that can sign in.

CSRF protection stays on, as in production: helpers read the token from the page like a browser does.
"""

from __future__ import annotations

import re

import pytest

from engine.demo import DEMO_PASSWORD
from engine.service import CaseEngine
from tests.conftest import demo_engine
from web import create_app

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


@pytest.fixture
def engine(tmp_path) -> CaseEngine:
    engine = demo_engine(f"sqlite:///{tmp_path / 'web.sqlite3'}")
    yield engine
    engine.database.dispose()


@pytest.fixture
def app(engine, tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "RENKEI_ENGINE": engine,
                      "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False})
    app.instance_path = str(tmp_path / "instance")
    return app


@pytest.fixture
def client(app):
    return app.test_client()


def csrf_token(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    match = CSRF.search(page)
    assert match, f"no CSRF token on {path}"
    return match.group(1) or match.group(2)


def sign_in(client, username: str, password: str = DEMO_PASSWORD):
    token = csrf_token(client, "/login")
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


@pytest.fixture
def as_user(client):
    """``as_user("seisaku")`` signs the test client in as that demo user and returns the client."""

    def login(username: str):
        response = sign_in(client, username)
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return login
