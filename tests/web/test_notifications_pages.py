"""お知らせ in the browser's terms: the menu count, opening and marking read, preferences, the administrators' mail status."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from engine.persistence.models import MailOutbox
from tests.integration.flow import FOUR_PROJECTS_THREE_CATEGORIES, Flow
from tests.mail_server import give_everyone_mail
from tests.web.conftest import csrf_token


@pytest.fixture
def proposed(engine):
    give_everyone_mail(engine)
    return Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES)


def notification_ids(page: str) -> list[str]:
    return re.findall(r'action="/notifications/(\d+)/open"', page)


def test_the_menu_shows_the_unread_count_and_the_list_shows_the_new_task(as_user, proposed):
    client = as_user("seisaku")
    page = client.get("/notifications/").get_data(as_text=True)
    assert '<span class="badge" aria-label="1件">1</span>' in page
    assert "新しいタスク：② 連携事業の実績を整理" in page and "未読 1件" in page


def test_opening_a_notification_marks_it_read_and_goes_to_the_task(as_user, proposed):
    client = as_user("seisaku")
    [notice_id] = notification_ids(client.get("/notifications/").get_data(as_text=True))
    response = client.post(f"/notifications/{notice_id}/open", data={"csrf_token": csrf_token(client, "/notifications/")})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/tasks/{proposed.task('record_partnership').id}"
    page = client.get("/notifications/").get_data(as_text=True)
    assert "未読 0件" in page and re.search(r">お知らせ\s*</a>", page)  # no count next to お知らせ any more


def test_another_persons_notification_cannot_be_marked_read(as_user, proposed):
    client = as_user("seisaku")
    [notice_id] = notification_ids(client.get("/notifications/").get_data(as_text=True))
    client.post("/logout", data={"csrf_token": csrf_token(client, "/notifications/")})
    other = as_user("kankyo")
    response = other.post(f"/notifications/{notice_id}/read", data={"csrf_token": csrf_token(other, "/notifications/")})
    assert response.status_code == 404


def test_mark_all_read(as_user, proposed):
    client = as_user("seisaku")
    response = client.post("/notifications/read-all", data={"csrf_token": csrf_token(client, "/notifications/")},
                           follow_redirects=True)
    assert "1件のお知らせを既読にしました。" in response.get_data(as_text=True)


def test_choosing_no_mail_for_new_tasks_is_saved(as_user, engine, proposed):
    client = as_user("kankyo")
    form = {"csrf_token": csrf_token(client, "/notifications/settings"), "task_assigned": "off", "task_due": "digest",
            "task_overdue": "immediate", "case_waiting": "immediate", "notice_deadline": "immediate",
            "termination_proposed": "digest", "agreement_declined": "immediate", "agreement_signed": "immediate"}
    response = client.post("/notifications/settings", data=form, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "お知らせの受け取り方を保存しました。" in page
    assert 'id="pref-task_assigned-off" name="task_assigned" value="off" checked' in page
    assert "kankyo@example.jp" in page


def test_a_missing_choice_is_named_next_to_its_field_and_nothing_is_saved(as_user):
    client = as_user("kankyo")
    response = client.post("/notifications/settings", data={"csrf_token": csrf_token(client, "/notifications/settings"),
                                                            "task_assigned": "off"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert '<p class="field__error" id="pref-task_due-error">「期限が近いタスク」の受け取り方を選んでください</p>' in page
    assert 'aria-describedby="pref-task_due-help pref-task_due-error"' in page
    assert 'value="off" checked' in page  # the clerk's input is kept
    settings = client.get("/notifications/settings").get_data(as_text=True)
    assert 'id="pref-task_assigned-immediate" name="task_assigned" value="immediate" checked' in settings


def test_without_an_address_the_preferences_page_says_mail_cannot_arrive(as_user):
    page = as_user("kankyo").get("/notifications/settings").get_data(as_text=True)
    assert "メールアドレスが登録されていないため、メールは届きません" in page


def test_administrators_see_failed_mails_and_can_retry_them(as_user, engine, proposed):
    with engine.unit_of_work() as session:
        row = session.scalars(select(MailOutbox)).first()
        row.status, row.attempts, row.last_error = "failed", 8, "メールサーバーに接続できません: Connection refused"
    client = as_user("admin")
    page = client.get("/notifications/outbox").get_data(as_text=True)
    assert "送信失敗" in page and "Connection refused" in page
    response = client.post(f"/notifications/outbox/{row.id}/retry",
                           data={"csrf_token": csrf_token(client, "/notifications/outbox")}, follow_redirects=True)
    assert "次の送信でもう一度送ります。" in response.get_data(as_text=True)
    with engine.unit_of_work() as session:
        assert (session.get(MailOutbox, row.id).status, session.get(MailOutbox, row.id).attempts) == ("pending", 0)


def test_the_mail_status_is_for_administrators_only(as_user):
    assert as_user("seisaku").get("/notifications/outbox").status_code == 403


def test_signing_in_is_required(client):
    assert client.get("/notifications/").status_code == 302
