"""The inbox pages (issue #3 item 4): the three tabs, counts in the menu, filters, sorting, claim/release/reassign."""

from __future__ import annotations

import re

import pytest

from engine.accounts.identity import create_user
from tests.integration.flow import FOUR_PROJECTS_THREE_CATEGORIES, Flow
from tests.web.conftest import csrf_token


@pytest.fixture
def at_step_5(engine) -> Flow:
    flow = Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES).record_partnership()
    return flow.assign_departments(FOUR_PROJECTS_THREE_CATEGORIES).consult_feasibility()


def rows(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""
    return re.findall(r"<tr>(.*?)</tr>", body, re.S)


def test_a_department_sees_its_own_step_5_tasks_in_the_group_tab_with_the_count_in_the_menu(at_step_5, as_user):
    client = as_user("kankyo")
    page = client.get("/inbox/").get_data(as_text=True)
    assert 'aria-current="page">グループのタスク' in page
    assert len(rows(page)) == 2
    assert "海岸清掃ボランティア" in page and "子ども見守りアプリ" not in page
    assert re.search(r'タスク <span class="badge" aria-label="2件">2</span>', page)
    assert "⑤ 個別協議・事業実施の判断" in page and at_step_5.status().number in page


def test_claiming_moves_a_task_to_my_tasks_and_releasing_moves_it_back(at_step_5, as_user):
    client = as_user("kankyo")
    task = at_step_5.task("decide_implementation", "P3")
    token = csrf_token(client, "/inbox/group")
    response = client.post(f"/tasks/{task.id}/claim", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == f"/tasks/{task.id}?claimed=1"
    mine = client.get("/inbox/").get_data(as_text=True)  # with a claimed task, the inbox opens on 自分のタスク
    assert 'aria-current="page">自分のタスク' in mine and len(rows(mine)) == 1 and "環境政策課 職員" in mine
    assert len(rows(client.get("/inbox/group").get_data(as_text=True))) == 1
    client.post(f"/tasks/{task.id}/release", data={"csrf_token": token})
    assert len(rows(client.get("/inbox/group").get_data(as_text=True))) == 2


def test_the_completed_tab_lists_what_i_completed(engine, as_user):
    flow = Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES).record_partnership()
    page = as_user("seisaku").get("/inbox/completed").get_data(as_text=True)
    assert [("② 連携事業の実績を整理" in row) for row in rows(page)] == [True]
    assert "完了日時" in page and flow.status().number in page


def test_filters_narrow_by_case_number_organisation_step_and_project(engine, as_user):
    first = Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES)
    Flow(engine, "mirai").start().propose(FOUR_PROJECTS_THREE_CATEGORIES)
    client = as_user("seisaku")
    assert len(rows(client.get("/inbox/group").get_data(as_text=True))) == 2
    by_number = client.get(f"/inbox/group?case_number={first.status().number}").get_data(as_text=True)
    assert len(rows(by_number)) == 1 and "（絞り込み中）" in by_number
    by_org = client.get("/inbox/group?organisation=茅ヶ崎みらい大学（架空）").get_data(as_text=True)
    assert len(rows(by_org)) == 1 and "茅ヶ崎みらい大学" in rows(by_org)[0]
    assert len(rows(client.get("/inbox/group?step=③ ニーズ調査・担当課の決定").get_data(as_text=True))) == 0
    nothing = client.get("/inbox/group?project=存在しない事業").get_data(as_text=True)
    assert rows(nothing) == [] and "条件に合うタスクはありません。" in nothing


def test_filtering_by_project_and_sorting_by_project_title(at_step_5, as_user):
    client = as_user("kankyo")
    only = client.get("/inbox/group?project=環境学習").get_data(as_text=True)
    assert len(rows(only)) == 1 and "P4" in only
    ascending = rows(client.get("/inbox/group?sort=project&order=asc").get_data(as_text=True))
    descending = rows(client.get("/inbox/group?sort=project&order=desc").get_data(as_text=True))
    assert ascending == list(reversed(descending)) and ascending != descending
    page = client.get("/inbox/group?sort=project&order=asc").get_data(as_text=True)
    assert 'aria-sort="ascending"' in page and "sort=project&amp;order=desc" in page


def test_an_unknown_sort_or_view_is_ignored_or_not_found(at_step_5, as_user):
    client = as_user("kankyo")
    assert client.get("/inbox/group?sort=password").status_code == 200
    assert client.get("/inbox/everything").status_code == 404


def test_a_coordinator_reassigns_a_task_to_a_colleague(engine, as_user):
    with engine.unit_of_work() as session:
        create_user(session, "seisaku2", "password-2025", "coordinator", "総合政策課 政策 二郎")
    flow = Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES)
    task = flow.task("record_partnership")
    client = as_user("seisaku")
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "担当者を変更" in page and "総合政策課 政策 二郎" in page
    colleague = engine.actor("seisaku2").user_id
    token = csrf_token(client, f"/tasks/{task.id}")
    response = client.post(f"/tasks/{task.id}/reassign", data={"csrf_token": token, "assignee_id": str(colleague)})
    assert response.status_code == 302
    assert flow.task("record_partnership").claimed_by == "総合政策課 政策 二郎"
    assert "担当者を変更しました。" in client.get(f"/tasks/{task.id}").get_data(as_text=True)


def test_a_department_clerk_sees_no_reassign_control_and_cannot_reassign(at_step_5, engine, as_user):
    task = at_step_5.task("decide_implementation", "P3")
    client = as_user("kankyo")
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "担当者を変更" not in page
    token = csrf_token(client, f"/tasks/{task.id}")
    client.post(f"/tasks/{task.id}/reassign", data={"csrf_token": token,
                                                     "assignee_id": str(engine.actor("kankyo").user_id)})
    assert at_step_5.task("decide_implementation", "P3").claimed_by is None


def test_claiming_a_task_someone_else_holds_explains_why(engine, as_user):
    with engine.unit_of_work() as session:
        create_user(session, "seisaku2", "password-2025", "coordinator", "総合政策課 政策 二郎")
    flow = Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES)
    task = flow.task("record_partnership")
    engine.claim(engine.actor("seisaku2"), task.id)
    client = as_user("seisaku")
    token = csrf_token(client, "/inbox/group")
    response = client.post(f"/tasks/{task.id}/claim", data={"csrf_token": token}, follow_redirects=True)
    assert "このタスクは総合政策課 政策 二郎さんが担当しているため、担当するには、担当者の変更（総合政策課）を依頼してください" in (
        response.get_data(as_text=True))


def test_a_claim_without_a_csrf_token_is_refused(at_step_5, as_user):
    task = at_step_5.task("decide_implementation", "P3")
    response = as_user("kankyo").post(f"/tasks/{task.id}/claim")
    assert response.status_code == 400
    assert at_step_5.task("decide_implementation", "P3").claimed_by is None


def test_the_inbox_needs_a_signed_in_user(client):
    response = client.get("/inbox/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_home_page_counts_open_the_inbox_tabs(at_step_5, as_user):
    page = as_user("kankyo").get("/").get_data(as_text=True)
    assert re.search(r'href="/inbox/group">.*?グループのタスク.*?2件', page, re.S)
    assert "担当を待っているタスクを見る" in page
