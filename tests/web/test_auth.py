"""Signing in and out through the web pages (issue #3 item 1)."""

from tests.web.conftest import csrf_token, sign_in


def test_a_page_needs_a_signed_in_user(client):
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_signing_in_shows_the_home_page_with_my_counts(client):
    response = sign_in(client, "seisaku")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "総合政策課 政策 一郎 さん" in page and "自分のタスク" in page


def test_a_wrong_password_is_refused_with_a_clear_message(client):
    response = sign_in(client, "seisaku", "wrong-password")
    assert response.status_code == 401
    assert "利用者名またはパスワードが正しくありません。" in response.get_data(as_text=True)


def test_repeated_failures_are_throttled_with_a_message(client):
    for _ in range(5):
        sign_in(client, "kankyo", "guess-guess")
    response = sign_in(client, "kankyo", "renkei-demo-2025")
    assert response.status_code == 429
    assert "しばらくログインできません" in response.get_data(as_text=True)


def test_a_post_without_a_csrf_token_is_refused(client):
    response = client.post("/login", data={"username": "seisaku", "password": "renkei-demo-2025"})
    assert response.status_code in (400, 422)
    assert client.get("/").status_code == 302  # still signed out


def test_logout_needs_the_token_and_ends_the_session(client):
    sign_in(client, "seisaku")
    assert client.post("/logout").status_code == 400  # no CSRF token: refused
    token = csrf_token(client, "/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/").status_code == 302


def test_the_next_parameter_cannot_send_a_user_to_another_site(client):
    token = csrf_token(client, "/login")
    response = client.post("/login?next=//evil.example/", data={"username": "seisaku", "password": "renkei-demo-2025",
                                                                "csrf_token": token})
    assert response.headers["Location"] == "/"


def test_session_cookie_flags(app, client):
    app.config["SESSION_COOKIE_SECURE"] = True
    response = sign_in(client, "seisaku")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=Lax" in cookie


def test_the_sign_in_page_shows_new_partners_where_to_register(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/register"' in page and "団体の登録と連携事業の提案" in page


def copy_of_session_cookie(app, client):
    """A second browser holding the same session cookie (copied from the first, as a thief would)."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def test_a_copied_session_cookie_is_refused_after_logout(app, client):
    sign_in(client, "seisaku")
    thief = copy_of_session_cookie(app, client)
    assert thief.get("/").status_code == 200  # the copy works while the session lasts
    assert client.post("/logout", data={"csrf_token": csrf_token(client, "/")}).status_code == 302
    assert thief.get("/").status_code == 302 and thief.get("/api/tasks").status_code == 401


def test_logout_ends_the_users_sessions_on_other_devices_too(app):
    office, home = app.test_client(), app.test_client()
    sign_in(office, "seisaku")
    sign_in(home, "seisaku")
    office.post("/logout", data={"csrf_token": csrf_token(office, "/")})
    assert home.get("/").status_code == 302
    assert sign_in(home, "seisaku").status_code == 302 and home.get("/").status_code == 200


def test_a_copied_session_cookie_is_refused_after_deactivation_and_after_reactivation(app, client, engine):
    sign_in(client, "kankyo")
    thief = copy_of_session_cookie(app, client)
    admin = app.test_client()
    sign_in(admin, "admin")
    kankyo = engine.actor("kankyo").user_id
    for change in ("deactivate", "reactivate"):
        token = csrf_token(admin, f"/admin/users/{kankyo}")
        assert admin.post(f"/admin/users/{kankyo}/{change}", data={"csrf_token": token}).status_code == 302
        assert thief.get("/").status_code == 302 and client.get("/").status_code == 302


def test_the_json_api_logout_ends_the_session_cookie_too(app, client):
    response = client.post("/api/login", json={"username": "seisaku", "password": "renkei-demo-2025"})
    thief = copy_of_session_cookie(app, client)
    assert thief.get("/api/tasks").status_code == 200
    client.post("/api/logout", json={}, headers={"X-CSRFToken": response.get_json()["csrf_token"]})
    assert thief.get("/api/tasks").status_code == 401


def test_a_session_from_before_session_generations_signs_in_again(app, client, engine):
    sign_in(client, "seisaku")
    with client.session_transaction() as session:
        assert session["_user_id"] == f"{engine.actor('seisaku').user_id}:0"
        session["_user_id"] = session["_user_id"].removesuffix(":0")  # what Flask-Login stored until now
    assert client.get("/").status_code == 302


def test_setting_a_new_password_through_a_reset_link_ends_the_old_sessions(app, client, engine):
    from engine.accounts.service import AccountService

    sign_in(client, "shonan")
    thief = copy_of_session_cookie(app, client)
    assert thief.get("/").status_code == 200
    accounts = AccountService(engine)
    link = accounts.issue_password_link(engine.actor("seisaku"), engine.actor("shonan").user_id)
    person = accounts.accept_invitation(link.token, "kaigan-seisou-2026", "kaigan-seisou-2026")
    assert person.username == "shonan"
    assert thief.get("/").status_code == 302 and client.get("/").status_code == 302
