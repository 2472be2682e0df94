"""The task page renders its Camunda Forms definition with Jinja2 (issue #3 items 5–6)."""

from __future__ import annotations

import re

from markupsafe import Markup

from engine.access import SYSTEM
from tests.integration.flow import FOUR_PROJECTS_THREE_CATEGORIES, Flow
from web.tasks.form_view import FormView

EVERY_COMPONENT = {
    "id": "every_component", "type": "default", "components": [
        {"type": "text", "text": "### 説明 {{ organisation_name }}\n- **太字** の項目"},
        {"type": "textfield", "key": "title", "label": "件名", "validate": {"required": True, "maxLength": 20},
         "description": "20文字以内"},
        {"type": "textarea", "key": "summary", "label": "概要"},
        {"type": "number", "key": "year", "label": "年度", "decimalDigits": 0},
        {"type": "datetime", "subtype": "date", "key": "held_on", "label": "開催日"},
        {"type": "checkbox", "key": "agree", "label": "同意する"},
        {"type": "radio", "key": "answer", "label": "回答", "values": [{"label": "はい", "value": "yes"},
                                                                     {"label": "いいえ", "value": "no"}]},
        {"type": "select", "key": "department", "label": "担当課", "valuesKey": "departments"},
        {"type": "checklist", "key": "tags", "label": "該当", "values": [{"label": "一", "value": "1"},
                                                                       {"label": "二", "value": "2"}]},
        {"type": "separator"},
        {"type": "spacer"},
        {"type": "group", "label": "まとめ", "components": [
            {"type": "textfield", "key": "flat", "label": "同じ階層", "readonly": True}]},
        {"type": "group", "path": "detail", "label": "詳細", "components": [
            {"type": "textfield", "key": "note", "label": "備考",
             "conditional": {"hide": "=answer != \"no\""}}]},
        {"type": "dynamiclist", "path": "rows", "label": "明細", "allowAddRemove": True, "defaultRepetitions": 1,
         "components": [{"type": "textfield", "key": "name", "label": "名称"}]},
    ],
}


def render(app, view: FormView) -> str:
    with app.test_request_context():
        return str(app.jinja_env.get_template("forms/macros.html").module.render(view))


def test_every_component_type_is_rendered_with_a_label_for_each_input(app):
    data = {"organisation_name": "湘南<サンプル>", "flat": "固定値", "tags": ["2"], "answer": "yes"}
    options = {"departments": [{"label": "環境政策課", "value": "kankyo"}]}
    html = render(app, FormView(EVERY_COMPONENT, data, data, options))
    assert "<h2>説明 湘南&lt;サンプル&gt;</h2>" in html and "<li><strong>太字</strong> の項目</li>" in html
    assert '<span class="required">※必須</span>' in html and 'aria-describedby="f-title-help"' in html
    assert '<option value="kankyo">環境政策課</option>' in html
    assert re.search(r'value="2" checked', html) and 'name="flat"' in html and "readonly" in html
    assert 'name="detail.note"' in html and 'name="rows.0.name"' in html and "<template data-row-template>" in html
    assert '<hr class="form-separator">' in html and 'class="form-spacer"' in html
    assert re.search(r'data-hide="=answer != &#34;no&#34;" hidden', html)  # hidden on the server already
    for input_id in re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', html):
        assert f'for="{input_id}"' in html or f'id="{input_id}"' in html and "fieldset" in html, input_id


def test_errors_sit_next_to_their_field_and_are_linked(app):
    view = FormView(EVERY_COMPONENT, {"title": "<b>x</b>"}, {}, {}, errors={"title": "入力してください",
                                                                           "rows.0.name": "長すぎます"})
    html = render(app, view)
    assert 'aria-describedby="f-title-help f-title-error" aria-invalid="true"' in html
    assert '<p class="field__error" id="f-rows-0-name-error">長すぎます</p>' in html
    assert 'value="&lt;b&gt;x&lt;/b&gt;"' in html
    assert view.error_list()[0] == ("f-title", "件名", "入力してください")
    assert view.error_list()[1] == ("f-rows-0-name", "名称（明細 1行目）", "長すぎます")


def test_an_error_on_a_choice_group_links_to_its_first_option_which_can_take_the_focus(app):
    view = FormView(EVERY_COMPONENT, {}, {}, {}, errors={"answer": "選んでください", "tags": "1つ以上選んでください"})
    html = render(app, view)
    assert [anchor for anchor, _, _ in view.error_list()] == ["f-answer-1", "f-tags-1"]
    assert 'id="f-answer-1"' in html and 'id="f-tags-1"' in html


def test_a_disabled_form_shows_values_but_accepts_nothing(app):
    html = render(app, FormView(EVERY_COMPONENT, {"title": "済"}, {}, {}, disabled=True))
    assert 'value="済"' in html and " disabled" in html and "data-add-row" not in html


def test_the_proposal_form_page_has_the_step_the_case_and_required_marks(engine, as_user):
    flow = Flow(engine).start()
    page = as_user("shonan").get(f"/tasks/{flow.task('propose').id}").get_data(as_text=True)
    assert "<h1 class=\"heading-1\">① 連携事業の提案</h1>" in page
    assert page.count("※必須") >= 6 and "提案名" in page and "連携事業 <span data-row-number>1</span>行目" in page
    assert "湘南サンプル株式会社" in page and "案件の概要" in page and "送信して完了する" in page
    assert "/static/js/task-form.js" in page and "https://" not in page.split("<footer")[0].replace(
        'xmlns="https://', "")


def test_step_3_offers_the_departments_and_keeps_the_project_ids(engine, as_user):
    flow = Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES).record_partnership()
    page = as_user("seisaku").get(f"/tasks/{flow.task('assign_departments').id}").get_data(as_text=True)
    assert '<option value="kankyo">環境政策課</option>' in page
    assert 'name="projects.3.id"' in page and 'value="P4" readonly' in page


def test_step_6_hides_the_principle_exception_when_the_requirements_are_met(engine, as_user):
    flow = Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES).record_partnership()
    flow.assign_departments(FOUR_PROJECTS_THREE_CATEGORIES).consult_feasibility()
    for key in ("P1", "P2", "P3", "P4"):
        flow.decide(key)
    page = as_user("seisaku").get(f"/tasks/{flow.task('judge_necessity').id}").get_data(as_text=True)
    assert re.search(r'data-hide="=eligible = true" hidden', page)
    assert "4 事業・3 分類" in page  # counts from the case data, in the text component


def test_a_completed_task_page_shows_what_was_sent_read_only(engine, as_user):
    flow = Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES)
    task_id = engine.case_status(SYSTEM, flow.case_id).history[-1].task_id
    page = as_user("shonan").get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "このタスクは完了しています。" in page and "送信して完了する" not in page
    assert re.search(r'value="地域課題の解決に向けた連携"[^>]*disabled', page)
    assert re.search(r'value="P4" readonly[^>]*disabled', page)


def test_markup_is_what_the_macros_return():
    assert isinstance(FormView(EVERY_COMPONENT, {}, {}, {}).text(EVERY_COMPONENT["components"][0]), Markup)


def test_a_date_is_read_back_as_reiwa_with_the_iso_date_beside_it(app):
    form = {"components": [{"type": "datetime", "subtype": "date", "key": "signed_on", "label": "締結日"}]}
    html = render(app, FormView(form, {"signed_on": "R7.10.1"}, {}, {}))
    assert "令和7年10月1日（2025-10-01）" in html and 'value="R7.10.1"' in html


def test_pages_load_nothing_from_another_site(engine, as_user):
    flow = Flow(engine).start()
    client = as_user("shonan")
    for path in ("/inbox/", f"/tasks/{flow.task('propose').id}"):
        page = client.get(path).get_data(as_text=True)
        for url in re.findall(r'(?:src|href)="([^"]*)"', page):
            assert url.startswith(("/", "#")), f"{path} refers to {url}"
    for css in ("inbox.css", "tasks.css"):
        assert "url(http" not in client.get(f"/static/css/{css}").get_data(as_text=True)
