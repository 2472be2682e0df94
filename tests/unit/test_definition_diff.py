"""The semantic diff over real changes to the comprehensive agreement process (issue #13 item 4): each changed
property with its old and new value, and a drawing-only change told apart from a change of meaning."""

from __future__ import annotations

import re
from pathlib import Path

from engine.definitions.bundle import Bundle
from engine.definitions.diff import diff_files
from engine.definitions.semantic import fingerprint, layout_only
from tests.layout import reordered_and_nudged

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
BPMN = "comprehensive_agreement/comprehensive_agreement.bpmn"
LIFECYCLE = "agreement_lifecycle/agreement_lifecycle.bpmn"


def files() -> dict[str, str]:
    bundle = Bundle.from_folder(PROCESSES)
    return {name: data.decode("utf-8") for name, data in bundle.files.items()}


def changed(text_change, path: str = BPMN):
    before = files()
    after = {**before, path: text_change(before[path])}
    assert after[path] != before[path], "the mutation did not apply"
    return diff_files(before, after, 1)


def only_change(diff, element_id: str) -> dict[str, tuple[str | None, str | None]]:
    assert not diff.added and not diff.removed and not diff.layout_only
    [change] = [c for c in diff.changed if c.after.element_id == element_id]
    return {p.label: (p.before, p.after) for p in change.properties}


def test_a_renamed_task_shows_its_old_and_new_name():
    diff = changed(lambda t: t.replace('name="② 連携事業の実績を整理"', 'name="② 連携実績の整理"'))
    assert only_change(diff, "record_partnership") == {"名前": ("② 連携事業の実績を整理", "② 連携実績の整理")}


def test_a_task_moved_to_another_lane_shows_both_lanes():
    def move(text: str) -> str:
        text = text.replace("<bpmn:flowNodeRef>record_partnership</bpmn:flowNodeRef>", "", 1)
        lane = '<bpmn:lane id="lane_department" name="担当課">'
        return text.replace(lane, lane + "\n<bpmn:flowNodeRef>record_partnership</bpmn:flowNodeRef>")

    diff = changed(move)
    assert only_change(diff, "record_partnership") == {"レーン": ("総合政策課", "担当課")}
    assert [c.after.element_id for c in diff.moved] == ["record_partnership"]


def test_a_changed_condition_shows_the_old_and_new_expression():
    new = 'proposal_response in ("revise", "rework")'
    diff = changed(lambda t: t.replace('proposal_response == "revise"', new))
    [flow_id] = [c.after.element_id for c in diff.changed]
    assert only_change(diff, flow_id) == {
        "条件": ('proposal_response == "revise"', new)
    }


def test_a_changed_timer_shows_the_old_and_new_expression():
    def later(text: str) -> str:
        timer = r'(<bpmn:timerEventDefinition id="notice_window_closed_definition">\s*<bpmn:timeDate[^>]*>)'
        return re.sub(timer + r"[^<]*", r'\1schedule["late_window_closes_at"]', text)

    diff = changed(later, LIFECYCLE)
    [change] = diff.changed
    assert {p.label: (p.before, p.after) for p in change.properties} == {
        "タイマー": ('日時: schedule["notice_closes_at"]', '日時: schedule["late_window_closes_at"]')
    }


def test_a_changed_script_shows_a_line_diff():
    diff = changed(lambda t: t.replace(
        "fallback_projects = {pid: project_map[pid] for pid in partnership_projects}",
        "fallback_projects = {pid: project_map[pid] for pid in sorted(partnership_projects)}",
    ))
    [script] = [p for c in diff.changed for p in c.properties]
    assert script.label == "スクリプト" and script.long
    assert script.lines == [
        ("same", "partnership_projects, project_count, category_count = "
                 "tally_partnership_projects(projects, project_decisions)"),
        ("removed", "fallback_projects = {pid: project_map[pid] for pid in partnership_projects}"),
        ("added", "fallback_projects = {pid: project_map[pid] for pid in sorted(partnership_projects)}"),
    ]
    assert diff.changed[0].details == ["スクリプト: 変更"]


def test_a_repetition_made_sequential_shows_its_settings_before_and_after():
    loop = "<bpmn:multiInstanceLoopCharacteristics>\n        <bpmn:loopDataInputRef>feasible_projects"
    diff = changed(lambda t: t.replace(loop, loop.replace(">", ' isSequential="true">', 1)))
    before, after = only_change(diff, "decide_implementation")["繰り返し（マルチインスタンス）"]
    assert before.startswith("並行して\n入力コレクション: feasible_projects")
    assert after.startswith("順番に（1件ずつ）\n入力コレクション: feasible_projects")


def test_called_process_decision_and_default_flow_are_named_with_old_and_new_values():
    def retarget(text: str) -> str:
        text = text.replace('calledElement="individual_agreement"', 'calledElement="other_process"')
        text = text.replace('camunda:decisionRef="eligibility"', 'camunda:decisionRef="eligibility_2026"')
        return text.replace('default="flow_no_individual"', 'default="flow_individual_concluded"')

    diff = changed(retarget)
    assert only_change(diff, "individual_agreements") == {
        "呼び出すプロセス": ("individual_agreement", "other_process")
    }
    assert only_change(diff, "evaluate_eligibility") == {"判定表": ("eligibility", "eligibility_2026")}
    assert only_change(diff, "any_individual") == {
        "既定の分岐": ("flow_no_individual", "flow_individual_concluded")
    }


def test_a_new_form_reference_shows_both_forms():
    diff = changed(lambda t: t.replace(
        'id="record_partnership" name="② 連携事業の実績を整理" camunda:formRef="partnership_record"',
        'id="record_partnership" name="② 連携事業の実績を整理" camunda:formRef="proposal"',
    ))
    assert only_change(diff, "record_partnership") == {"フォーム": ("partnership_record", "proposal")}


def test_a_drawing_reordered_and_nudged_is_a_layout_only_change():
    before = files()
    after = {**before, BPMN: reordered_and_nudged(before[BPMN])}
    diff = diff_files(before, after, 1)
    assert diff.layout_only and diff.empty
    assert diff.markers(BPMN)["layout"] == ["record_partnership"]
    assert layout_only(before, after) and fingerprint(before) == fingerprint(after)


def test_process_elements_in_another_order_mean_the_same():
    before = files()
    text = before[BPMN]
    task = re.search(r"\s*<bpmn:userTask id=\"propose\".*?</bpmn:userTask>", text, flags=re.S).group(0)
    moved = text.replace(task, "", 1).replace("</bpmn:process>", task + "\n  </bpmn:process>", 1)
    assert layout_only(before, {**before, BPMN: moved})


def test_a_renamed_task_is_not_a_layout_only_change():
    before = files()
    after = {**before, BPMN: before[BPMN].replace("② 連携事業の実績を整理", "② 連携実績の整理")}
    assert not layout_only(before, after)
    assert not diff_files(before, after, 1).layout_only


def test_a_reordered_decision_table_is_a_change_of_meaning():
    before = files()
    path = "comprehensive_agreement/eligibility.dmn"
    rules = re.findall(r"\s*<rule id=.*?</rule>", before[path], flags=re.S)
    assert len(rules) >= 2
    swapped = before[path].replace(rules[0], "\0").replace(rules[1], rules[0]).replace("\0", rules[1])
    assert fingerprint(before) != fingerprint({**before, path: swapped})
