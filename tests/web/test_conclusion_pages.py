"""R-3 as the engine decides it, seen in the browser and the JSON API (issue #12 items 1 and 3): the refusal
next to ⑥'s decision naming exactly what failed, the unverified organisation's notice and link, and
「例外により締結」 with its reason on the register, its CSV and GET /api/agreements."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone

import pytest

from engine.accounts.api_tokens import ApiTokens
from engine.persistence.models import Organisation
from tests.integration.flow import FOUR_PROJECTS_THREE_CATEGORIES, NOT_APPLIES, Flow, at_step_6
from tests.web.conftest import csrf_token
from tests.web.test_api_contract import conforms

TODAY = datetime.now(timezone(timedelta(hours=9))).date().isoformat()
BOTH = "要件⑶ 事業数が3未満（R-3.3）、要件⑷ 分類数が3未満（R-3.4）。"
REASON = "子育てと環境の両分野で全市的な展開が予定され、効果が大きいため"


def judgement(token: str, **extra) -> dict:
    return {"csrf_token": token, "r31_willingness": "yes", "r32_city_issues": "yes", **NOT_APPLIES,
            "necessity": "conclude", "necessity_reason": "継続的な連携が見込めるため", **extra}


def unverify(engine, username: str) -> int:
    with engine.unit_of_work() as session:
        organisation = session.get(Organisation, engine.actor(username).organisation_id)
        organisation.verified = False
        return organisation.id


def test_the_page_refuses_to_conclude_naming_both_failing_requirements_next_to_the_decision(engine, as_user):
    flow = at_step_6(engine)
    task = flow.task("judge_necessity")
    client = as_user("seisaku")
    response = client.post(f"/tasks/{task.id}", data=judgement(csrf_token(client, f"/tasks/{task.id}")))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert BOTH in page and "保存していません" in page
    assert flow.task("judge_necessity").id == task.id


def test_the_api_refuses_with_a_field_level_error_and_saves_nothing(engine, client):
    flow = at_step_6(engine)
    task = flow.task("judge_necessity")
    headers = {"Authorization": f"Bearer {ApiTokens(engine).create('seisaku', 'テスト').token}"}
    data = {k: v for k, v in judgement("").items() if k != "csrf_token"}
    response = client.post(f"/api/tasks/{task.id}/complete", headers=headers, json={"data": data})
    assert response.status_code == 422
    assert BOTH in conforms(response)["error"]["fields"]["necessity"]
    assert flow.task("judge_necessity").id == task.id


def test_an_unverified_organisations_decision_page_says_so_and_links_to_its_verification(engine, as_user):
    organisation_id = unverify(engine, "shonan")
    flow = at_step_6(engine, FOUR_PROJECTS_THREE_CATEGORIES)
    task = flow.task("judge_necessity")
    client = as_user("seisaku")
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert 'id="unverified-organisation"' in page and f'href="/admin/organisations/{organisation_id}"' in page
    response = client.post(f"/tasks/{task.id}", data=judgement(csrf_token(client, f"/tasks/{task.id}")))
    assert response.status_code == 422 and "団体の確認" in response.get_data(as_text=True)
    client.post(f"/admin/organisations/{organisation_id}/verify",
                data={"csrf_token": csrf_token(client, f"/admin/organisations/{organisation_id}")})
    assert 'id="unverified-organisation"' not in client.get(f"/tasks/{task.id}").get_data(as_text=True)


@pytest.fixture
def by_exception(engine) -> Flow:
    flow = at_step_6(engine)
    flow.judge(necessity="conclude", principle_exception=True, principle_exception_reason=REASON)
    return flow.agree_and_sign(TODAY)


def test_the_register_its_csv_and_the_api_show_concluded_by_exception_with_the_reason(by_exception, as_user):
    client = as_user("seisaku")
    assert f"例外により締結（理由：{REASON}）" in client.get("/agreements/").get_data(as_text=True)
    [agreement] = conforms(client.get("/api/agreements"))["agreements"]
    marked = ("concluded_by_exception", "conclusion_label", "principle_exception_reason")
    assert [agreement[key] for key in marked] == [True, "例外により締結", REASON]
    exported = client.get("/agreements/export.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(exported)))
    assert dict(zip(rows[0], rows[1], strict=True))["例外により締結（理由）"] == f"例外により締結（理由：{REASON}）"
    detail = client.get(f"/agreements/{agreement['id']}").get_data(as_text=True)
    assert "例外により締結" in detail and REASON in detail


def test_an_agreement_of_an_unverified_organisation_is_not_public(engine, client):
    at_step_6(engine, FOUR_PROJECTS_THREE_CATEGORIES).judge().agree_and_sign(TODAY)
    assert "湘南サンプル株式会社" in client.get("/public/agreements").get_data(as_text=True)
    unverify(engine, "shonan")
    for path in ("/public/agreements", "/public/agreements.csv", "/public/agreements.json"):
        assert "湘南サンプル株式会社" not in client.get(path).get_data(as_text=True), path
