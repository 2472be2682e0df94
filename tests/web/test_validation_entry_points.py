"""Issue #13 through the web: an upload and the modeler's save refuse every row of tests/refused_diagrams.py with
the same words as ``renkei deploy``, and a refused draft is never deployed, whatever override reason is given."""

from __future__ import annotations

import html
import io

import pytest

from engine.demo import DEMO_PASSWORD
from engine.errors import DefinitionError
from engine.library.drafts import DraftService
from tests.conftest import demo_engine
from tests.refused_diagrams import BROKEN, CA, Broken, broken_files
from tests.web.conftest import csrf_token
from web import create_app


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """One engine and one signed-in process owner for the whole table (building the demo costs seconds)."""
    folder = tmp_path_factory.mktemp("validation")
    engine = demo_engine(f"sqlite:///{folder / 'web.sqlite3'}")
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "RENKEI_ENGINE": engine,
                      "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False})
    app.instance_path = str(folder / "instance")
    client = app.test_client()
    token = csrf_token(client, "/login")
    assert client.post("/login", data={"username": "process", "password": DEMO_PASSWORD,
                                       "csrf_token": token}).status_code == 302
    drafts = {pid: DraftService(engine).create(engine.actor("process"), pid, "検証の確認")
              for pid in {row.process for row in BROKEN}}
    yield engine, client, drafts
    engine.database.dispose()


def _bpmn(row: Broken) -> str:
    return broken_files(row)[f"{row.process}/{row.process}.bpmn"]


@pytest.mark.parametrize("row", BROKEN, ids=[row.id for row in BROKEN])
def test_an_uploaded_diagram_with_the_problem_is_refused_on_the_draft_page(site, row: Broken):
    _, client, _ = site
    response = client.post("/processes/upload", data={
        "csrf_token": csrf_token(client, "/processes/"), "process_id": row.process, "title": row.id,
        "file": (io.BytesIO(_bpmn(row).encode()), f"{row.process}.bpmn")}, follow_redirects=True)
    page = html.unescape(response.get_data(as_text=True))
    assert "問題は見つかりませんでした" not in page
    for fragment in row.expected:
        assert fragment in page


@pytest.mark.parametrize("row", BROKEN, ids=[row.id for row in BROKEN])
def test_the_modeler_save_answers_with_the_problem(site, row: Broken):
    _, client, drafts = site
    draft = drafts[row.process]
    response = client.post(f"/processes/drafts/{draft}/files",
                           json={"path": f"{row.process}/{row.process}.bpmn", "content": _bpmn(row)},
                           headers={"X-CSRFToken": csrf_token(client, f"/processes/drafts/{draft}")})
    assert response.status_code == 200
    text = "\n".join(problem["text"] for problem in response.get_json()["problems"])
    for fragment in row.expected:
        assert fragment in text


@pytest.mark.parametrize("row_id", ["flow_2_to_3_deleted", "camunda_candidateGroups"])
def test_an_override_reason_never_deploys_a_refused_diagram(site, row_id):
    engine, _, _ = site
    row = next(r for r in BROKEN if r.id == row_id)
    service = DraftService(engine)
    versions = {p.process_id: len(p.versions) for p in service.library(engine.actor("process"))}
    draft = service.create(engine.actor("process"), CA, "壊れた図")
    service.save_file(engine.actor("process"), draft, f"{CA}/{CA}.bpmn", _bpmn(row))
    with pytest.raises(DefinitionError):
        service.deploy(engine.actor("process"), draft, "壊れた図", override_reason="シナリオは後で直します")
    assert {p.process_id: len(p.versions) for p in service.library(engine.actor("process"))} == versions
