"""Signing in to the JSON API, tokens for scripts, and what protects a POST (issue #3 item 8)."""

from __future__ import annotations

from click.testing import CliRunner

from engine.accounts.api_tokens import ApiTokens
from engine.cli import cli
from tests.web.test_api_contract import conforms

PASSWORD = "renkei-demo-2025"


def api_login(client, username: str) -> str:
    """Signs the client in through the API; returns the CSRF token for its POSTs."""
    body = conforms(client.post("/api/login", json={"username": username, "password": PASSWORD}))
    return body["csrf_token"]


def test_signing_in_returns_the_user_and_a_session_that_reads_my_tasks(client):
    response = client.post("/api/login", json={"username": "seisaku", "password": PASSWORD})
    body = conforms(response)
    assert body["user"]["username"] == "seisaku" and body["user"]["role"] == "coordinator"
    assert "HttpOnly" in response.headers["Set-Cookie"]
    mine = conforms(client.get("/api/tasks"))
    assert (mine["tasks"], mine["total"], mine["next"], mine["previous"]) == ([], 0, None, None)


def test_a_wrong_password_is_401_with_a_machine_readable_code(client):
    response = client.post("/api/login", json={"username": "seisaku", "password": "wrong"})
    assert response.status_code == 401
    assert conforms(response)["error"]["code"] == "invalid_credentials"


def test_missing_credentials_name_each_field(client):
    response = client.post("/api/login", json={"username": " "})
    assert response.status_code == 422
    assert set(conforms(response)["error"]["fields"]) == {"username", "password"}


def test_repeated_failures_are_throttled(client):
    for _ in range(5):
        client.post("/api/login", json={"username": "kankyo", "password": "guess-guess"})
    response = client.post("/api/login", json={"username": "kankyo", "password": PASSWORD})
    assert response.status_code == 429 and conforms(response)["error"]["code"] == "too_many_attempts"


def test_without_a_session_or_token_the_api_answers_401(client):
    response = client.get("/api/tasks")
    assert response.status_code == 401 and conforms(response)["error"]["code"] == "unauthenticated"


def test_a_form_encoded_post_is_refused_so_another_site_cannot_forge_one(client):
    api_login(client, "shonan")
    response = client.post("/api/cases", data={"process_id": "comprehensive_agreement"})
    assert response.status_code == 415 and conforms(response)["error"]["code"] == "unsupported_media_type"


def test_a_session_post_without_the_csrf_header_is_refused(client):
    token = api_login(client, "shonan")
    refused = client.post("/api/cases", json={})
    assert refused.status_code == 400 and conforms(refused)["error"]["code"] == "csrf_failed"
    accepted = client.post("/api/cases", json={}, headers={"X-CSRFToken": token})
    assert accepted.status_code == 201 and conforms(accepted)["case"]["active_element_ids"] == ["propose"]


def test_a_script_uses_a_bearer_token_and_needs_no_csrf_token(engine, client):
    issued = ApiTokens(engine).create("shonan", "月次集計スクリプト")
    headers = {"Authorization": f"Bearer {issued.token}"}
    started = client.post("/api/cases", json={}, headers=headers)
    assert started.status_code == 201
    tasks = conforms(client.get("/api/tasks", headers=headers))["tasks"]
    assert [t["bpmn_id"] for t in tasks] == ["propose"]


def test_a_revoked_or_unknown_token_is_refused(engine, client):
    issued = ApiTokens(engine).create("shonan", "一時利用")
    ApiTokens(engine).revoke(issued.id)
    for token in (issued.token, "rk_not-a-token", "garbage"):
        response = client.get("/api/tasks", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401 and conforms(response)["error"]["code"] == "token_invalid"


def test_a_deactivated_users_token_stops_working(engine, client):
    from sqlalchemy import select

    from engine.persistence.models import UserAccount

    issued = ApiTokens(engine).create("kankyo", "課の集計")
    with engine.unit_of_work() as session:
        session.scalar(select(UserAccount).where(UserAccount.username == "kankyo")).active = False
    response = client.get("/api/tasks", headers={"Authorization": f"Bearer {issued.token}"})
    assert response.status_code == 401


def test_only_the_hash_of_a_token_is_stored(engine):
    from sqlalchemy import select

    from engine.persistence.models import ApiToken

    issued = ApiTokens(engine).create("seisaku", "保存形式の確認")
    with engine.unit_of_work() as session:
        stored = session.scalar(select(ApiToken.token_hash).where(ApiToken.id == issued.id))
    assert issued.token not in stored and len(stored) == 64


def test_renkei_tokens_create_prints_the_token_once(engine, client, monkeypatch):
    monkeypatch.setenv("RENKEI_DATABASE_URL", str(engine.database.url))
    result = CliRunner().invoke(cli, ["tokens", "create", "--username", "mirai", "--name", "連携状況の取得"])
    assert result.exit_code == 0, result.output
    token = result.stdout.strip().splitlines()[-1]
    assert token.startswith("rk_")
    me = client.get("/api/tasks", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200


def test_renkei_tokens_create_refuses_an_unknown_user(engine, monkeypatch):
    monkeypatch.setenv("RENKEI_DATABASE_URL", str(engine.database.url))
    result = CliRunner().invoke(cli, ["tokens", "create", "--username", "nobody", "--name", "x"])
    assert result.exit_code == 1 and "見つかりません" in result.output


def test_logging_out_ends_the_api_session(client):
    token = api_login(client, "seisaku")
    assert conforms(client.post("/api/logout", json={}, headers={"X-CSRFToken": token})) == {"signed_out": True}
    assert client.get("/api/tasks").status_code == 401
