"""The task page and the JSON API refuse a contradictory ⑤ decision, an overlong text and an implausible date with
the same message next to the same field, and save nothing (issue #12 items 2 and 4; R-3.6, R-5.5).

The web engine runs on the real clock: each case here starts today (Japan), so today bounds both ways.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime

import pytest
from werkzeug.datastructures import MultiDict

from engine.domain.japan_time import today_in_japan
from engine.domain.wareki import format_wareki
from tests.integration.flow import FOUR_PROJECTS_THREE_CATEGORIES, Flow
from tests.web.conftest import csrf_token
from tests.web.test_api_contract import conforms
from tests.web.test_api_tasks import bearer  # noqa: F401 - the fixture

TODAY = today_in_japan(datetime.now(UTC))
EXCLUDED = "ガイドライン２⑹に該当する事業は連携事業に当たらないため、「実施する」は選べません（R-3.6）。該当の選択を見直すか、「実施しない」を選んでください"


@pytest.fixture
def at_step_5(engine) -> Flow:
    flow = Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES).record_partnership()
    return flow.assign_departments(FOUR_PROJECTS_THREE_CATEGORIES).consult_feasibility()


def decision(**changes) -> dict:
    return {"consultation_date": TODAY.isoformat(), "consultation_summary": "詳細協議を実施", "exclusions": [],
            "implementation": "implement", "reason": "効果が見込まれるため", **changes}


CASES = {
    "excluded_but_implemented": (decision(exclusions=["1", "4"]), "project_decision.implementation", EXCLUDED),
    "reason_of_10000_characters": (decision(reason="理" * 10_000), "project_decision.reason",
                                   "2000文字以内で入力してください"),
    "consulted_after_today": (decision(consultation_date="2099-01-01"), "project_decision.consultation_date",
                              f"詳細協議日は今日（{format_wareki(TODAY)}）以前の日付を入力してください"),
    "consulted_before_the_case": (decision(consultation_date="2020-01-01"), "project_decision.consultation_date",
                                  f"詳細協議日は案件の開始日（{format_wareki(TODAY)}）以降の日付を入力してください"),
}


def page_form(token: str, data: dict) -> MultiDict:
    fields = [("csrf_token", token)]
    for key, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            fields.append((f"project_decision.{key}", item))
    return MultiDict(fields)


@pytest.mark.parametrize("case", CASES)
def test_the_page_and_the_api_refuse_it_next_to_the_same_field(at_step_5, client, as_user, bearer, case):  # noqa: F811
    data, path, message = CASES[case]
    task = at_step_5.task("decide_implementation", "P3")  # 環境政策課's project
    client = as_user("kankyo")

    response = client.post(f"/tasks/{task.id}", data=page_form(csrf_token(client, f"/tasks/{task.id}"), data))
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert f'id="f-{path.replace(".", "-")}-error">{message}</p>' in page

    response = client.post(f"/api/tasks/{task.id}/complete", headers=bearer("kankyo"),
                           json={"data": {"project_decision": data}})
    assert response.status_code == 422
    assert conforms(response)["error"]["fields"] == {path: message}

    assert at_step_5.task("decide_implementation", "P3").id == task.id  # still open: nothing was saved
    assert next(p for p in at_step_5.status().projects if p.key == "P3").implementation is None
