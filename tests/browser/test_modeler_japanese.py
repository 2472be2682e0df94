"""Issue #13 item 3 in real Chromium: a modeler process owners can work in, in Japanese.

bpmn-js, dmn-js and form-js's editor speak Japanese; the modeler opens on the whole diagram in a canvas as
wide as the window allows; multi-instance, the called process, the decision and documentation are edited in
the panel and land in the saved XML; a single .bpmn goes out and comes back in; the XML can be read; and
nothing is written to the browser console.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from engine.library.drafts import DraftService
from tests.browser.conftest import screenshot, sign_in

PROCESS = "comprehensive_agreement"
BPMN = f"{PROCESS}/{PROCESS}.bpmn"


@pytest.fixture
def console_errors(page: Page) -> list[str]:
    """What the page writes to the console as errors (tests clear it once signed in: the login page asks
    for a favicon Renkei does not have)."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def new_draft(live_server, title: str) -> int:
    return DraftService(live_server.engine).create(live_server.engine.actor("process"), PROCESS, title)


def saved_bpmn(live_server, draft: int) -> str:
    return DraftService(live_server.engine).editor(live_server.engine.actor("process"), draft, BPMN).text


def open_modeler(page: Page, live_server, draft: int) -> None:
    page.goto(f"{live_server.url}/processes/drafts/{draft}/modeler?file={BPMN}")
    expect(page.locator("#element-picker option")).not_to_have_count(1)


def choose(page: Page, label: str) -> None:
    page.get_by_label("要素を選ぶ").select_option(label=label)


def box(page: Page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


def test_the_modeler_speaks_japanese_and_opens_on_the_whole_diagram(page, live_server, console_errors):
    draft = new_draft(live_server, "日本語のモデラー")
    sign_in(page, live_server, "process")
    console_errors.clear()
    open_modeler(page, live_server, draft)

    palette = page.locator(".djs-palette")
    expect(palette.get_by_label("タスクを作成")).to_be_visible()
    expect(palette.get_by_label("手のひらツール（画面の移動）")).to_be_visible()
    expect(palette.locator('[aria-label*="Create"], [aria-label*="Activate"]')).to_have_count(0)

    # the canvas takes the window's width beside the panel, and every lane is in view, clear of the palette
    canvas, panel = box(page, "#canvas"), box(page, ".properties")
    assert canvas["width"] + panel["width"] > 1280 - 120, (canvas, panel)
    palette_box = palette.bounding_box()
    lane_ids = page.evaluate(
        "() => window.renkeiModeler.get('elementRegistry').filter((e) => e.type === 'bpmn:Lane').map((e) => e.id)"
    )
    assert len(lane_ids) == 3
    for lane_id in lane_ids:
        lane = box(page, f'.djs-element[data-element-id="{lane_id}"] .djs-visual')
        assert lane["x"] >= palette_box["x"] + palette_box["width"], (lane_id, lane, palette_box)
        assert lane["x"] + lane["width"] <= canvas["x"] + canvas["width"] + 1, (lane_id, lane, canvas)
        assert canvas["y"] - 1 <= lane["y"] and lane["y"] + lane["height"] <= canvas["y"] + canvas["height"] + 1

    choose(page, "② 連携事業の実績を整理 ・ record_partnership")
    properties = page.locator("#properties")
    expect(properties).to_contain_text("ユーザータスク（ID: record_partnership）")
    context_pad = page.locator(".djs-context-pad")
    expect(context_pad.locator('[title="タスクを追加"]')).to_be_visible()
    expect(context_pad.locator('[title="削除"]')).to_be_visible()
    expect(context_pad.locator('[title="要素の種類を変更"]')).to_be_visible()
    context_pad.locator('[title="要素の種類を変更"]').click()
    menu = page.locator(".djs-popup")
    expect(menu).to_contain_text("スクリプトタスク")
    expect(menu.locator('[title="並列マルチインスタンス"]')).to_be_visible()
    page.keyboard.press("Escape")
    palette.get_by_label("タスクを作成").hover()
    expect(page.locator(".djs-palette-tooltip-label")).to_have_text("タスクを作成")
    screenshot(page, "modeler-palette-tooltip")

    choose(page, "⑥ 要件（事業数・分類数）の判定 ・ evaluate_eligibility")
    expect(properties).to_contain_text("ビジネスルールタスク（ID: evaluate_eligibility）")
    decision = properties.get_by_label("判定表（camunda:decisionRef）")
    expect(decision.locator("option:checked")).to_have_text(re.compile(r"（eligibility）$"))
    screenshot(page, "modeler-panel")
    assert console_errors == []


def test_repetition_called_process_and_documentation_edited_in_the_panel_are_saved(page, live_server, console_errors):
    draft = new_draft(live_server, "④を事業ごとに")
    sign_in(page, live_server, "process")
    console_errors.clear()
    open_modeler(page, live_server, draft)
    properties = page.locator("#properties")

    choose(page, "④ 連携事業の実施可否に関する協議 ・ consult_feasibility")
    properties.get_by_label("繰り返し（マルチインスタンス）").select_option(label="並列に繰り返す（マルチインスタンス）")
    for label, value in (
        ("繰り返す集合（loopDataInputRef）", "project_map"),
        ("各回の要素の変数（inputDataItem）", "consulted_project"),
        ("結果を集める変数（loopDataOutputRef）", "feasibility_results"),
        ("各回の結果の変数（outputDataItem）", "feasibility_result"),
    ):
        properties.get_by_label(label).fill(value)
        properties.get_by_label(label).press("Tab")
    properties.get_by_label("説明（documentation）").fill("R-5.4 ④: 事業ごとに担当課と協議する。")
    properties.get_by_label("説明（documentation）").press("Tab")

    choose(page, "個別協定の協議（連携事業ごと） ・ individual_agreements")
    expect(properties).to_contain_text("呼び出しアクティビティ（ID: individual_agreements）")
    called = properties.get_by_label("呼び出すプロセス（calledElement）")
    expect(called).to_have_value("individual_agreement")
    expect(called.locator("option")).to_contain_text(["（プロセスを選んでください）"])
    expect(properties.get_by_label("繰り返す集合（loopDataInputRef）")).to_have_value("fallback_projects")
    expect(properties.get_by_label("各回の要素の変数（inputDataItem）")).to_have_value("project")
    screenshot(page, "modeler-panel-repetition")

    page.get_by_role("button", name="下書きを保存").click()
    expect(page.locator("#save-status")).to_contain_text("下書きを保存しました")
    xml = saved_bpmn(live_server, draft)
    consult = xml[xml.index('<bpmn:userTask id="consult_feasibility"'):]
    consult = consult[: consult.index("</bpmn:userTask>")]
    assert "<bpmn:documentation>R-5.4 ④: 事業ごとに担当課と協議する。</bpmn:documentation>" in consult
    assert "<bpmn:multiInstanceLoopCharacteristics>" in consult  # parallel: no isSequential
    assert "<bpmn:loopDataInputRef>project_map</bpmn:loopDataInputRef>" in consult
    assert "<bpmn:loopDataOutputRef>feasibility_results</bpmn:loopDataOutputRef>" in consult
    assert '<bpmn:inputDataItem id="consulted_project" name="consulted_project" />' in consult
    assert '<bpmn:outputDataItem id="feasibility_result" name="feasibility_result" />' in consult

    # opened again, the panel reads what was saved
    open_modeler(page, live_server, draft)
    choose(page, "④ 連携事業の実施可否に関する協議 ・ consult_feasibility")
    expect(properties.get_by_label("繰り返し（マルチインスタンス）")).to_have_value("parallel")
    expect(properties.get_by_label("各回の要素の変数（inputDataItem）")).to_have_value("consulted_project")
    properties.get_by_label("繰り返し（マルチインスタンス）").select_option(label="順に繰り返す（マルチインスタンス）")
    page.get_by_role("button", name="下書きを保存").click()
    expect(page.locator("#save-status")).to_contain_text("下書きを保存しました")
    assert '<bpmn:multiInstanceLoopCharacteristics isSequential="true">' in saved_bpmn(live_server, draft)
    assert console_errors == []


def test_a_single_bpmn_file_is_downloaded_read_back_in_and_its_xml_shown(page, live_server, tmp_path, console_errors):
    draft = new_draft(live_server, "ファイルで編集")
    sign_in(page, live_server, "process")
    console_errors.clear()
    open_modeler(page, live_server, draft)

    with page.expect_download() as download:
        page.get_by_role("button", name=".bpmn ファイルをダウンロード").click()
    assert download.value.suggested_filename == f"{PROCESS}.bpmn"
    downloaded = tmp_path / "downloaded.bpmn"
    download.value.save_as(downloaded)
    text = downloaded.read_text(encoding="utf-8")
    assert f'<bpmn:process id="{PROCESS}"' in text

    edited = tmp_path / f"{PROCESS}.bpmn"
    edited.write_text(text.replace("② 連携事業の実績を整理", "② 実績の整理（Camunda Modeler で変更）"), encoding="utf-8")
    page.get_by_label(".bpmn ファイルを読み込む").set_input_files(str(edited))
    expect(page.locator("#save-status")).to_contain_text(f"「{PROCESS}.bpmn」を読み込みました")
    expect(page.locator("#canvas")).to_contain_text("Camunda Modeler で変更")

    xml_view = page.locator("#xml-view")
    xml_view.get_by_text("XML を表示（読み取り専用）").click()
    expect(xml_view.locator("pre")).to_contain_text("② 実績の整理（Camunda Modeler で変更）")
    expect(xml_view.locator("pre")).not_to_have_attribute("contenteditable", re.compile("."))

    page.get_by_role("button", name="下書きを保存").click()
    expect(page.locator("#save-status")).to_contain_text("下書きを保存しました")
    assert "② 実績の整理（Camunda Modeler で変更）" in saved_bpmn(live_server, draft)

    broken = tmp_path / "broken.bpmn"
    broken.write_text("<definitions", encoding="utf-8")
    page.get_by_label(".bpmn ファイルを読み込む").set_input_files(str(broken))
    expect(page.locator("#save-status")).to_contain_text("「broken.bpmn」を開けません")
    expect(page.locator("#canvas")).to_contain_text("Camunda Modeler で変更")
    screenshot(page, "modeler-xml-view")
    assert [e for e in console_errors if "unparsable content" not in e] == []


def test_the_form_editor_and_the_decision_table_speak_japanese(page, live_server, console_errors):
    draft = new_draft(live_server, "様式と判定表を日本語で")
    sign_in(page, live_server, "process")
    console_errors.clear()
    page.goto(f"{live_server.url}/processes/drafts/{draft}/form?file={PROCESS}/forms/proposal.form")
    editor = page.locator("#form-editor")
    expect(editor.locator(".fjs-palette-container")).to_contain_text("部品")
    expect(editor.get_by_placeholder("部品を検索")).to_be_visible()
    expect(editor.locator(".fjs-palette-container")).to_contain_text("テキストエリア")
    assert console_errors == []
    editor.locator(".fjs-form-field-textfield").first.click()
    expect(editor.locator(".fjs-properties-container")).to_contain_text("全般")
    expect(editor.locator(".fjs-properties-container")).to_contain_text("ラベル")
    screenshot(page, "form-editor")
    assert console_errors == []  # the panel's code fields (CodeMirror) add <style> elements, allowed on this page
    console_errors.clear()

    page.goto(f"{live_server.url}/processes/drafts/{draft}/decision?file={PROCESS}/eligibility.dmn")
    table = page.locator("#decision-editor")
    expect(table.locator(".tjs-table")).to_be_visible()
    expect(table).to_contain_text("ヒットポリシー")
    expect(table).to_contain_text("条件")
    expect(table).to_contain_text("結果")
    screenshot(page, "decision-table")
    assert console_errors == []
