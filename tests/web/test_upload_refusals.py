"""Issue #14 item 3 over HTTP: a hostile upload or request body is refused with a message naming the field or
file — 400 with the API's error shape, or the library page again — and never answers 500."""

from __future__ import annotations

import io

import pytest

from tests.web.conftest import csrf_token
from tests.web.test_api_contract import conforms

PROCESS = "comprehensive_agreement"
DEEP = "[" * 5000 + "]" * 5000


def upload(client, name: str, content: bytes | str, process_id: str = "") -> tuple[int, str]:
    data = content.encode() if isinstance(content, str) else content
    response = client.post(
        "/processes/upload",
        data={"csrf_token": csrf_token(client, "/processes/"), "process_id": process_id, "title": "x",
              "file": (io.BytesIO(data), name)},
    )
    return response.status_code, response.get_data(as_text=True)


@pytest.mark.parametrize("target", ["../evil", 'evil" onmouseover="x', "a\r\nSet-Cookie: x=1"])
def test_an_upload_aimed_at_a_process_id_outside_the_grammar_is_refused_on_the_library_page(as_user, target):
    client = as_user("process")
    status, page = upload(client, "note.form", '{"id": "note"}', target)
    assert status == 422
    assert 'id="upload-file-error">プロセス ID「' in page and "64文字以内" in page
    assert "/processes/drafts/" not in client.get("/processes/").get_data(as_text=True)


def test_a_deeply_nested_form_upload_is_refused_naming_the_file(as_user):
    status, page = upload(as_user("process"), "deep.form", DEEP, PROCESS)
    assert status == 422
    assert "「deep.form」は JSON として読めません: 配列・オブジェクトの入れ子が深すぎます" in page


def test_a_deeply_nested_sign_in_body_is_400_with_the_error_shape(client):
    response = client.post("/api/login", data=DEEP, content_type="application/json")
    assert response.status_code == 400
    error = conforms(response)["error"]
    assert error["code"] == "invalid_json" and "入れ子が深すぎます" in error["message"]


def test_a_sign_in_body_that_is_not_json_is_400_and_one_that_is_no_object_stays_422(client):
    broken = client.post("/api/login", data='{"username": ', content_type="application/json")
    assert broken.status_code == 400 and conforms(broken)["error"]["fields"]["(body)"]
    listed = client.post("/api/login", json=["seisaku"])
    assert listed.status_code == 422
    assert conforms(listed)["error"]["fields"]["(body)"] == "JSON オブジェクトで送信してください"


def test_an_editor_save_with_a_deeply_nested_body_is_400(as_user, engine):
    from engine.library.drafts import DraftService

    draft = DraftService(engine).create(engine.actor("process"), PROCESS, "下書き")
    client = as_user("process")
    token = csrf_token(client, f"/processes/drafts/{draft}")
    response = client.post(f"/processes/drafts/{draft}/files", data=DEEP, content_type="application/json",
                           headers={"X-CSRFToken": token})
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "invalid_json"


def test_a_version_downloads_with_a_quoted_file_name(as_user):
    response = as_user("process").get(f"/processes/{PROCESS}/versions/1.zip")
    assert response.headers["Content-Disposition"] == f"attachment; filename={PROCESS}-v1.zip"
    assert response.headers["Content-Type"] == "application/zip"
