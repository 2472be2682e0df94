"""Claiming means something (issue #12 item 9): a task someone has taken is theirs until it is released or
reassigned; the page and the API refuse anyone else with the same Japanese reason and change nothing, and a
group task completed without claiming still records who did it.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.accounts.identity import create_user
from engine.persistence.models import AuditEvent, HumanTask
from tests.integration.flow import FOUR_PROJECTS_THREE_CATEGORIES, Flow
from tests.web.conftest import csrf_token, sign_in
from tests.web.test_api_tasks import bearer  # noqa: F401  (the fixture)

RECORD = {"past_records": [], "record_notes": "実績なし"}
HELD_BY_JIRO = "このタスクは総合政策課 政策 二郎さんが担当しているため、完了できません"


@pytest.fixture
def step_2(engine) -> str:
    """② 総合政策課's record of past partnership, with a second clerk in 総合政策課 (R-5.2)."""
    with engine.unit_of_work() as session:
        create_user(session, "seisaku2", "password-2025", "coordinator", "総合政策課 政策 二郎")
    return Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES).task("record_partnership").id


def _row(engine, task_id: str) -> tuple[str, int | None, int | None, int]:
    with engine.unit_of_work() as session:
        task = session.get(HumanTask, task_id)
        completions = session.scalars(
            select(AuditEvent.id).where(AuditEvent.task_id == task_id, AuditEvent.action == "task_completed")
        ).all()
        return task.state, task.claimed_by_id, task.completed_by_id, len(completions)


def test_a_task_a_colleague_claimed_cannot_be_completed_from_the_page_and_nothing_changes(
    engine, as_user, step_2
):
    client = as_user("seisaku")
    token = csrf_token(client, f"/tasks/{step_2}")
    engine.claim(engine.actor("seisaku2"), step_2)
    page = client.get(f"/tasks/{step_2}").get_data(as_text=True)
    assert "総合政策課 政策 二郎 さんが担当しています。担当者のみ入力できます。" in page
    assert "送信して完了する" not in page  # the form is shown read-only
    response = client.post(f"/tasks/{step_2}", data={"csrf_token": token, "record_notes": "実績なし"})
    assert response.status_code == 409 and HELD_BY_JIRO in response.get_data(as_text=True)
    assert _row(engine, step_2) == ("ready", engine.actor("seisaku2").user_id, None, 0)


def test_the_api_refuses_the_same_completion_until_the_task_is_reassigned(
    engine, client, bearer, step_2  # noqa: F811
):
    engine.claim(engine.actor("seisaku2"), step_2)
    seisaku = bearer("seisaku")
    refused = client.post(f"/api/tasks/{step_2}/complete", json={"data": RECORD}, headers=seisaku)
    assert refused.status_code == 409
    assert refused.get_json()["error"]["message"].startswith(HELD_BY_JIRO)
    assert _row(engine, step_2) == ("ready", engine.actor("seisaku2").user_id, None, 0)
    engine.reassign(engine.actor("seisaku"), step_2, engine.actor("seisaku").user_id)  # 担当者の変更
    done = client.post(f"/api/tasks/{step_2}/complete", json={"data": RECORD}, headers=seisaku)
    assert done.status_code == 200
    me = engine.actor("seisaku").user_id
    assert _row(engine, step_2) == ("completed", me, me, 1)


def test_the_holder_still_completes_a_task_they_claimed(engine, client, bearer, step_2):  # noqa: F811
    engine.claim(engine.actor("seisaku2"), step_2)
    assert client.post(f"/api/tasks/{step_2}/complete", json={"data": RECORD},
                       headers=bearer("seisaku2")).status_code == 200
    jiro = engine.actor("seisaku2").user_id
    assert _row(engine, step_2) == ("completed", jiro, jiro, 1)


def test_completing_an_unclaimed_group_task_records_who_did_it(engine, client, step_2):
    assert sign_in(client, "seisaku2", "password-2025").status_code == 302
    token = csrf_token(client, f"/tasks/{step_2}")
    response = client.post(f"/tasks/{step_2}", data={"csrf_token": token, "record_notes": "実績なし"})
    assert response.status_code == 302
    jiro = engine.actor("seisaku2").user_id
    assert _row(engine, step_2) == ("completed", jiro, jiro, 1)
    with engine.unit_of_work() as session:
        assert session.scalar(select(AuditEvent.actor_id).where(
            AuditEvent.task_id == step_2, AuditEvent.action == "task_completed")) == jiro
    page = client.get(f"/tasks/{step_2}").get_data(as_text=True)
    assert "総合政策課 政策 二郎 さん" in page  # 完了 … by whom, on the completed task's page
    history = page[page.index('<ol class="history">'):page.index("</ol>", page.index('<ol class="history">'))]
    assert "完了" in history and "総合政策課 政策 二郎" in history


def test_after_claiming_the_task_page_asks_for_the_focus_on_its_form(engine, as_user, step_2):
    client = as_user("seisaku")
    token = csrf_token(client, f"/tasks/{step_2}")
    assert "data-focus-first" not in client.get(f"/tasks/{step_2}").get_data(as_text=True)
    response = client.post(f"/tasks/{step_2}/claim", data={"csrf_token": token}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "このタスクの担当になりました。" in page and 'id="task-form"' in page and "data-focus-first" in page
