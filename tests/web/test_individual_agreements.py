"""From an agreement's page the 担当課 of a project starts its 個別協定 (R-1, R-2); who took part in ① reads the case.

The page and the JSON API ask the same rule (engine.access.individual_start_refusal): a refusal is 403 on both
and starts nothing; bad fields are named next to them (422).
"""

from __future__ import annotations

import re

import pytest

from engine.accounts.api_tokens import ApiTokens
from tests.integration.flow import FOUR_PROJECTS_THREE_CATEGORIES, Flow
from tests.integration.test_comprehensive_flow import concluded_on
from tests.web.conftest import csrf_token
from tests.web.test_agreements_register import TODAY

NONE_YET = "この協定の下で始めた個別協定はありません。"


@pytest.fixture
def agreement_id(engine) -> int:
    [agreement] = concluded_on(engine, TODAY.isoformat()).status().agreements
    return agreement.id


def _project_options(html: str) -> dict[str, str]:
    select = re.search(r'<select class="select" id="individual-project_id".*?</select>', html, re.S)
    assert select, "no start form"
    return {title: value for value, title in re.findall(r'<option value="(\d+)"[^>]*>([^<（]+)', select.group(0))}


def test_the_environment_division_starts_an_individual_agreement_for_its_own_project(as_user, agreement_id):
    client = as_user("kankyo")
    page = client.get(f"/agreements/{agreement_id}").get_data(as_text=True)
    options = _project_options(page)
    assert set(options) == {"海岸清掃ボランティア", "環境学習の出前授業"}  # its own projects only
    token = csrf_token(client, f"/agreements/{agreement_id}")
    response = client.post(f"/agreements/{agreement_id}/individual-agreements", data={
        "project_id": options["海岸清掃ボランティア"], "kind": "specific_field", "csrf_token": token})
    assert response.status_code == 302
    case_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "個別協定：海岸清掃ボランティア" in case_page
    assert f'href="/agreements/{agreement_id}"' in case_page and "の連携事業の個別協定" in case_page  # back to it
    page = client.get(f"/agreements/{agreement_id}").get_data(as_text=True)
    assert NONE_YET not in page and "個別協定（特定分野）" in page and "協議中" in page
    register = client.get("/agreements/").get_data(as_text=True)
    assert "個別協定：海岸清掃ボランティア" in register
    csv = client.get("/agreements/export.csv").get_data(as_text=True)
    assert "個別協定（種別・状況・締結日）" in csv and "海岸清掃ボランティア（個別協定（特定分野）・協議中）" in csv
    listed = client.get("/api/agreements").get_json()["agreements"]
    comprehensive = next(a for a in listed if a["id"] == agreement_id)
    assert [(i["project"], i["kind"], i["status"], i["signed_on"]) for i in comprehensive["individual_agreements"]] \
        == [("海岸清掃ボランティア", "specific_field", "running", None)]


def test_another_division_may_not_start_one_for_a_project_it_does_not_own(as_user, agreement_id, engine):
    project = _project_options(as_user("kankyo").get(f"/agreements/{agreement_id}").get_data(as_text=True))
    client = as_user("kodomo")
    page = client.get(f"/agreements/{agreement_id}").get_data(as_text=True)
    assert set(_project_options(page)) == {"子ども見守りアプリ"}
    token = csrf_token(client, f"/agreements/{agreement_id}")
    response = client.post(f"/agreements/{agreement_id}/individual-agreements", data={
        "project_id": project["海岸清掃ボランティア"], "kind": "specific_project", "csrf_token": token})
    assert response.status_code == 403
    assert NONE_YET in client.get(f"/agreements/{agreement_id}").get_data(as_text=True)
    bearer = {"Authorization": f"Bearer {ApiTokens(engine).create('kodomo', 'テスト').token}"}
    answer = client.post(f"/api/agreements/{agreement_id}/individual-agreements", headers=bearer,
                         json={"project_id": project["海岸清掃ボランティア"], "kind": "specific_project"})
    assert answer.status_code == 403
    assert NONE_YET in client.get(f"/agreements/{agreement_id}").get_data(as_text=True)


def test_the_organisation_sees_no_start_form_and_its_post_is_refused(as_user, agreement_id):
    project = _project_options(as_user("kankyo").get(f"/agreements/{agreement_id}").get_data(as_text=True))
    client = as_user("shonan")
    page = client.get(f"/agreements/{agreement_id}").get_data(as_text=True)
    assert "個別協定を始める" not in page
    token = csrf_token(client, f"/agreements/{agreement_id}")
    response = client.post(f"/agreements/{agreement_id}/individual-agreements", data={
        "project_id": project["海岸清掃ボランティア"], "kind": "specific_project", "csrf_token": token})
    assert response.status_code == 403


def test_bad_input_is_named_next_to_each_field_and_nothing_starts(as_user, agreement_id):
    client = as_user("kankyo")
    token = csrf_token(client, f"/agreements/{agreement_id}")
    response = client.post(f"/agreements/{agreement_id}/individual-agreements",
                           data={"project_id": "", "kind": "lease", "csrf_token": token})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="individual-project_id-error"' in html and 'id="individual-kind-error"' in html
    assert "この協定の連携事業から選択してください" in html and NONE_YET in html


def test_the_api_starts_one_for_the_projects_division_and_refuses_a_second_while_it_is_open(
        as_user, agreement_id, engine):
    client = as_user("kankyo")
    project = _project_options(client.get(f"/agreements/{agreement_id}").get_data(as_text=True))
    bearer = {"Authorization": f"Bearer {ApiTokens(engine).create('kankyo', 'テスト').token}"}
    body = {"project_id": project["環境学習の出前授業"], "kind": "specific_project"}
    first = client.post(f"/api/agreements/{agreement_id}/individual-agreements", headers=bearer, json=body)
    assert first.status_code == 201
    again = client.post(f"/api/agreements/{agreement_id}/individual-agreements", headers=bearer, json=body)
    assert again.status_code == 409
    bad = client.post(f"/api/agreements/{agreement_id}/individual-agreements", headers=bearer, json={})
    assert bad.status_code == 422 and set(bad.get_json()["error"]["fields"]) == {"project_id", "kind"}


def test_a_division_that_attended_the_proposal_opens_the_case_and_one_that_did_not_gets_404(as_user, engine):
    flow = Flow(engine).start("city")
    rows = [{k: v for k, v in p.items() if k != "department"} for p in FOUR_PROJECTS_THREE_CATEGORIES]
    flow.complete("enter_proposal", {"proposal_title": "市からの提案", "proposal_summary": "概要", "projects": rows,
                                     "attending_departments": ["bosai"]})
    page = as_user("bosai").get(f"/cases/{flow.case_id}")
    assert page.status_code == 200
    assert re.search(r"<dt>①に同席（R-5.1）</dt><dd>[^<]*防災", page.get_data(as_text=True))
    assert as_user("toshi").get(f"/cases/{flow.case_id}").status_code == 404
    assert as_user("toshi").get(f"/api/cases/{flow.case_id}").status_code in (401, 404)


def test_a_proposal_the_agreement_has_no_meeting_for_is_named_not_a_server_error(as_user, agreement_id, engine):
    client = as_user("seisaku")
    token = csrf_token(client, f"/agreements/{agreement_id}")
    response = client.post(f"/agreements/{agreement_id}/meetings/999/proposals/1",
                           data={"becomes": "comprehensive", "csrf_token": token})
    assert response.status_code == 422
    assert "この協定の個別定例会議の提案から選択してください" in response.get_data(as_text=True)
    bearer = {"Authorization": f"Bearer {ApiTokens(engine).create('seisaku', 'テスト').token}"}
    answer = client.post(f"/api/agreements/{agreement_id}/meetings/999/proposals/1", headers=bearer,
                         json={"becomes": "comprehensive"})
    assert answer.status_code == 422 and set(answer.get_json()["error"]["fields"]) == {"proposal"}
