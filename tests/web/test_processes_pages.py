"""プロセス定義 over HTTP: who sees and changes definitions, and how refusals come back to the owner."""

from __future__ import annotations

import io
import json
import re

import pytest

from engine.library.drafts import DraftService
from tests.web.conftest import csrf_token

PROCESS = "comprehensive_agreement"
BPMN = f"{PROCESS}/{PROCESS}.bpmn"


def new_draft(engine) -> int:
    return DraftService(engine).create(engine.actor("process"), PROCESS, "テスト用の下書き")


def test_the_library_lists_each_process_with_its_versions_for_a_process_owner(as_user):
    page = as_user("process").get("/processes/").get_data(as_text=True)
    assert "包括連携協定の締結" in page and "現行バージョン" in page and "進行中の案件" in page
    assert "現行バージョンから下書きを作成" in page


def test_a_manager_reads_the_library_without_any_way_to_change_it(as_user, engine):
    client = as_user("kanri")
    page = client.get("/processes/").get_data(as_text=True)
    assert "閲覧のみできます" in page and "下書きを作成" not in page
    response = client.post(
        "/processes/drafts",
        data={"process_id": PROCESS, "title": "x", "csrf_token": csrf_token(client, "/processes/")},
    )
    assert response.status_code == 403
    assert "プロセス管理者とシステム管理者のみ" in response.get_data(as_text=True)


def test_a_draft_name_of_spaces_only_is_refused_next_to_that_name_field_and_nothing_is_created(as_user, engine):
    client = as_user("process")
    before = DraftService(engine).library(engine.actor("process"))
    response = client.post(
        "/processes/drafts",
        data={"process_id": PROCESS, "title": "   ", "csrf_token": csrf_token(client, "/processes/")},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="title-{PROCESS}-error">下書きの名前（何を変えるか）を入力してください' in page
    assert f'aria-describedby="title-{PROCESS}-error"' in page
    assert DraftService(engine).library(engine.actor("process")) == before


@pytest.mark.parametrize("username", ["seisaku", "kankyo", "shonan"])
def test_staff_and_organisations_neither_see_nor_open_the_library(as_user, username):
    client = as_user(username)
    assert "プロセス定義" not in client.get("/").get_data(as_text=True)
    assert client.get("/processes/").status_code == 403


def test_the_modeler_saves_a_draft_file_and_answers_with_the_validation(as_user, engine):
    draft = new_draft(engine)
    client = as_user("process")
    token = csrf_token(client, f"/processes/drafts/{draft}/modeler?file={BPMN}")
    xml = (
        DraftService(engine)
        .file(engine.actor("process"), draft, BPMN)
        .replace('name="担当課"', 'name="営業部"')
    )
    response = client.post(
        f"/processes/drafts/{draft}/files",
        json={"path": BPMN, "content": xml},
        headers={"X-CSRFToken": token},
    )
    body = response.get_json()
    assert response.status_code == 200 and body["saved"]
    assert any(p["element_id"] == "lane_department" and p["line"] for p in body["problems"])


def test_a_save_without_the_csrf_token_is_refused(as_user, engine):
    draft = new_draft(engine)
    response = as_user("process").post(
        f"/processes/drafts/{draft}/files", json={"path": BPMN, "content": "<x/>"}
    )
    assert response.status_code == 400
    assert DraftService(engine).file(engine.actor("process"), draft, BPMN) != "<x/>"


def test_a_file_outside_the_drafts_folders_is_refused_by_name(as_user, engine):
    draft = new_draft(engine)
    client = as_user("process")
    token = csrf_token(client, f"/processes/drafts/{draft}")
    response = client.post(
        f"/processes/drafts/{draft}/files",
        json={"path": "../etc/passwd.bpmn", "content": "x"},
        headers={"X-CSRFToken": token, "Accept": "application/json"},
    )
    assert response.status_code == 422
    assert "フォルダの外は指定できません" in response.get_json()["error"]["fields"]["path"]


def test_deploying_without_a_comment_shows_the_message_next_to_the_field(as_user, engine):
    draft = new_draft(engine)
    client = as_user("process")
    response = client.post(
        f"/processes/drafts/{draft}/deploy",
        data={"comment": " ", "csrf_token": csrf_token(client, f"/processes/drafts/{draft}")},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="comment-error"' in page
    assert "変更内容の説明（このバージョンで何を変えたか）を入力してください" in page
    assert 'aria-describedby="comment-help comment-error"' in page


def test_the_deploy_form_starts_with_an_empty_change_description_bounded_in_length(as_user, engine):
    draft = new_draft(engine)
    page = as_user("process").get(f"/processes/drafts/{draft}").get_data(as_text=True)
    assert 'maxlength="500"' in page and "500 文字以内" in page
    assert re.search(r'<textarea[^>]*id="comment"[^>]*>\s*</textarea>', page)  # not the draft's name


def test_a_change_description_over_500_characters_is_refused_next_to_the_field_and_kept(as_user, engine):
    draft = new_draft(engine)
    client = as_user("process")
    response = client.post(
        f"/processes/drafts/{draft}/deploy",
        data={"comment": "あ" * 501, "csrf_token": csrf_token(client, f"/processes/drafts/{draft}")},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "変更内容の説明は 500 文字以内にしてください（501 文字あります）" in page
    assert "あ" * 501 in page


def test_a_scenario_with_an_unknown_task_is_refused_and_kept_in_the_form(as_user, engine):
    draft = new_draft(engine)
    client = as_user("process")
    content = json.dumps({"name": "誤り", "steps": [{"task": "approve"}]}, ensure_ascii=False)
    response = client.post(
        f"/processes/drafts/{draft}/scenario",
        data={
            "name": "wrong",
            "content": content,
            "csrf_token": csrf_token(client, f"/processes/drafts/{draft}/scenario"),
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "手順1: タスク「approve」はこのプロセスのユーザータスクにありません" in page
    assert "&#34;approve&#34;" in page or "&quot;approve&quot;" in page


def test_an_uploaded_version_zip_becomes_a_draft_and_a_bad_file_is_explained(as_user, engine):
    client = as_user("process")
    archive = client.get(f"/processes/{PROCESS}/versions/1.zip")
    assert archive.headers["Content-Type"] == "application/zip"
    token = csrf_token(client, "/processes/")
    response = client.post(
        "/processes/upload",
        data={
            "csrf_token": token,
            "title": "戻し",
            "file": (io.BytesIO(archive.data), "comprehensive_agreement-v1.zip"),
        },
    )
    assert response.status_code == 302 and "/processes/drafts/" in response.location
    refused = client.post(
        "/processes/upload", data={"csrf_token": token, "file": (io.BytesIO(b"x"), "run.py")}
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert 'id="upload-file-error">「run.py」は対応していない種類のファイルです' in page
    assert 'aria-describedby="upload-file-help upload-file-error"' in page


def test_a_form_id_that_exists_already_is_refused_next_to_the_field(as_user, engine):
    draft = new_draft(engine)
    client = as_user("process")
    response = client.post(
        f"/processes/drafts/{draft}/forms",
        data={"form_id": "proposal", "csrf_token": csrf_token(client, f"/processes/drafts/{draft}")},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="form-id-error" role="alert">フォーム「proposal」は既にあります' in page


def test_a_drafts_pages_show_element_ids_file_paths_and_process_ids_only_as_code(as_user, engine):
    from tests.web.crawler import raw_identifiers, read_page

    drafts, owner = DraftService(engine), engine.actor("process")
    draft = new_draft(engine)
    text = drafts.file(owner, draft, BPMN)
    drafts.save_file(owner, draft, BPMN, text.replace("② 連携事業の実績を整理", "② 連携実績の整理"))
    client = as_user("process")
    page = client.get(f"/processes/drafts/{draft}").get_data(as_text=True)
    assert "② 連携実績の整理 <code>record_partnership</code>" in page  # the difference to the current version
    assert "呼び出すプロセス <code>individual_agreement</code>" in page
    scenario = client.get(f"/processes/drafts/{draft}/scenario").get_data(as_text=True)
    for html in (page, scenario):
        assert list(raw_identifiers(read_page(html))) == []


def test_a_save_without_a_path_or_content_names_the_missing_fields(as_user, engine):
    draft = new_draft(engine)
    client = as_user("process")
    token = csrf_token(client, f"/processes/drafts/{draft}")
    response = client.post(f"/processes/drafts/{draft}/files", json={"path": BPMN},
                           headers={"X-CSRFToken": token, "Accept": "application/json"})
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"content"}
    assert DraftService(engine).file(engine.actor("process"), draft, BPMN) != ""


def test_ids_in_engine_text_on_process_owner_pages_read_as_code_and_nothing_else_is_markup():
    from web.filters import ids_as_code

    shown = str(ids_as_code("移行後に④ 協議（consult_feasibility）: 事業 P1 の担当課が決まっていません <b>"))
    assert "<code>consult_feasibility</code>" in shown and "&lt;b&gt;" in shown and "<code>P1</code>" not in shown
