"""Issue #6 items 1, 4 and 5: files in and out of drafts, the difference to a version, scenario editing."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from engine.definitions.archive import place_file, read_zip, write_zip
from engine.definitions.diff import diff_files
from engine.definitions.scenario_files import scenario_problems
from engine.errors import FormDataError
from tests.diagrams import tiny_bpmn

TINY = {"tiny/tiny.bpmn": tiny_bpmn(), "tiny/forms/note.form": '{"id": "note"}', "tiny/process.json": "{}"}


def zipped(entries: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in entries.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_a_downloaded_version_uploads_back_unchanged():
    assert read_zip(write_zip(TINY), None) == ("tiny", TINY)
    assert write_zip(TINY) == write_zip(dict(reversed(TINY.items())))  # the same version, the same bytes


def test_a_zip_of_one_process_folders_contents_goes_into_the_chosen_process():
    process, files = read_zip(zipped({"tiny.bpmn": tiny_bpmn(), "forms/note.form": "{}"}), "tiny")
    assert (process, sorted(files)) == ("tiny", ["tiny/forms/note.form", "tiny/tiny.bpmn"])


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ({"../evil.bpmn": "x"}, "フォルダの外は指定できません"),
        ({"/etc/evil.bpmn": "x"}, "フォルダの外は指定できません"),
        ({"tiny/tiny.bpmn": tiny_bpmn(), "tiny/run.py": "print()"}, "対応していない種類のファイル"),
        ({"tiny.bpmn": tiny_bpmn()}, "アップロード先のプロセスを選んでください"),
    ],
)
def test_a_zip_that_names_files_outside_the_process_or_of_other_kinds_is_refused(entries, message):
    with pytest.raises(FormDataError) as error:
        read_zip(zipped(entries), None)
    assert message in error.value.errors["file"]


def test_a_file_that_is_not_a_zip_is_refused():
    with pytest.raises(FormDataError, match="zip ファイルとして読めません"):
        read_zip(b"PK not really", "tiny")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("tiny.bpmn", "tiny/tiny.bpmn"),
        ("eligibility.dmn", "tiny/eligibility.dmn"),
        ("note.form", "tiny/forms/note.form"),
        ("done.json", "tiny/scenarios/done.json"),
        ("process.json", "tiny/process.json"),
        ("C:\\Users\\me\\note.form", "tiny/forms/note.form"),
    ],
)
def test_a_single_uploaded_file_lands_where_its_kind_lives(name, expected):
    assert place_file(name, tiny_bpmn(), "tiny") == ("tiny", expected)


def test_a_bpmn_file_names_its_process_itself():
    assert place_file("anything.bpmn", tiny_bpmn(), None) == ("tiny", "tiny/tiny.bpmn")


def test_the_difference_names_added_removed_moved_renamed_and_form_changes():
    after = dict(TINY)
    after["tiny/tiny.bpmn"] = (
        tiny_bpmn(lane="担当課", form_ref="memo")
        .replace('name="① 作業"', 'name="① 入力"')
        .replace('id="end2" name="中止"', 'id="end3" name="中止"')
    )
    after["tiny/forms/note.form"] = '{"id": "note", "components": []}'
    diff = diff_files(TINY, after, base_version=3)
    assert [e.element_id for e in diff.added] == ["end3"] and [e.element_id for e in diff.removed] == ["end2"]
    assert {c.after.element_id for c in diff.moved} >= {"work", "check", "gw"}
    work = next(c for c in diff.changed if c.after.element_id == "work")
    assert work.details == ["名前: ① 作業 → ① 入力", "レーン: 総合政策課 → 担当課", "フォーム: note → memo"]
    assert [(f.path, f.change) for f in diff.forms] == [("tiny/forms/note.form", "変更")]


def test_a_changed_script_or_condition_shows_its_old_and_new_text_and_no_change_is_empty():
    after = {**TINY, "tiny/tiny.bpmn": tiny_bpmn(script="checked = False", condition="not checked")}
    diff = diff_files(TINY, after, 1)
    assert {c.after.element_id: c.details for c in diff.changed} == {
        "check": ["スクリプト: checked = True → checked = False"],
        "f3": ["条件: checked → not checked"],
    }
    assert diff_files(TINY, dict(TINY), 1).empty


TASKS = {"work": "① 作業"}


def test_a_well_formed_scenario_can_be_saved():
    scenario = {
        "name": "作業して完了",
        "steps": [{"task": "work", "data": {"note": "x"}}],
        "expect": {"outcome": "concluded"},
    }
    assert scenario_problems(json.dumps(scenario), TASKS) == []


def test_a_scenario_may_say_that_a_message_arrives_or_a_timer_comes_due():
    scenario = {
        "name": "申出が届き、期間満了を迎える",
        "steps": [{"message": "termination_notice", "payload": {"given_on": "2027-02-10"}},
                  {"message": "termination_notice", "payload": {}, "expect_refused": True},
                  {"timer": "wait_renewal"}],
    }
    assert scenario_problems(json.dumps(scenario, ensure_ascii=False), TASKS) == []


@pytest.mark.parametrize(
    ("scenario", "message"),
    [
        ('{"name": "x", "steps": [', "JSON として読めません（1行目"),
        ({"steps": [{"task": "work"}]}, "「name」にシナリオの説明"),
        ({"name": "x", "steps": []}, "「steps」に手順を1つ以上"),
        (
            {"name": "x", "steps": [{"task": "work"}, {"task": "approve"}]},
            "手順2: タスク「approve」はこのプロセスのユーザータスクにありません",
        ),
        ({"name": "x", "steps": [{"task": "work", "lane": "営業部"}]}, "手順1: 「lane」は"),
        ({"name": "x", "steps": [{"task": "work"}], "expect": {"outcome": "done"}}, "「expect.outcome」は"),
        ({"name": "x", "steps": [{"message": ""}]}, "手順1: 「message」にはメッセージ名を"),
        ({"name": "x", "steps": [{"message": "m", "payload": []}]}, "手順1: 「payload」は { 項目: 値 }"),
        ({"name": "x", "steps": [{"timer": "t", "data": {}}]}, "手順1: 使えない項目があります: data"),
        ({"name": "x", "steps": [{"task": "work"}], "dates": {"today": "令和7年6月15日"}}, "「dates.today」は"),
        ({"name": "x", "steps": [{"task": "work"}], "dates": {"yesterday": "2025-06-15"}}, "「dates」は"),
    ],
)
def test_a_scenario_with_a_mistake_is_refused_naming_the_step(scenario, message):
    text = scenario if isinstance(scenario, str) else json.dumps(scenario, ensure_ascii=False)
    assert any(message in problem for problem in scenario_problems(text, TASKS))
