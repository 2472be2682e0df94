"""/invitations/<token>: the invited contact sets a password; expired, used and unknown links get a clear page."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.accounts.service import AccountService, UserInput
from engine.persistence.base import utcnow

PASSWORD = "kaigan-seisou-2025"


@pytest.fixture
def invitation(engine):
    shonan = engine.actor("shonan").organisation_id
    return AccountService(engine).invite_contact(engine.actor("seisaku"), shonan,
                                                 UserInput("shonan-jiro", "湘南 次郎")).invitation


def submit(client, token: str, password: str = PASSWORD, confirmation: str = PASSWORD):
    page = client.get(f"/invitations/{token}").get_data(as_text=True)
    csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
    return client.post(f"/invitations/{token}", data={"password": password, "password_confirmation": confirmation,
                                                      "csrf_token": csrf})


def test_the_invited_contact_sees_who_they_are_and_sets_a_password(client, invitation):
    response = client.get(f"/invitations/{invitation.token}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Referrer-Policy"] == "no-referrer"
    assert "湘南 次郎" in page and "湘南サンプル株式会社" in page and "shonan-jiro" in page and "令和" in page
    done = submit(client, invitation.token)
    assert done.status_code == 302 and done.headers["Location"] == "/"
    assert "湘南 次郎" in client.get("/").get_data(as_text=True)  # signed in


def test_a_used_link_says_so_and_points_to_the_sign_in_page(client, invitation):
    submit(client, invitation.token)
    again = client.get(f"/invitations/{invitation.token}")
    assert again.status_code == 410
    assert "既に使われています。設定したパスワードでログインしてください。" in again.get_data(as_text=True)


def test_an_expired_link_asks_for_a_new_one(engine, invitation, client):
    engine.clock = lambda: utcnow() + timedelta(days=8)
    response = client.get(f"/invitations/{invitation.token}")
    assert response.status_code == 410
    assert "新しいリンクの発行を依頼してください" in response.get_data(as_text=True)


def test_an_unknown_link_is_not_found(client):
    response = client.get("/invitations/made-up-token")
    assert response.status_code == 404 and "この招待リンクは無効です" in response.get_data(as_text=True)


def test_a_mistyped_confirmation_is_shown_next_to_the_field_and_the_link_still_works(client, invitation):
    response = submit(client, invitation.token, confirmation="kaigan-seisou-2026")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="f-password_confirmation-error">パスワード（確認）が一致しません' in page
    assert PASSWORD not in page
    assert submit(client, invitation.token).status_code == 302
