"""Submitting a task page: refused input kept with errors, stale pages, rows without JavaScript, security."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from werkzeug.datastructures import MultiDict

from engine.access import SYSTEM
from engine.domain.japan_time import today_in_japan
from engine.domain.wareki import format_wareki
from tests.integration.flow import FOUR_PROJECTS_THREE_CATEGORIES, NOT_APPLIES, Flow, project
from tests.web.conftest import csrf_token

SCRIPT = "<script>alert('x')</script>"


@pytest.fixture
def at_step_5(engine) -> Flow:
    flow = Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES).record_partnership()
    return flow.assign_departments(FOUR_PROJECTS_THREE_CATEGORIES).consult_feasibility()


def today():
    return today_in_japan(datetime.now(UTC))


def proposal_form(token: str, title: str = "地域課題の解決に向けた連携", **extra) -> dict:
    return {"csrf_token": token, "proposal_title": title, "proposal_summary": "共通の目標",
            "projects.0.__row": "", "projects.0.id": "", "projects.0.title": "子ども見守り",
            "projects.0.summary": "見守り", "projects.0.category": "1", "projects.0.fiscal_year": "２０２５", **extra}


def decision_form(token: str, **overrides) -> dict:
    """Consulted today (in 令和, as a clerk types it): the case began today, and a date after it is refused."""
    form = {"csrf_token": token, "project_decision.consultation_date": format_wareki(today()),
            "project_decision.consultation_summary": "詳細協議を実施", "project_decision.implementation": "implement",
            "project_decision.reason": "効果が見込まれるため"}
    form.update(overrides)
    return form


def test_a_partner_completes_the_proposal_and_returns_to_the_inbox(engine, as_user):
    flow = Flow(engine).start()
    client = as_user("shonan")
    task_id = flow.task("propose").id
    response = client.post(f"/tasks/{task_id}", data=proposal_form(csrf_token(client, f"/tasks/{task_id}")))
    assert response.status_code == 302 and response.headers["Location"] == "/inbox/"
    status = flow.status()
    assert status.active_element_ids == ["record_partnership"]
    assert [(p.key, p.fiscal_year) for p in status.projects] == [("P1", 2025)]  # full-width digits accepted


def test_refused_input_is_shown_again_with_each_error_next_to_its_field(engine, as_user):
    flow = Flow(engine).start()
    client = as_user("shonan")
    task_id = flow.task("propose").id
    form = proposal_form(csrf_token(client, f"/tasks/{task_id}"), title="", **{"projects.0.category": "",
                                                                                "projects.0.title": "残す事業名"})
    response = client.post(f"/tasks/{task_id}", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "入力内容に2件の誤りがあります。保存していません。" in page
    assert '<a href="#f-proposal_title">提案名：入力してください</a>' in page
    assert '<a href="#f-projects-0-category">分類（ガイドライン２⑷）（連携事業 1行目）：選択してください</a>' in page
    assert re.search(r'id="f-proposal_title-error">入力してください</p>\s*<input[^>]*aria-describedby="f-proposal_title-error"'
                     r' aria-invalid="true"', page.replace("\n    value", " value"))
    assert 'value="残す事業名"' in page  # the clerk's input is kept
    assert flow.task("propose").id == task_id  # nothing was saved


def test_a_japanese_date_is_accepted_on_step_5(at_step_5, as_user):
    task = at_step_5.task("decide_implementation", "P3")
    client = as_user("kankyo")
    response = client.post(f"/tasks/{task.id}", data=decision_form(csrf_token(client, f"/tasks/{task.id}")))
    assert response.status_code == 302
    saved = at_step_5.status().history[-1].detail["data"]["project_decision"]
    assert saved["consultation_date"] == today().isoformat() and saved["exclusions"] == []


def test_a_date_that_does_not_exist_is_refused_with_its_reason(at_step_5, as_user):
    task = at_step_5.task("decide_implementation", "P3")
    client = as_user("kankyo")
    form = decision_form(csrf_token(client, f"/tasks/{task.id}"), **{"project_decision.consultation_date": "令和7年2月30日"})
    page = client.post(f"/tasks/{task.id}", data=form).get_data(as_text=True)
    assert "詳細協議日：存在しない日付です" in page and 'value="令和7年2月30日"' in page


def test_checklist_answers_of_r3_6_are_saved_as_a_list(at_step_5, as_user):
    task = at_step_5.task("decide_implementation", "P4")
    client = as_user("kankyo")
    form = decision_form(csrf_token(client, f"/tasks/{task.id}"),  # excluded: 実施しない
                         **{"project_decision.implementation": "not_implement"})
    data = MultiDict([*form.items(), ("project_decision.exclusions", "1"), ("project_decision.exclusions", "4")])
    assert client.post(f"/tasks/{task.id}", data=data).status_code == 302
    assert [p.exclusions for p in at_step_5.status().projects if p.key == "P4"] == [["1", "4"]]


def test_the_principle_exception_checkbox_and_its_reason_are_saved(engine, as_user):
    """R-3.3/R-3.4: with fewer than 3 categories, 総合政策課 may record an exception and why."""
    projects = [project(f"環境事業{n}", "5", department="kankyo") for n in (1, 2, 3)]
    flow = Flow(engine).start().propose(projects).record_partnership().assign_departments(projects)
    flow.consult_feasibility()
    for key in ("P1", "P2", "P3"):
        flow.decide(key)
    task = flow.task("judge_necessity")
    client = as_user("seisaku")
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert re.search(r'data-hide="=principle_exception != true" hidden', page)
    form = {"csrf_token": csrf_token(client, f"/tasks/{task.id}"), "r31_willingness": "yes", "r32_city_issues": "yes",
            **NOT_APPLIES, "_checkbox": "principle_exception", "principle_exception": "true",
            "principle_exception_reason": "環境分野に特化した連携で効果が大きいため", "necessity": "conclude",
            "necessity_reason": "例外として締結する"}
    response = client.post(f"/tasks/{task.id}", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    saved = flow.status().history[-1].detail["data"]
    assert saved["principle_exception"] is True
    assert saved["principle_exception_reason"] == "環境分野に特化した連携で効果が大きいため"


def test_rows_are_added_and_removed_without_javascript_and_nothing_is_saved(engine, as_user):
    flow = Flow(engine).start()
    client = as_user("shonan")
    task_id = flow.task("propose").id
    form = proposal_form(csrf_token(client, f"/tasks/{task_id}"), _row="add:projects")
    page = client.post(f"/tasks/{task_id}", data=form).get_data(as_text=True)
    assert 'name="projects.1.title"' in page and 'value="子ども見守り"' in page
    assert "入力内容に" not in page  # adding a row does not validate
    form = proposal_form(csrf_token(client, f"/tasks/{task_id}"), _row="remove:projects.0")
    page = client.post(f"/tasks/{task_id}", data=form).get_data(as_text=True)
    assert 'name="projects.0.title"' not in page and "行はありません。" in page
    assert flow.task("propose").id == task_id


def test_a_page_left_open_while_someone_else_completed_the_task_explains_what_happened(engine, as_user):
    flow = Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES)
    task_id = flow.task("record_partnership").id
    client = as_user("seisaku")
    token = csrf_token(client, f"/tasks/{task_id}")
    version = re.search(r'name="_case_version" value="(\d+)"', client.get(f"/tasks/{task_id}").get_data(as_text=True))
    flow.record_partnership()  # completed meanwhile (e.g. through the API or another tab)
    response = client.post(f"/tasks/{task_id}", data={"csrf_token": token, "_case_version": version.group(1),
                                                      "record_notes": "二重入力"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "このタスクは既に処理されています" in page and "入力した内容は保存されていません。" in page


def test_a_step_5_page_opened_before_another_departments_decision_keeps_the_input(at_step_5, as_user):
    task = at_step_5.task("decide_implementation", "P3")
    client = as_user("kankyo")
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    version = re.search(r'name="_case_version" value="(\d+)"', page).group(1)
    at_step_5.decide("P1")  # こども育成相談課 decides its own project meanwhile: the case version moves on
    form = decision_form(csrf_token(client, f"/tasks/{task.id}"), _case_version=version)
    response = client.post(f"/tasks/{task.id}", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "画面を開いた後に更新されました" in page
    assert "詳細協議を実施</textarea>" in page  # kept; sending again now works
    new_version = re.search(r'name="_case_version" value="(\d+)"', page).group(1)
    form = decision_form(csrf_token(client, f"/tasks/{task.id}"), _case_version=new_version)
    assert client.post(f"/tasks/{task.id}", data=form).status_code == 302


def test_html_typed_into_a_field_is_shown_escaped_everywhere(engine, as_user):
    flow = Flow(engine).start()
    client = as_user("shonan")
    task_id = flow.task("propose").id
    form = proposal_form(csrf_token(client, f"/tasks/{task_id}"), title=SCRIPT,
                         **{"projects.0.title": SCRIPT, "projects.0.summary": SCRIPT})
    assert client.post(f"/tasks/{task_id}", data=form).status_code == 302
    flow.record_partnership()
    flow.assign_departments([{**project(SCRIPT, "5", department="kankyo"), "id": "P1"}])
    flow.consult_feasibility()
    staff = client.application.test_client()
    from tests.web.conftest import sign_in

    sign_in(staff, "kankyo")
    task = flow.task("decide_implementation", "P1")
    pages = [staff.get("/inbox/group").get_data(as_text=True), staff.get(f"/tasks/{task.id}").get_data(as_text=True),
             client.get(f"/tasks/{task_id}").get_data(as_text=True)]
    for page in pages:
        assert SCRIPT not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in pages[0]
    assert "<strong>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</strong>" in pages[1]  # in the ⑤ text component


def test_a_post_without_a_csrf_token_is_refused_and_saves_nothing(engine, as_user):
    flow = Flow(engine).start()
    client = as_user("shonan")
    task_id = flow.task("propose").id
    form = proposal_form("")
    del form["csrf_token"]
    response = client.post(f"/tasks/{task_id}", data=form)
    assert response.status_code == 400 and "不正な送信" in response.get_data(as_text=True)
    assert flow.task("propose").id == task_id


def test_another_organisations_task_and_case_are_not_found(engine, as_user):
    flow = Flow(engine).start()
    client = as_user("mirai")
    task_id = flow.task("propose").id
    page = client.get(f"/tasks/{task_id}")
    assert page.status_code == 404 and "湘南" not in page.get_data(as_text=True)
    token = csrf_token(client, "/inbox/")
    assert client.post(f"/tasks/{task_id}", data=proposal_form(token)).status_code == 404
    assert client.post(f"/tasks/{task_id}/claim", data={"csrf_token": token}).status_code == 404
    assert engine.case_status(SYSTEM, flow.case_id).active_element_ids == ["propose"]


def test_a_department_cannot_complete_another_departments_project_task(at_step_5, as_user):
    task = at_step_5.task("decide_implementation", "P1")  # こども育成相談課
    client = as_user("kankyo")
    assert client.get(f"/tasks/{task.id}").status_code == 404
    response = client.post(f"/tasks/{task.id}", data=decision_form(csrf_token(client, "/inbox/")))
    assert response.status_code == 404
    assert at_step_5.task("decide_implementation", "P1").id == task.id


def test_a_manager_reads_a_task_page_without_a_form_to_send(at_step_5, as_user):
    task = at_step_5.task("decide_implementation", "P1")
    page = as_user("kanri").get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "このタスクは閲覧のみです。" in page and "送信して完了する" not in page and "担当する" not in page


def test_a_page_left_open_while_a_colleague_claimed_the_task_says_who_has_it(engine, as_user):
    from engine.accounts.identity import create_user

    with engine.unit_of_work() as session:
        create_user(session, "seisaku2", "password-2025", "coordinator", "総合政策課 政策 二郎")
    flow = Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES)
    task_id = flow.task("record_partnership").id
    client = as_user("seisaku")
    token = csrf_token(client, f"/tasks/{task_id}")
    engine.claim(engine.actor("seisaku2"), task_id)
    response = client.post(f"/tasks/{task_id}", data={"csrf_token": token, "record_notes": "実績なし"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "このタスクは他の人が担当しています" in page and "総合政策課 政策 二郎 さんが担当になりました。" in page
