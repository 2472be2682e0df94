"""監査記録 for 総合政策課 and administrators: filter by case, person and date; export what is on screen."""

from __future__ import annotations

from tests.integration.flow import FOUR_PROJECTS_THREE_CATEGORIES, Flow


def test_the_coordinating_division_finds_a_cases_actions_and_exports_them(as_user, engine):
    flow = Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES)
    other = Flow(engine, "mirai").start().status().number
    number = flow.status().number
    client = as_user("seisaku")
    page = client.get(f"/audit/?case={number}").get_data(as_text=True)
    assert "2件" in page and "タスクの完了" in page and "案件の開始" in page
    assert other not in page
    assert f'href="/audit/export.csv?case={number}"' in page
    exported = client.get(f"/audit/export.csv?case={number}")
    assert exported.headers["Content-Type"] == "text/csv; charset=utf-8"
    lines = exported.get_data().decode("utf-8-sig").splitlines()
    assert len(lines) == 3 and lines[1].split(",")[2] == "案件の開始"


def test_filtering_by_person_lists_only_what_they_did(as_user, engine):
    Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES).record_partnership()
    page = as_user("admin").get("/audit/?person=seisaku").get_data(as_text=True)
    assert "1件" in page and "② 連携事業の実績を整理" in page and "① 連携事業の提案" not in page


def test_a_wrong_date_is_named_next_to_the_field(as_user):
    response = as_user("seisaku").get("/audit/?date_from=きのう")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert '<p class="field__error" id="audit-date_from-error">開始日は 令和7年5月1日 や 2025-05-01 のように入力してください</p>' in page
    assert 'aria-describedby="audit-date-help audit-date_from-error" aria-invalid="true"' in page
    assert 'value="きのう"' in page


def test_the_menu_offers_the_trail_to_the_coordinating_division_only(as_user, client):
    assert 'href="/audit/"' in as_user("seisaku").get("/").get_data(as_text=True)
    client.post("/logout", data={})
    department = as_user("kankyo")
    assert 'href="/audit/"' not in department.get("/").get_data(as_text=True)
    assert department.get("/audit/").status_code == 403
    assert department.get("/audit/export.csv").status_code == 403
