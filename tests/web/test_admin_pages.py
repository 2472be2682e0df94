"""The /admin pages: administrators manage everything, 総合政策課 the organisations and their contacts."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from engine.persistence.models import AuditEvent, Department, Organisation, UserAccount
from tests.web.conftest import csrf_token, sign_in

LINK = re.compile(r'id="invitation-link"[^>]*value="(http://localhost/invitations/[^"]+)"')


def row_id(engine, model, **where) -> int:
    with engine.unit_of_work() as session:
        return session.scalar(select(model.id).filter_by(**where))


def post(client, path: str, data: dict | None = None, page: str | None = None):
    return client.post(path, data={**(data or {}), "csrf_token": csrf_token(client, page or path)})


@pytest.mark.parametrize("path", ["/admin/", "/admin/organisations", "/admin/organisations/1",
                                  "/admin/organisations/new", "/admin/organisations/1/edit",
                                  "/admin/organisations/1/invite", "/admin/departments", "/admin/departments/new",
                                  "/admin/departments/2", "/admin/users", "/admin/users/new", "/admin/users/1",
                                  "/admin/history"])
def test_every_admin_page_opens_for_an_administrator(as_user, path):
    assert as_user("admin").get(path).status_code == 200


@pytest.mark.parametrize(("username", "path", "status"), [
    ("seisaku", "/admin/organisations", 200), ("seisaku", "/admin/users", 403),
    ("seisaku", "/admin/departments", 403), ("seisaku", "/admin/history", 403),
    ("kankyo", "/admin/", 403), ("kanri", "/admin/organisations", 403), ("shonan", "/admin/organisations/1", 403),
])
def test_who_may_open_which_admin_page(as_user, username, path, status):
    assert as_user(username).get(path).status_code == status


def test_the_admin_menu_is_shown_to_administrators_and_総合政策課_only(client):
    sign_in(client, "kankyo")
    assert "/admin/" not in client.get("/").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, "seisaku")
    assert 'href="/admin/"' in client.get("/").get_data(as_text=True)


def test_an_administrator_creates_a_user_and_the_link_is_shown_once_with_its_expiry(as_user, engine):
    client = as_user("admin")
    kankyo = row_id(engine, Department, code="kankyo")
    response = post(client, "/admin/users/new", {"display_name": "環境政策課 茅ヶ崎 太郎", "username": "chigasaki-taro",
                                                 "email": "", "role": "department", "department_ids": str(kankyo)})
    page = response.get_data(as_text=True)
    assert response.status_code == 201 and response.headers["Cache-Control"] == "no-store"
    assert "このリンクはこの画面でしか表示されません" in page and "有効期限" in page and "令和" in page
    token = LINK.search(page).group(1).rsplit("/", 1)[1]
    assert token not in client.get(f"/admin/users/{row_id(engine, UserAccount, username='chigasaki-taro')}") \
        .get_data(as_text=True)


def test_a_bad_user_form_shows_each_error_next_to_its_field_and_keeps_the_input(as_user, engine):
    client = as_user("admin")
    response = post(client, "/admin/users/new", {"display_name": "<script>alert(1)</script>", "username": "a",
                                                 "email": "x@", "role": "department"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<p class="field__error" id="f-username-error">利用者名は半角英数字と' in page
    assert 'aria-describedby="f-username-help f-username-error" aria-invalid="true"' in page
    assert 'id="f-department_ids-error">担当課職員は所属課を1つ以上選択してください' in page
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in page and "<script>alert(1)" not in page
    assert row_id(engine, UserAccount, username="a") is None


def test_a_role_change_by_the_administrator_counts_from_the_users_next_request(app, engine):
    kodomo_client, admin_client = app.test_client(), app.test_client()
    sign_in(kodomo_client, "kodomo")
    assert "/proposals/new" not in kodomo_client.get("/").get_data(as_text=True)
    sign_in(admin_client, "admin")
    kodomo = row_id(engine, UserAccount, username="kodomo")
    response = post(admin_client, f"/admin/users/{kodomo}", {"display_name": "こども育成相談課 職員",
                                                             "username": "kodomo", "role": "coordinator"})
    assert response.status_code == 302
    assert 'href="/proposals/new"' in kodomo_client.get("/").get_data(as_text=True)  # now 総合政策課


def test_a_deactivated_user_is_signed_out_at_the_next_request(app, engine):
    kankyo_client, admin_client = app.test_client(), app.test_client()
    sign_in(kankyo_client, "kankyo")
    sign_in(admin_client, "admin")
    kankyo = row_id(engine, UserAccount, username="kankyo")
    assert post(admin_client, f"/admin/users/{kankyo}/deactivate", page=f"/admin/users/{kankyo}").status_code == 302
    assert kankyo_client.get("/").status_code == 302  # back to the sign-in page
    assert sign_in(kankyo_client, "kankyo").status_code == 401


def test_an_administrator_cannot_deactivate_themselves(as_user, engine):
    client = as_user("admin")
    me = row_id(engine, UserAccount, username="admin")
    response = post(client, f"/admin/users/{me}/deactivate", page=f"/admin/users/{me}")
    assert response.status_code == 403 and "自分自身を無効" in response.get_data(as_text=True)


def test_総合政策課_invites_a_contact_and_verifies_an_organisation(as_user, engine):
    client = as_user("seisaku")
    assert post(client, "/admin/organisations/new", {"name": ""}).status_code == 422
    created = post(client, "/admin/organisations/new", {"name": "株式会社しおさい（架空）"})
    organisation = row_id(engine, Organisation, name="株式会社しおさい（架空）")
    assert created.headers["Location"] == f"/admin/organisations/{organisation}"
    invited = post(client, f"/admin/organisations/{organisation}/invite",
                   {"display_name": "潮騒 花子", "username": "shiosai-hanako", "email": "hanako@shiosai.example.jp"})
    assert invited.status_code == 201 and LINK.search(invited.get_data(as_text=True))
    detail = client.get(f"/admin/organisations/{organisation}").get_data(as_text=True)
    assert "潮騒 花子" in detail and "招待中" in detail
    with engine.unit_of_work() as session:
        actions = list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id.desc()).limit(3)))
    assert actions == ["invitation_issued", "user_created", "organisation_created"]


def test_the_unverified_badge_shows_in_the_menu_and_the_list_until_verified(as_user, engine):
    with engine.unit_of_work() as session:
        session.add(Organisation(name="未確認の会社（架空）", verified=False))
    client = as_user("seisaku")
    home = client.get("/").get_data(as_text=True)
    assert re.search(r'管理 <span class="badge" aria-label="1件">1</span>', home)
    listing = client.get("/admin/organisations?unverified=1").get_data(as_text=True)
    assert "未確認の会社（架空）" in listing and '<span class="tag tag--unverified">未確認</span>' in listing
    organisation = row_id(engine, Organisation, name="未確認の会社（架空）")
    response = post(client, f"/admin/organisations/{organisation}/verify", page=f"/admin/organisations/{organisation}")
    assert response.status_code == 302
    assert not re.search(r'管理 <span class="badge"', client.get("/admin/organisations").get_data(as_text=True))


def test_the_organisation_list_is_searchable(as_user):
    page = as_user("seisaku").get("/admin/organisations?q=みらい").get_data(as_text=True)
    assert "茅ヶ崎みらい大学（架空）" in page and "湘南サンプル株式会社" not in page and "1件" in page


def test_a_department_with_open_work_is_not_deactivated_and_the_page_says_why(as_user, engine):
    client = as_user("admin")
    department = row_id(engine, Department, code="kikaku")
    response = post(client, f"/admin/departments/{department}/deactivate", page=f"/admin/departments/{department}")
    assert response.status_code == 403 and "総合政策課（調整担当の課）は無効にできません" in response.get_data(as_text=True)


def test_departments_are_created_renamed_and_their_code_kept(as_user, engine):
    client = as_user("admin")
    assert post(client, "/admin/departments/new", {"name": "文化生涯学習課", "code": "bunka"}).status_code == 302
    department = row_id(engine, Department, code="bunka")
    renamed = post(client, f"/admin/departments/{department}", {"name": "文化推進課"})
    assert renamed.status_code == 302
    page = client.get(f"/admin/departments/{department}").get_data(as_text=True)
    assert "文化推進課" in page and "<code>bunka</code>" in page


def test_the_history_lists_admin_actions_with_who_did_them(as_user):
    client = as_user("admin")
    post(client, "/admin/organisations/new", {"name": "株式会社はまかぜ（架空）"})
    page = client.get("/admin/history?action=organisation_created").get_data(as_text=True)
    assert "団体「株式会社はまかぜ（架空）」" in page and "システム管理者" in page


def test_a_post_without_a_csrf_token_changes_nothing(as_user, engine):
    client = as_user("admin")
    response = client.post("/admin/organisations/new", data={"name": "トークンなし株式会社"})
    assert response.status_code == 400
    assert row_id(engine, Organisation, name="トークンなし株式会社") is None


def test_the_link_carries_the_citys_public_address_when_one_is_configured(app, as_user):
    app.config["RENKEI_BASE_URL"] = "https://renkei.city.chigasaki.example.jp/"
    client = as_user("seisaku")
    page = post(client, "/admin/organisations/1/invite", {"display_name": "湘南 三郎", "username": "shonan-saburo"},
                page="/admin/organisations/1/invite").get_data(as_text=True)
    assert 'value="https://renkei.city.chigasaki.example.jp/invitations/' in page
