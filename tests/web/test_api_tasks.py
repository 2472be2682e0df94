"""Working tasks and cases through the JSON API, following the guideline's steps (issue #3 item 8)."""

from __future__ import annotations

import pytest

from engine.accounts.api_tokens import ApiTokens
from engine.accounts.identity import create_user
from tests.integration.flow import FOUR_PROJECTS_THREE_CATEGORIES, Flow
from tests.web.test_api_contract import conforms


@pytest.fixture
def bearer(engine):
    """``bearer("shonan")`` → headers that act as that demo user."""

    def headers(username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {ApiTokens(engine).create(username, 'テスト').token}"}

    return headers


@pytest.fixture
def at_step_5(engine) -> Flow:
    flow = Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES).record_partnership()
    return flow.assign_departments(FOUR_PROJECTS_THREE_CATEGORIES).consult_feasibility()


def test_a_partner_proposes_through_the_api_from_start_to_step_2(client, bearer):
    shonan = bearer("shonan")
    case = conforms(client.post("/api/cases", json={}, headers=shonan))["case"]
    assert case["status"] == "running" and case["initiated_by"] == "organisation"
    [task] = conforms(client.get("/api/tasks", headers=shonan))["tasks"]
    detail = conforms(client.get(f"/api/tasks/{task['id']}", headers=shonan))
    assert detail["form"]["id"] == "proposal" and detail["may_complete"] is True
    data = {"proposal_title": "地域課題の解決に向けた連携", "proposal_summary": "共通の目標",
            "projects": [{"id": "", "title": "子ども見守り", "summary": "見守り", "category": "1", "fiscal_year": 2025}]}
    done = conforms(client.post(f"/api/tasks/{task['id']}/complete", json={"data": data,
                                                                              "case_version": detail["case_version"]},
                                headers=shonan))
    assert done == {"task_id": task["id"], "case_id": case["id"]}
    after = conforms(client.get(f"/api/cases/{case['id']}", headers=shonan))["case"]
    assert after["active_element_ids"] == ["record_partnership"]
    assert [h["action"] for h in after["history"]] == ["case_started", "task_completed"]
    assert after["projects"][0]["key"] == "P1"


def test_refused_data_is_422_with_one_message_per_field_and_nothing_is_saved(engine, client, bearer):
    flow = Flow(engine).start()
    task = flow.task("propose")
    response = client.post(f"/api/tasks/{task.id}/complete", headers=bearer("shonan"),
                           json={"data": {"proposal_title": "", "projects": [{"title": "x", "category": "9"}]}})
    assert response.status_code == 422
    fields = conforms(response)["error"]["fields"]
    assert fields["proposal_title"] == "入力してください"
    assert fields["projects.0.category"] == "選択肢にない値です"
    assert flow.task("propose").id == task.id  # still open: nothing was saved


def test_a_body_without_data_is_422(engine, client, bearer):
    task = Flow(engine).start().task("propose")
    response = client.post(f"/api/tasks/{task.id}/complete", json={"proposal_title": "x"}, headers=bearer("shonan"))
    assert response.status_code == 422 and "data" in conforms(response)["error"]["fields"]


def test_a_task_completed_meanwhile_is_a_409_conflict(engine, client, bearer):
    flow = Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES)
    task = flow.task("record_partnership")
    seisaku = bearer("seisaku")
    stale_version = conforms(client.get(f"/api/tasks/{task.id}", headers=seisaku))["case_version"]
    flow.record_partnership()
    data = {"data": {"past_records": [], "record_notes": "実績なし"}, "case_version": stale_version}
    response = client.post(f"/api/tasks/{task.id}/complete", json=data, headers=seisaku)
    assert response.status_code == 409 and conforms(response)["error"]["code"] == "conflict"


def test_a_claim_by_someone_else_is_a_409_conflict(engine, client, bearer):
    with engine.unit_of_work() as session:
        create_user(session, "seisaku2", "password-2025", "coordinator", "総合政策課 政策 二郎")
    flow = Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES)
    task = flow.task("record_partnership")
    claimed = conforms(client.post(f"/api/tasks/{task.id}/claim", json={}, headers=bearer("seisaku")))
    assert claimed["claimed_by_id"] == engine.actor("seisaku").user_id
    other = bearer("seisaku2")
    assert client.post(f"/api/tasks/{task.id}/claim", json={}, headers=other).status_code == 409
    response = client.post(f"/api/tasks/{task.id}/complete", headers=other,
                           json={"data": {"past_records": [], "record_notes": "実績なし"}})
    assert response.status_code == 409 and conforms(response)["error"]["code"] == "conflict"
    released = conforms(client.post(f"/api/tasks/{task.id}/release", json={}, headers=bearer("seisaku")))
    assert released["claimed_by_id"] is None


def test_another_organisations_task_and_case_are_404_never_403(engine, client, bearer):
    flow = Flow(engine).start()
    task = flow.task("propose")
    mirai = bearer("mirai")
    for response in (client.get(f"/api/tasks/{task.id}", headers=mirai),
                     client.post(f"/api/tasks/{task.id}/claim", json={}, headers=mirai),
                     client.post(f"/api/tasks/{task.id}/complete", json={"data": {}}, headers=mirai),
                     client.get(f"/api/cases/{flow.case_id}", headers=mirai)):
        assert response.status_code == 404
        body = conforms(response)
        assert "湘南" not in str(body)
    unknown = client.get("/api/tasks/00000000-0000-0000-0000-000000000000", headers=mirai)
    assert unknown.status_code == 404 and conforms(unknown)["error"]["code"] == "not_found"


def test_a_department_cannot_complete_another_departments_step_5(at_step_5, client, bearer):
    kodomo_task = at_step_5.task("decide_implementation", "P1")  # こども育成相談課's project
    decision = {"project_decision": {"consultation_date": "2025-08-01", "consultation_summary": "協議",
                                     "exclusions": [], "implementation": "implement", "reason": "効果あり"}}
    response = client.post(f"/api/tasks/{kodomo_task.id}/complete", json={"data": decision}, headers=bearer("kankyo"))
    assert response.status_code == 404
    kankyo_tasks = conforms(client.get("/api/tasks", headers=bearer("kankyo")))["tasks"]
    assert sorted(t["project_key"] for t in kankyo_tasks) == ["P3", "P4"]


def test_a_task_hands_out_only_the_data_its_form_uses(at_step_5, engine, client, bearer):
    for key in ("P1", "P2", "P3", "P4"):
        at_step_5.decide(key)
    at_step_5.judge().complete("draft_agreement", {"agreement_title": "包括連携協定", "agreement_terms": "協定書の内容",
                                                   "planned_signing_date": "2099-10-01"})
    task = at_step_5.task("confirm_agreement")
    data = conforms(client.get(f"/api/tasks/{task.id}", headers=bearer("shonan")))["data"]
    assert data["agreement_title"] == "包括連携協定"
    assert "r35_1" not in data and "necessity_reason" not in data  # the city's internal judgement stays inside


def test_a_manager_reads_a_task_but_may_not_claim_it(at_step_5, client, bearer):
    task = at_step_5.task("decide_implementation", "P1")
    kanri = bearer("kanri")
    assert conforms(client.get(f"/api/tasks/{task.id}", headers=kanri))["may_complete"] is False
    response = client.post(f"/api/tasks/{task.id}/claim", json={}, headers=kanri)
    assert response.status_code == 403 and conforms(response)["error"]["code"] == "forbidden"


def test_a_partner_cannot_start_a_case_for_another_organisation(engine, client, bearer):
    mirai_org = engine.actor("mirai").organisation_id
    response = client.post("/api/cases", json={"organisation_id": mirai_org}, headers=bearer("shonan"))
    assert response.status_code == 403
    city = client.post("/api/cases", json={"initiated_by": "city"}, headers=bearer("shonan"))
    assert city.status_code == 403


def test_the_city_starts_a_case_on_behalf_of_an_organisation(engine, client, bearer):
    umibe = engine.actor("umibe").organisation_id
    body = conforms(client.post("/api/cases", json={"organisation_id": umibe, "initiated_by": "city"},
                                headers=bearer("seisaku")))
    assert body["case"]["active_element_ids"] == ["enter_proposal"]


def test_start_refuses_bad_fields_and_injected_case_data(client, bearer):
    response = client.post("/api/cases", headers=bearer("seisaku"),
                           json={"organisation_id": "湘南", "initiated_by": "mayor", "data": {"eligible": True}})
    assert response.status_code == 422
    assert set(conforms(response)["error"]["fields"]) == {"organisation_id", "initiated_by", "data"}


def test_task_lists_by_view(at_step_5, client, bearer):
    kankyo = bearer("kankyo")
    group = conforms(client.get("/api/tasks?view=group", headers=kankyo))["tasks"]
    client.post(f"/api/tasks/{group[0]['id']}/claim", json={}, headers=kankyo)
    assert len(conforms(client.get("/api/tasks?view=mine", headers=kankyo))["tasks"]) == 1
    assert len(conforms(client.get("/api/tasks", headers=kankyo))["tasks"]) == 2
    bad = client.get("/api/tasks?view=everything", headers=kankyo)
    assert bad.status_code == 422 and "view" in conforms(bad)["error"]["fields"]


def test_a_case_names_every_open_task_but_gives_ids_only_of_those_the_caller_may_open(at_step_5, client,
                                                                                     bearer):
    kodomo = bearer("kodomo")  # こども育成相談課: P1 of the four projects
    case = conforms(client.get(f"/api/cases/{at_step_5.case_id}", headers=kodomo))["case"]
    opened = {t["project_key"]: t["id"] for t in case["open_tasks"]}
    assert opened["P1"] == at_step_5.task("decide_implementation", "P1").id
    assert client.get(f"/api/tasks/{opened['P1']}", headers=kodomo).status_code == 200
    assert opened["P3"] is None and opened["P4"] is None  # 環境政策課's tasks: named, not openable
    # every step so far was 総合政策課's or the partner's
    assert [h["task_id"] for h in case["history"]] == [None] * len(case["history"])
    seisaku = conforms(client.get(f"/api/cases/{at_step_5.case_id}", headers=bearer("seisaku")))["case"]
    assert None not in [t["id"] for t in seisaku["open_tasks"]]
    proposal = seisaku["history"][1]
    assert (proposal["action"], proposal["lane"]) == ("task_completed", "企業等")
    shonan = bearer("shonan")
    partner = conforms(client.get(f"/api/cases/{at_step_5.case_id}", headers=shonan))["case"]
    assert [t["id"] for t in partner["open_tasks"]] == [None] * len(partner["open_tasks"])
    assert {h["task_id"] for h in partner["history"]} == {None, proposal["task_id"]}
    assert client.get(f"/api/tasks/{proposal['task_id']}", headers=shonan).status_code == 200
