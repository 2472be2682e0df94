"""Reading a posted task form into the nested data of its form-js definition, and the text components."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from web.tasks.form_input import apply_row_action, field_labels, parse_form
from web.tasks.markup import render_text


def test_dotted_names_become_groups_and_rows_in_row_number_order():
    form = MultiDict([("csrf_token", "t"), ("_case_version", "3"), ("proposal_title", "提案"),
                      ("projects.10.__row", ""), ("projects.10.title", "後"), ("projects.2.__row", ""),
                      ("projects.2.title", "前"), ("project_decision.reason", "理由")])
    assert parse_form(form) == {"proposal_title": "提案", "projects": [{"title": "前"}, {"title": "後"}],
                                "project_decision": {"reason": "理由"}}


def test_a_checklist_posts_a_list_and_a_checkbox_is_true_or_false():
    form = MultiDict([("d.exclusions", "1"), ("d.exclusions", "4"), ("_checkbox", "principle_exception"),
                      ("_checkbox", "agree"), ("agree", "true")])
    assert parse_form(form) == {"d": {"exclusions": ["1", "4"]}, "principle_exception": False, "agree": True}


def test_a_row_with_nothing_ticked_still_counts():
    assert parse_form(MultiDict([("rows.0.__row", "")])) == {"rows": [{}]}


def test_rows_are_added_and_removed_without_javascript():
    data = {"projects": [{"title": "一"}, {"title": "二"}]}
    assert apply_row_action(data, "add:projects")["projects"][-1] == {}
    assert [r.get("title") for r in apply_row_action(data, "remove:projects.0")["projects"]] == ["二", None]
    assert apply_row_action({}, "add:past_records") == {"past_records": [{}]}
    assert apply_row_action({"x": "1"}, "remove:x.9") == {"x": "1"}  # nonsense is ignored


def test_labels_name_the_row_a_field_is_in():
    components = [{"type": "dynamiclist", "path": "projects", "label": "連携事業", "components": [
        {"type": "textfield", "key": "title", "label": "事業名"}]}]
    labels = field_labels(components, {"projects": [{}, {}]})
    assert labels["projects.1.title"] == ("事業名（連携事業 2行目）", "textfield")
    assert labels["projects"] == ("連携事業", "dynamiclist")


def test_text_components_render_markdown_and_escape_case_values():
    html = render_text("### ⑤ 判断\n連携事業「**{{ p.title }}**」\n\n- {{ missing }}項目\n- 二つ目",
                       {"p": {"title": "<b>見守り**</b>"}})
    assert html == ("<h2>⑤ 判断</h2><p>連携事業「<strong>&lt;b&gt;見守り**&lt;/b&gt;</strong>」</p>"
                    "<ul><li>項目</li><li>二つ目</li></ul>")


def test_a_multi_line_value_keeps_its_line_breaks_and_html_in_the_template_is_escaped():
    html = render_text("<i>注</i> {{ terms }}", {"terms": "第1条\n第2条"})
    assert html == "<p>&lt;i&gt;注&lt;/i&gt; 第1条<br>第2条</p>"
