"""Issue #14 item 3: what an upload or a deploy folder may hold — ids in the id grammar, no symbolic links,
zips read within a byte budget, JSON within a nesting limit. Each refusal names the file or value."""

from __future__ import annotations

import io
import json
import struct
import zipfile

import pytest

from engine.config import UploadLimits
from engine.definitions.archive import place_file, read_zip, write_zip
from engine.definitions.bounded_json import JsonLimitError, read_json
from engine.definitions.bundle import Bundle
from engine.definitions.scenario_files import scenario_problems
from engine.errors import DefinitionError, FormDataError
from engine.forms.definition import load_form
from tests.diagrams import tiny_bpmn

DEEP = "[" * 5000 + "]" * 5000  # far past Python's recursion limit when parsed recursively


def zipped(entries: dict[str, bytes | str], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def understated(content: bytes, stated_size: int) -> bytes:
    """The zip with every central-directory entry claiming ``stated_size`` bytes once decompressed."""
    data = bytearray(content)
    at = data.find(b"PK\x01\x02")
    while at != -1:
        struct.pack_into("<I", data, at + 24, stated_size)  # uncompressed size
        at = data.find(b"PK\x01\x02", at + 4)
    return bytes(data)


# --- the id grammar ---------------------------------------------------------------------------------------
BAD_IDS = ["../evil", "tiny/../../evil", 'a"b', "a b", "1tiny", "x" * 65, "a\r\nX: y"]


@pytest.mark.parametrize("target", BAD_IDS)
def test_an_upload_aimed_at_a_process_id_outside_the_grammar_is_refused_naming_the_rule(target):
    with pytest.raises(FormDataError) as single:
        place_file("note.form", "{}", target)
    assert "プロセス ID" in single.value.errors["file"] and "64文字以内" in single.value.errors["file"]
    with pytest.raises(FormDataError) as bundle:
        read_zip(zipped({"tiny.bpmn": tiny_bpmn(), "forms/note.form": "{}"}), target)
    assert "プロセス ID" in bundle.value.errors["file"]


def test_a_bpmn_file_whose_own_process_id_is_outside_the_grammar_is_refused():
    with pytest.raises(FormDataError, match="プロセス ID「1tiny」は使えません"):
        place_file("x.bpmn", tiny_bpmn().replace('id="tiny"', 'id="1tiny"'), None)


@pytest.mark.parametrize("entry", ["../tiny/tiny.bpmn", "-x/-x.bpmn", ".hidden/x.bpmn", 'a"b/a"b.bpmn'])
def test_a_zip_entry_whose_folder_is_no_process_id_is_refused(entry):
    with pytest.raises(FormDataError):
        read_zip(zipped({entry: tiny_bpmn()}), None)


def test_the_shipped_style_of_ids_still_uploads():
    assert place_file("note.form", "{}", "P_1x.v2") == ("P_1x.v2", "P_1x.v2/forms/note.form")
    files = {"tiny/tiny.bpmn": tiny_bpmn(), "tiny/scenarios/done.json": "{}"}
    assert read_zip(write_zip(files), None) == ("tiny", files)


# --- zips by their real sizes -----------------------------------------------------------------------------
def test_a_zip_entry_that_decompresses_past_the_limit_is_refused_naming_it():
    bomb = zipped({"tiny/tiny.bpmn": tiny_bpmn(), "tiny/forms/note.form": b" " * (3 * 1024 * 1024)})
    assert len(bomb) < 20_000
    with pytest.raises(FormDataError) as error:
        read_zip(bomb, None)
    assert "「tiny/forms/note.form」を展開すると大きすぎます" in error.value.errors["file"]


def test_a_zip_whose_headers_understate_an_entrys_size_is_refused_not_crashed():
    bomb = understated(zipped({"tiny/tiny.bpmn": tiny_bpmn(), "tiny/forms/note.form": b" " * 500_000}), 10)
    with pytest.raises(FormDataError) as error:
        read_zip(bomb, None)
    assert "zip の「tiny/tiny.bpmn」を読めません" in error.value.errors["file"]


def test_the_byte_budget_counts_real_bytes_across_entries_whatever_the_headers_say():
    limits = UploadLimits(file_bytes=1000, total_bytes=1500)
    entries = {"tiny/tiny.bpmn": b" " * 900, "tiny/forms/a.form": b" " * 900}
    with pytest.raises(FormDataError, match="「tiny/forms/a.form」を展開すると大きすぎます"):
        read_zip(zipped(entries), None, limits)
    stored = understated(zipped(entries, zipfile.ZIP_STORED), 2000)  # overstated: refused before reading
    with pytest.raises(FormDataError, match="「tiny/tiny.bpmn」を展開すると大きすぎます"):
        read_zip(stored, None, limits)


def test_a_zip_listing_more_entries_than_the_limit_is_refused_before_reading_any():
    entries = {f"tiny/scenarios/s{n}.json": "{}" for n in range(6)}
    with pytest.raises(FormDataError, match="ファイルが多すぎます（5 ファイルまで）"):
        read_zip(zipped(entries), None, UploadLimits(files=5))


# --- JSON within limits -----------------------------------------------------------------------------------
def test_json_nested_past_the_limit_is_a_decode_error_at_the_bracket_that_went_too_far():
    with pytest.raises(JsonLimitError) as error:
        read_json('{"a": ' + DEEP + "}")
    assert (error.value.lineno, error.value.colno) == (1, 70)
    assert "入れ子が深すぎます（64 段まで）" in error.value.msg
    # brackets inside strings do not count
    assert read_json('{"text": "' + "[" * 500 + '"}') == {"text": "[" * 500}
    assert read_json(json.dumps([[[[1]]]]), depth=4) == [[[[1]]]]


def test_a_deeply_nested_form_or_scenario_is_a_definition_problem_not_a_crash():
    with pytest.raises(DefinitionError, match="note.form.*入れ子が深すぎます"):
        load_form("tiny/forms/note.form", DEEP)
    assert any("入れ子が深すぎます" in problem for problem in scenario_problems(DEEP, {}))
    with pytest.raises(DefinitionError, match="tiny/process.json"):
        Bundle({"tiny/process.json": DEEP.encode()}).metadata("tiny")


def test_an_uploaded_form_nested_past_the_limit_is_refused_naming_the_file():
    with pytest.raises(FormDataError, match="「tiny/forms/deep.form」は JSON として読めません"):
        read_zip(zipped({"tiny/tiny.bpmn": tiny_bpmn(), "tiny/forms/deep.form": DEEP}), None)


# --- deploy folders ---------------------------------------------------------------------------------------
def test_a_symbolic_link_in_a_deploy_folder_is_refused_naming_it_and_its_target_is_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("DATABASE_PASSWORD=hunter2")
    root = tmp_path / "processes"
    (root / "tiny" / "forms").mkdir(parents=True)
    (root / "tiny" / "tiny.bpmn").write_text(tiny_bpmn())
    (root / "tiny" / "forms" / "note.form").symlink_to(secret)
    with pytest.raises(DefinitionError) as error:
        Bundle.from_folder(root)
    assert "tiny/forms/note.form: シンボリックリンク" in str(error.value)
    assert "hunter2" not in str(error.value)


def test_a_linked_folder_in_a_deploy_folder_is_refused_and_plain_files_still_read(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "other.bpmn").write_text(tiny_bpmn())
    root = tmp_path / "processes"
    (root / "tiny").mkdir(parents=True)
    (root / "tiny" / "tiny.bpmn").write_text(tiny_bpmn())
    assert sorted(Bundle.from_folder(root).files) == ["tiny/tiny.bpmn"]
    (root / "other").symlink_to(outside, target_is_directory=True)
    with pytest.raises(DefinitionError, match="other: シンボリックリンク"):
        Bundle.from_folder(root)


def test_a_number_too_long_for_python_is_a_json_problem_not_a_crash():
    from engine.definitions.bounded_json import JsonLimitError, read_json

    with pytest.raises(JsonLimitError, match="桁数の多すぎる数値"):
        read_json('{"n": ' + "9" * 5000 + "}")
