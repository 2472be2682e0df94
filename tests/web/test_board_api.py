"""GET /api/cases (issue #4 item 7): the board as JSON, with the board's filters, checked against the contract."""

from __future__ import annotations

from datetime import datetime

from tests.integration.board_cases import at_step_2, at_step_5
from tests.web.test_api_contract import conforms


def test_the_api_lists_cases_with_their_steps_whom_they_wait_for_and_since_when(as_user, engine):
    flow = at_step_5(engine)
    at_step_2(engine, "mirai")
    body = conforms(as_user("kanri").get("/api/cases?department=kodomo"))
    assert body["total"] == 1
    [case] = body["cases"]
    assert (case["id"], case["step"], case["parallel"]) == (
        flow.case_id, {"key": "5", "label": "⑤ 個別協議・実施判断"}, {"done": 1, "total": 3})
    assert {w["party"] for w in case["waiting_for"]} == {"こども育成相談課", "環境政策課"}
    assert datetime.fromisoformat(case["waiting_since"]).tzinfo is not None  # ISO with its offset


def test_paging_and_sorting_by_query_parameters(as_user, engine):
    for _ in range(3):
        at_step_2(engine)
    body = conforms(as_user("kanri").get("/api/cases?per_page=2&page=2&sort=-number"))
    assert (body["total"], body["page"], body["per_page"], len(body["cases"])) == (3, 2, 2, 1)
    assert body["cases"][0]["number"].endswith("0001")


def test_a_bad_filter_is_422_naming_the_parameter(as_user):
    response = as_user("kanri").get("/api/cases?lane=市民&fiscal_year=abc")
    body = conforms(response)
    assert response.status_code == 422
    assert set(body["error"]["fields"]) == {"lane", "fiscal_year"}


def test_an_organisation_gets_only_its_own_cases(as_user, engine):
    own = at_step_5(engine, "shonan")
    at_step_2(engine, "mirai")
    body = conforms(as_user("shonan").get("/api/cases"))
    assert [case["id"] for case in body["cases"]] == [own.case_id]


def test_without_a_session_or_token_it_is_401(client):
    assert conforms(client.get("/api/cases"))["error"]["code"] == "unauthenticated"
