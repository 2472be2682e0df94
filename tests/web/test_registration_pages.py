"""/register (public, R-5.1) and /proposals/new (総合政策課's city-initiated path, or a registered 企業等)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.persistence.models import Case, Organisation, RegistrationAttempt
from tests.web.conftest import csrf_token

FORM = {"organisation_name": "株式会社なぎさ技研（架空）", "display_name": "渚 一郎", "email": "nagisa@example.co.jp",
        "username": "nagisa", "password": "hamakaze-2025", "password_confirmation": "hamakaze-2025"}


def register(client, **changes):
    return client.post("/register", data={**FORM, **changes, "csrf_token": csrf_token(client, "/register")})


def cases(engine) -> int:
    with engine.unit_of_work() as session:
        return session.scalar(select(func.count()).select_from(Case))


def test_the_registration_page_is_public_and_labels_every_field(client):
    page = client.get("/register").get_data(as_text=True)
    for field, label in (("organisation_name", "団体名"), ("display_name", "担当者の氏名"), ("email", "メールアドレス"),
                         ("username", "利用者名"), ("password", "パスワード"), ("password_confirmation", "パスワード（確認）")):
        assert f'<label class="field__label" for="f-{field}">{label}<span class="required">※必須</span></label>' in page


def test_a_new_organisation_registers_is_signed_in_and_sent_to_its_proposal_task(client, engine):
    response = register(client)
    assert response.status_code == 302 and response.headers["Location"].startswith("/tasks/")
    home = client.get("/").get_data(as_text=True)
    assert "渚 一郎" in home  # signed in as the new contact
    task = client.get(response.headers["Location"])
    assert task.status_code == 200 and "① 連携事業の提案" in task.get_data(as_text=True)
    with engine.unit_of_work() as session:
        assert session.scalar(select(Organisation.verified).where(Organisation.name == FORM["organisation_name"])) \
            is False


def test_bad_fields_are_shown_next_to_each_field_with_the_input_kept_but_never_the_password(client, engine):
    response = register(client, organisation_name="湘南サンプル株式会社", email="nagisa-at-example",
                        password_confirmation="different-2025")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="f-organisation_name-error">団体「湘南サンプル株式会社」は既に登録されています' in page
    assert 'id="f-email-error">メールアドレスの形式が正しくありません' in page
    assert 'id="f-password_confirmation-error">パスワード（確認）が一致しません' in page
    assert 'href="#f-email"' in page  # the error summary links to the field
    assert 'value="nagisa-at-example"' in page and 'value="渚 一郎"' in page
    assert "hamakaze-2025" not in page and "different-2025" not in page
    assert cases(engine) == 0


def test_registration_is_rate_limited_with_a_clear_message(client, engine):
    with engine.unit_of_work() as session:
        session.add_all(RegistrationAttempt(address="127.0.0.1", succeeded=False) for _ in range(10))
    response = register(client)
    assert response.status_code == 429
    assert "しばらく登録できません" in response.get_data(as_text=True)
    assert cases(engine) == 0


@pytest.mark.parametrize(("username", "sent_to"), [("shonan", "/proposals/new"), ("seisaku", "/proposals/new"),
                                                  ("kankyo", "/")])
def test_a_signed_in_person_is_not_offered_a_second_registration(as_user, username, sent_to):
    response = as_user(username).get("/register")
    assert response.status_code == 302 and response.headers["Location"] == sent_to


def test_a_registration_without_a_csrf_token_is_refused(client, engine):
    assert client.post("/register", data=FORM).status_code == 400
    assert cases(engine) == 0


def test_総合政策課_starts_a_case_for_an_organisation_and_goes_to_its_first_task(as_user, engine):
    client = as_user("seisaku")
    page = client.get("/proposals/new").get_data(as_text=True)
    assert "茅ヶ崎みらい大学（架空）" in page and "担当者 1人" in page
    mirai = engine.actor("mirai").organisation_id
    response = client.post("/proposals/new", data={"organisation_id": mirai,
                                                   "csrf_token": csrf_token(client, "/proposals/new")})
    assert response.status_code == 302 and response.headers["Location"].startswith("/tasks/")
    task = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "① 提案内容の入力（市からの提案）" in task
    status = engine.case_status(engine.actor("seisaku"), 1)
    assert (status.initiated_by, status.organisation_name) == ("city", "茅ヶ崎みらい大学（架空）")


def test_choosing_no_organisation_names_the_field(as_user, engine):
    client = as_user("seisaku")
    response = client.post("/proposals/new", data={"csrf_token": csrf_token(client, "/proposals/new")})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="f-organisation_id-error">提案先の団体を選択してください' in page
    assert cases(engine) == 0


def test_an_unverified_organisation_is_marked_where_総合政策課_chooses_it(as_user, engine):
    with engine.unit_of_work() as session:
        session.add(Organisation(name="未確認の会社（架空）", verified=False))
    page = as_user("seisaku").get("/proposals/new").get_data(as_text=True)
    assert '未確認の会社（架空）\n              <span class="tag tag--unverified">未確認</span>' in page


def test_a_registered_organisation_makes_another_proposal_for_itself(as_user, engine):
    client = as_user("shonan")
    response = client.post("/proposals/new", data={"organisation_id": engine.actor("mirai").organisation_id,
                                                   "csrf_token": csrf_token(client, "/proposals/new")})
    assert response.status_code == 302
    status = engine.case_status(engine.actor("seisaku"), 1)
    assert (status.initiated_by, status.organisation_name) == ("organisation", "湘南サンプル株式会社")  # not mirai


@pytest.mark.parametrize("username", ["kankyo", "kanri"])
def test_department_staff_and_managers_cannot_start_a_proposal(as_user, username):
    client = as_user(username)
    assert client.get("/proposals/new").status_code == 403


def test_behind_a_trusted_proxy_the_limit_counts_the_clients_address_not_the_proxys(engine, tmp_path):
    from web import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "test", "RENKEI_ENGINE": engine, "SESSION_COOKIE_SECURE": False,
                      "RENKEI_TRUSTED_PROXIES": 1})
    app.instance_path = str(tmp_path / "instance")
    with engine.unit_of_work() as session:
        session.add_all(RegistrationAttempt(address="203.0.113.9", succeeded=False) for _ in range(10))
    for client_address, expected in (("203.0.113.9", 429), ("198.51.100.20", 302)):
        client = app.test_client()
        token = csrf_token(client, "/register")
        response = client.post("/register", data={**FORM, "csrf_token": token},
                               headers={"X-Forwarded-For": client_address}, environ_base={"REMOTE_ADDR": "10.0.0.1"})
        assert response.status_code == expected
