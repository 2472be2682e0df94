"""The 企業等 gives notice (協定終了の申出, R-6.2) from its agreement's page and through the API.

The action is offered only to the 企業等 of that agreement and only while notice can be given; nobody's inbox
holds a task for it, so the タスク badge of a partner with nothing to do shows nothing.
"""

from __future__ import annotations

import re

import pytest

from engine.domain.wareki import format_wareki
from tests.integration.test_comprehensive_flow import concluded_on
from tests.web.conftest import csrf_token
from tests.web.test_agreements_register import PERIOD, TODAY

NOTICE_BUTTON = "協定の終了を申し出る"


@pytest.fixture
def agreement_id(engine) -> int:
    [agreement] = concluded_on(engine, TODAY.isoformat()).status().agreements
    return agreement.id


def _give(client, agreement_id: int, reason: str = "事業の見直しのため", contact: str = "湘南 花子 0467-00-0000"):
    token = csrf_token(client, f"/agreements/{agreement_id}")
    return client.post(
        f"/agreements/{agreement_id}/notice",
        data={"notice_reason": reason, "notice_contact": contact, "csrf_token": token},
    )


def test_the_partner_sees_the_notice_action_with_its_deadline_and_no_task_in_its_inbox(as_user, agreement_id):
    client = as_user("shonan")
    html = client.get(f"/agreements/{agreement_id}").get_data(as_text=True)
    start = html.index('id="notice-heading"')
    section = html[start:html.index("</section>", start)]
    assert NOTICE_BUTTON in section and "申出期限" in section
    assert format_wareki(PERIOD.notice_deadline) in section
    assert "協定終了の申出" not in client.get("/inbox/").get_data(as_text=True)
    menu = client.get("/agreements/").get_data(as_text=True)
    assert re.search(r">タスク</a>", menu)  # the タスク entry carries no count: nothing waits on this partner
    assert not re.search(r">タスク <span class=\"badge\"", menu)


def test_giving_notice_in_time_records_it_and_the_action_is_gone(as_user, agreement_id):
    client = as_user("shonan")
    response = _give(client, agreement_id)
    assert response.status_code == 302
    html = client.get(f"/agreements/{agreement_id}").get_data(as_text=True)
    assert "協定終了の申出を受け付けました" in html
    assert "企業等からの申出" in html and "事業の見直しのため" in html
    assert f"{format_wareki(PERIOD.valid_until)}の期間満了をもって終了します" in html
    assert NOTICE_BUTTON not in html
    again = _give(client, agreement_id)
    assert again.status_code == 409 and "既に記録されています" in again.get_data(as_text=True)


def test_missing_reason_and_contact_are_named_next_to_their_fields_and_nothing_is_recorded(
    as_user, agreement_id
):
    client = as_user("shonan")
    response = _give(client, agreement_id, reason=" ", contact="")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="notice-notice_reason-error"' in html and "申出の理由を入力してください" in html
    assert 'id="notice-notice_contact-error"' in html and "担当者名・連絡先を入力してください" in html
    assert "<details class=\"agreement-notice__form\" open>" in html  # the form stays open with the errors
    assert "企業等からの申出" not in html


def test_the_city_sees_no_notice_action_and_cannot_post_one(as_user, agreement_id):
    for username in ("seisaku", "kankyo"):
        client = as_user(username)
        assert NOTICE_BUTTON not in client.get(f"/agreements/{agreement_id}").get_data(as_text=True)
        assert _give(client, agreement_id).status_code == 403
        client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    client = as_user("seisaku")
    assert "からの申出" not in client.get(f"/agreements/{agreement_id}").get_data(as_text=True)


def test_another_partner_gets_404_for_the_page_and_the_action(as_user, agreement_id):
    client = as_user("mirai")
    assert client.get(f"/agreements/{agreement_id}").status_code == 404
    token = csrf_token(client, "/agreements/")
    response = client.post(
        f"/agreements/{agreement_id}/notice",
        data={"notice_reason": "x", "notice_contact": "y", "csrf_token": token},
    )
    assert response.status_code == 404


def test_the_api_offers_and_takes_the_same_notice(as_user, agreement_id):
    client = as_user("shonan")
    token = client.post("/api/login", json={"username": "shonan", "password": "renkei-demo-2025"}).get_json()[
        "csrf_token"]
    headers = {"X-CSRFToken": token}
    offered = client.get(f"/api/agreements/{agreement_id}").get_json()["agreement"]["notice_action"]
    assert offered == {"deadline": PERIOD.notice_deadline.isoformat(), "late": False,
                       "takes_effect_on": PERIOD.valid_until.isoformat()}
    url = f"/api/agreements/{agreement_id}/notice"
    refused = client.post(url, json={"notice_reason": ""}, headers=headers)
    assert refused.status_code == 422
    assert set(refused.get_json()["error"]["fields"]) == {"notice_reason", "notice_contact"}
    given = client.post(f"/api/agreements/{agreement_id}/notice",
                        json={"notice_reason": "事業の見直し", "notice_contact": "湘南 花子"}, headers=headers)
    assert given.status_code == 201
    agreement = given.get_json()["agreement"]
    assert agreement["status"] == "ending" and agreement["notice_action"] is None
    assert [(n["given_by"], n["given_on"], n["in_time"]) for n in agreement["notices"]] == [
        ("organisation", TODAY.isoformat(), True)]
    again = client.post(f"/api/agreements/{agreement_id}/notice",
                        json={"notice_reason": "再度", "notice_contact": "湘南 花子"}, headers=headers)
    assert again.status_code == 409


def test_the_api_refuses_city_staff_with_403_and_other_partners_with_404(as_user, agreement_id):
    for username, status in (("seisaku", 403), ("mirai", 404)):
        client = as_user(username)
        login = {"username": username, "password": "renkei-demo-2025"}
        token = client.post("/api/login", json=login).get_json()["csrf_token"]
        response = client.post(f"/api/agreements/{agreement_id}/notice", headers={"X-CSRFToken": token},
                               json={"notice_reason": "x", "notice_contact": "y"})
        assert response.status_code == status
        if username == "mirai":
            assert client.get(f"/api/agreements/{agreement_id}").status_code == 404
        client.post("/api/logout", json={}, headers={"X-CSRFToken": token})
