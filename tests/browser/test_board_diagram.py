"""The board, the live diagram and the figures in real Chromium (issue #4), with screenshots as artefacts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.persistence.models import Case
from tests.browser.conftest import screenshot, sign_in
from tests.integration.board_cases import at_step_2, at_step_5, concluded, fallen_back


@pytest.fixture
def cases(live_server):
    engine = live_server.engine
    return {"step5": at_step_5(engine, "shonan"), "step2": at_step_2(engine, "mirai"),
            "fallback": fallen_back(engine, "digital"), "done": concluded(engine, "umibe")}


def element_classes(page, element_id: str) -> str:
    return page.locator(f'.djs-element[data-element-id="{element_id}"]').first.get_attribute("class")


def open_case(page, server, case_id: int) -> None:
    page.goto(f"{server.url}/cases/{case_id}")
    page.wait_for_selector('[data-case-diagram][data-ready="true"]')


def test_the_diagram_of_a_case_in_step_5_marks_2_and_3_completed_and_5_current(page, live_server, cases):
    sign_in(page, live_server, "kanri")
    open_case(page, live_server, cases["step5"].case_id)
    for completed in ("propose", "record_partnership", "assign_departments", "consult_feasibility"):
        assert "is-completed" in element_classes(page, completed)
        assert "is-current" not in element_classes(page, completed)
    assert "is-current" in element_classes(page, "decide_implementation")
    assert "is-completed" not in element_classes(page, "judge_necessity")
    assert "is-current" not in element_classes(page, "judge_necessity")
    badge = page.locator('.djs-overlays[data-container-id="decide_implementation"] .diagram-badge')
    assert badge.inner_text() == "1/3 完了"
    screenshot(page, "case-diagram-step5")


def test_a_click_on_a_completed_step_shows_its_history_entry(page, live_server, cases):
    sign_in(page, live_server, "kanri")
    open_case(page, live_server, cases["step5"].case_id)
    page.get_by_role("button", name="全体を表示").click()
    page.locator('.djs-element[data-element-id="record_partnership"]').first.click()
    panel = page.locator('[data-element-panel="record_partnership"]')
    panel.wait_for(state="visible")
    text = panel.inner_text()
    assert "② 連携事業の実績を整理" in text and "総合政策課 政策 一郎" in text
    assert "実績の整理（所見）" in text and "過去の連携実績なし" in text  # the form's label, not record_notes
    assert page.locator('[data-element-panel="assign_departments"]').is_hidden()
    screenshot(page, "case-diagram-step-history")


def test_the_step_list_opens_the_same_history_with_the_keyboard(page, live_server, cases):
    sign_in(page, live_server, "kanri")
    open_case(page, live_server, cases["step5"].case_id)
    button = page.get_by_role("button", name="⑤ 個別協議・事業実施の判断").first
    button.focus()
    page.keyboard.press("Enter")
    panel = page.locator('[data-element-panel="decide_implementation"]').first
    panel.wait_for(state="visible")
    assert "3件中1件完了" in panel.inner_text() and "こども育成相談課 職員" in panel.inner_text()


def test_a_fallen_back_case_shows_the_individual_agreement_diagram_too(page, live_server, cases):
    sign_in(page, live_server, "seisaku")
    open_case(page, live_server, cases["fallback"].case_id)
    diagrams = page.locator("[data-case-diagram]")
    assert diagrams.count() == 2
    page.wait_for_function("document.querySelectorAll('[data-case-diagram][data-ready=\"true\"]').length === 2")
    assert "is-current" in element_classes(page, "individual_agreements")
    assert "is-current" in element_classes(page, "negotiate_terms")


def test_the_board_filter_by_department_narrows_the_list(page, live_server, cases):
    sign_in(page, live_server, "kanri")
    page.goto(f"{live_server.url}/board/")
    rows = page.locator(".board-table tbody tr")
    assert rows.count() == 4
    screenshot(page, "board-table")
    page.get_by_label("課（担当・待ち先）").select_option("kodomo")
    page.get_by_role("button", name="絞り込む").click()
    page.wait_for_url("**department=kodomo**")
    numbers = {cases[key].status().number for key in ("step5", "fallback", "done")}
    assert set(rows.locator("td:first-child").all_inner_texts()) == numbers
    page.get_by_label("課（担当・待ち先）").select_option("kikaku")
    page.get_by_role("button", name="絞り込む").click()
    page.wait_for_url("**department=kikaku**")
    assert rows.locator("td:first-child").all_inner_texts() == [cases["step2"].status().number]


def test_the_kanban_on_a_narrow_screen(page, live_server, cases):
    sign_in(page, live_server, "kanri")
    page.goto(f"{live_server.url}/board/?view=kanban")
    column = page.locator("#kanban-5").locator("xpath=..")
    assert "3件中1件完了" in column.inner_text()
    screenshot(page, "board-kanban")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/board/")
    assert page.locator(".board-table thead").bounding_box()["width"] <= 1
    screenshot(page, "board-narrow")


def test_the_heat_view_shows_the_right_counts_and_lists_a_steps_cases(page, live_server, cases):
    at_step_2(live_server.engine, "shonan")  # a second case waiting at ②
    sign_in(page, live_server, "kanri")
    page.goto(f"{live_server.url}/board/processes/comprehensive_agreement")
    page.wait_for_selector('[data-heat-diagram][data-ready="true"]')
    badge = page.locator('.djs-overlays[data-container-id="record_partnership"] .diagram-badge')
    assert badge.inner_text() == "2件"
    assert page.locator('.djs-overlays[data-container-id="decide_implementation"] .diagram-badge').inner_text() == "1件"
    assert page.locator('.djs-overlays[data-container-id="individual_agreements"] .diagram-badge').inner_text() == "1件"
    assert "heat-4" in element_classes(page, "record_partnership")
    screenshot(page, "heat-view")
    page.locator('.djs-element[data-element-id="record_partnership"]').first.click()
    page.wait_for_url("**element=record_partnership**")
    listed = page.locator("#heat-cases tbody tr")
    assert listed.count() == 2


def test_the_figures_page_with_charts_and_tables(page, live_server, cases):
    sign_in(page, live_server, "kanri")
    page.goto(f"{live_server.url}/board/figures")
    assert page.locator("svg.chart__svg").count() == 4
    assert page.locator('svg[data-chart="categories"] rect.chart__bar').count() == 14  # 7 categories × 2 series
    screenshot(page, "figures")


def test_a_manager_finds_the_case_whose_timer_failed_with_one_filter_and_reads_the_error(page, live_server, cases):
    with live_server.engine.unit_of_work() as session:  # as engine.cases.timers records a failed firing
        case = session.get(Case, cases["step5"].case_id)
        case.timer_attempts, case.timer_error = 2, "ZeroDivisionError: division by zero"
        case.timer_retry_at = live_server.engine.clock() + timedelta(minutes=2)
    sign_in(page, live_server, "kanri")
    page.goto(f"{live_server.url}/board/")
    page.get_by_label("自動処理が失敗している案件のみ").check()
    page.get_by_role("button", name="絞り込む").click()
    rows = page.locator(".board-table tbody tr")
    assert rows.count() == 1
    assert "自動処理の失敗（2回）" in rows.first.inner_text()
    screenshot(page, "board-timer-failed")
    rows.first.get_by_role("link").first.click()
    alert = page.get_by_role("alert")
    assert "自動処理（タイマー）が失敗しています（2回）" in alert.inner_text()
    assert "ZeroDivisionError: division by zero" in alert.inner_text() and "次の再試行：令和" in alert.inner_text()
    screenshot(page, "case-timer-failed")
