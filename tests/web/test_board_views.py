"""案件一覧, 集計 and the heat view through the Flask client: filters in the URL, readable pages, no writes."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from engine.board.listing import fiscal_year_label
from engine.domain.due_dates import JAPAN
from engine.domain.validity import fiscal_year
from engine.persistence.models import Case
from tests.integration.board_cases import at_step_2, at_step_5, concluded
from web.filters import wareki


@pytest.fixture
def cases(engine):
    return {"step5": at_step_5(engine, "shonan"), "step2": at_step_2(engine, "mirai"), "done": concluded(engine, "umibe")}


def japan_today():
    """The pages show days in Japan: from 15:00 UTC on, that is already tomorrow's date on a UTC machine."""
    return datetime.now(JAPAN).date()


def numbers(html: str) -> set[str]:
    return set(re.findall(r">(R\d+-\d{4})</a>", html))


def test_the_board_lists_every_case_with_its_step_and_whom_it_waits_for(as_user, cases):
    html = as_user("kanri").get("/board/").get_data(as_text=True)
    assert numbers(html) == {flow.status().number for flow in cases.values()}
    assert "⑤ 3件中1件完了" in html
    assert "こども育成相談課" in html and "環境政策課" in html
    assert f"{wareki(japan_today())}から" in html  # waiting since, as a 令和 date (the day in Japan)


def test_the_department_filter_in_the_url_narrows_the_list(as_user, cases):
    html = as_user("kanri").get("/board/?department=kankyo").get_data(as_text=True)
    assert numbers(html) == {cases["step5"].status().number, cases["done"].status().number}
    assert '<option value="kankyo" selected>' in html


def test_a_bad_filter_is_named_next_to_its_field_and_the_rest_still_applies(as_user, cases):
    response = as_user("kanri").get("/board/?fiscal_year=R7&status=running")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="filter-fiscal_year-error"' in html and "年度は2019〜2100の半角数字で指定してください" in html
    assert 'aria-describedby="filter-fiscal_year-error"' in html
    assert numbers(html) == {cases["step5"].status().number, cases["step2"].status().number}


def test_the_kanban_has_a_column_per_step_and_end_state(as_user, cases):
    html = as_user("kanri").get("/board/?view=kanban").get_data(as_text=True)
    for heading in ("① 提案", "⑤ 個別協議・実施判断", "⑦ 協定書・締結", "個別協定", "包括連携協定を締結", "取り下げ"):
        assert f">{heading} <span class=\"kanban__count\">" in html
    assert '<span class="kanban__count">1件</span>' in html


def test_sorting_links_keep_the_filters(as_user, cases):
    html = as_user("kanri").get("/board/?status=running").get_data(as_text=True)
    assert 'href="/board/?status=running&amp;sort=number"' in html


def test_an_organisation_sees_only_its_own_cases_and_no_figures(as_user, cases):
    client = as_user("shonan")
    html = client.get("/board/").get_data(as_text=True)
    assert numbers(html) == {cases["step5"].status().number}
    assert "集計" not in re.search(r'<nav class="site-nav".*?</nav>', html, re.S).group(0)
    assert client.get("/board/figures").status_code == 403
    assert client.get("/board/processes/comprehensive_agreement").status_code == 403
    assert client.get(f"/cases/{cases['step2'].case_id}").status_code == 404


def test_the_figures_page_draws_charts_and_tables(as_user, cases):
    html = as_user("kanri").get("/board/figures").get_data(as_text=True)
    assert html.count('<svg class="chart__svg"') == 4
    assert f"<th scope=\"row\">{fiscal_year_label(fiscal_year(japan_today()))}</th><td>3</td>" in html
    assert re.search(r"<th scope=\"row\">⑤ 環境・自然</th><td>5件</td><td>2件</td>", html)


def test_the_heat_view_shows_counts_and_lists_the_cases_of_a_step(as_user, cases):
    client = as_user("seisaku")
    html = client.get("/board/processes/comprehensive_agreement").get_data(as_text=True)
    assert 'data-heat-count="record_partnership">1件' in html
    listed = client.get("/board/processes/comprehensive_agreement?element=record_partnership").get_data(as_text=True)
    assert numbers(listed) == {cases["step2"].status().number}


def test_board_pages_accept_no_writes(as_user, cases):
    client = as_user("kanri")
    for path in ("/board/", "/board/figures", "/board/export.csv", f"/cases/{cases['step5'].case_id}"):
        assert client.post(path).status_code in (400, 405)  # no route takes a POST (400: refused before routing)


def test_the_menu_shows_the_board_and_figures_to_managers(as_user):
    nav = re.search(r'<nav class="site-nav".*?</nav>', as_user("kanri").get("/board/").get_data(as_text=True), re.S)
    assert "案件一覧" in nav.group(0) and "集計" in nav.group(0)


def test_a_failed_timer_is_marked_for_staff_with_its_error_on_the_case_page_and_hidden_from_the_partner(
        as_user, engine, cases):
    case_id = cases["step5"].case_id
    with engine.unit_of_work() as session:
        case = session.get(Case, case_id)
        case.timer_attempts, case.timer_error = 2, "ZeroDivisionError: division by zero"
    staff = as_user("kanri")
    listed = staff.get("/board/?timer_failed=1").get_data(as_text=True)
    assert numbers(listed) == {cases["step5"].status().number}
    assert "自動処理の失敗（2回）" in listed and 'id="filter-timer_failed" name="timer_failed" value="1" checked' in listed
    exported = staff.get("/board/export.csv?timer_failed=1").get_data().decode("utf-8-sig").splitlines()
    assert exported[0].endswith(",自動処理の失敗") and exported[1].endswith(",2回：ZeroDivisionError: division by zero")
    page = staff.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "この案件の自動処理（タイマー）が失敗しています（2回）" in page
    assert '<p class="error-detail">ZeroDivisionError: division by zero</p>' in page

    partner = as_user("shonan")  # the organisation of the case
    case_page, board = (partner.get(url).get_data(as_text=True) for url in (f"/cases/{case_id}", "/board/"))
    assert "タイマー）が失敗" not in case_page and "division by zero" not in case_page
    assert cases["step5"].status().number in numbers(board)  # the partner sees its case, without the failure
    assert "自動処理の失敗" not in board and "filter-timer_failed" not in board
