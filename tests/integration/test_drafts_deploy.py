"""Issue #6 items 1–5 and 7: drafts are not live, deploying makes the next version, changes are audited."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from engine.definitions.archive import write_zip
from engine.errors import CaseStateError, DefinitionError, FormDataError, NotAllowedError
from engine.library.drafts import DraftService
from engine.persistence.models import AuditEvent, ProcessVersion
from tests.diagrams import tiny_bpmn
from tests.integration.flow import Flow
from tests.integration.redrawn import BPMN, PROCESS, redrawn_files


def versions(engine, process_id: str = PROCESS) -> int:
    with engine.unit_of_work() as session:
        return session.scalar(
            select(func.count()).select_from(ProcessVersion).where(ProcessVersion.process_id == process_id)
        )


def audit(engine, action: str) -> list[dict]:
    with engine.unit_of_work() as session:
        return [
            e.detail
            for e in session.scalars(
                select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            )
        ]


def renamed_draft(engine, name: str = "① 連携事業の提案（改訂）") -> int:
    owner, drafts = engine.actor("process"), DraftService(engine)
    draft = drafts.create(owner, PROCESS, "①の名称を変更")
    bpmn = drafts.file(owner, draft, BPMN).replace('name="① 連携事業の提案"', f'name="{name}"')
    drafts.save_file(owner, draft, BPMN, bpmn)
    return draft


def test_a_draft_is_not_live_until_it_is_deployed(engine):
    draft = renamed_draft(engine)
    assert Flow(engine).start().task("propose").step == "① 連携事業の提案"
    result = DraftService(engine).deploy(engine.actor("process"), draft, "①の名称を改訂")
    assert (result.version, result.overridden) == (2, False)
    assert Flow(engine).start().task("propose").step == "① 連携事業の提案（改訂）"
    [deployed] = audit(engine, "draft_deployed")
    assert (deployed["version"], deployed["override_reason"], deployed["changes"]["changed"]) == (
        2,
        None,
        ["propose"],
    )


def test_a_failing_scenario_blocks_the_deploy_unless_the_owner_writes_why(engine):
    owner, drafts = engine.actor("process"), DraftService(engine)
    draft = drafts.create(owner, PROCESS, "④を担当課へ")
    for path, text in redrawn_files().items():
        drafts.save_file(owner, draft, path, text)
    # every scenario reaching ④ at 総合政策課 (15 of comprehensive_agreement's) fails on the redrawn ④
    with pytest.raises(FormDataError) as error:
        drafts.deploy(owner, draft, "④を担当課で協議")
    assert error.value.errors["override_reason"].startswith("シナリオ 15 件が失敗しています")
    assert versions(engine) == 1
    drafts.deploy(owner, draft, "④を担当課で協議", override_reason="④の新しいシナリオは次の版で追加する")
    [deployed] = audit(engine, "draft_deployed")
    assert deployed["override_reason"] == "④の新しいシナリオは次の版で追加する"
    assert len(deployed["failed_scenarios"]) == 15 and deployed["changes"]["moved"] == ["consult_feasibility"]


def test_a_broken_draft_is_refused_and_nothing_is_deployed(engine):
    owner, drafts = engine.actor("process"), DraftService(engine)
    draft = drafts.create(owner, PROCESS, "壊れた図")
    bpmn = drafts.file(owner, draft, BPMN).replace('name="担当課"', 'name="営業部"')
    drafts.save_file(owner, draft, BPMN, bpmn)
    with pytest.raises(DefinitionError, match="レーン名は「企業等」「総合政策課」「担当課」のいずれか"):
        drafts.deploy(owner, draft, "レーン名の変更", override_reason="理由")
    assert versions(engine) == 1
    assert drafts.draft(owner, draft).summary.status == "open"
    assert audit(engine, "draft_deployed") == []


def test_a_draft_made_before_another_deploy_cannot_undo_it(engine):
    owner, drafts = engine.actor("process"), DraftService(engine)
    older = drafts.create(owner, PROCESS, "古い下書き")
    drafts.deploy(owner, renamed_draft(engine), "①の名称を改訂")
    assert drafts.draft(owner, older).stale
    with pytest.raises(CaseStateError, match="その後バージョン 2 がデプロイされました"):
        drafts.deploy(owner, older, "古い内容")
    assert versions(engine) == 2


def test_an_unchanged_draft_makes_no_new_version(engine):
    owner, drafts = engine.actor("process"), DraftService(engine)
    draft = drafts.create(owner, PROCESS, "変更なし")
    with pytest.raises(CaseStateError, match="現在のバージョン 1 と内容が同じです"):
        drafts.deploy(owner, draft, "なし")


def test_a_version_downloads_as_a_zip_and_uploads_back_as_a_new_draft(engine):
    owner, drafts = engine.actor("process"), DraftService(engine)
    name, content = drafts.version_archive(owner, PROCESS, 1)
    assert name == "comprehensive_agreement-v1.zip"
    draft = drafts.upload(owner, name, content)
    detail = drafts.draft(owner, draft)
    assert (detail.summary.process_id, detail.summary.base_version) == (PROCESS, 1)
    assert {f.path for f in detail.files} >= {BPMN, "individual_agreement/individual_agreement.bpmn"}
    assert drafts.diff(owner, draft).empty


def test_a_new_process_can_be_uploaded_validated_and_deployed(engine):
    owner, drafts = engine.actor("process"), DraftService(engine)
    files = {
        "tiny/tiny.bpmn": tiny_bpmn(),
        "tiny/process.json": json.dumps({"name": "小さな手続き"}),
        "tiny/forms/note.form": json.dumps(
            {
                "id": "note",
                "type": "default",
                "components": [{"type": "textfield", "key": "note", "label": "メモ"}],
            }
        ),
    }
    draft = drafts.upload(owner, "tiny.zip", write_zip(files), title="新しい手続き")
    assert drafts.validate(owner, draft).ok
    assert drafts.deploy(owner, draft, "初版").version == 1


def test_every_change_to_a_draft_is_in_the_audit_trail(engine):
    owner, drafts = engine.actor("process"), DraftService(engine)
    draft = renamed_draft(engine)
    drafts.upload(
        owner,
        "note.form",
        json.dumps({"id": "memo", "type": "default", "components": []}).encode(),
        draft_id=draft,
    )
    scenario = {"name": "取り下げ", "steps": [{"task": "propose", "data": {}}]}
    drafts.save_scenario(owner, draft, "withdrawn_early", json.dumps(scenario, ensure_ascii=False))
    drafts.add_form(owner, draft, "extra_questions")
    drafts.delete_file(owner, draft, f"{PROCESS}/forms/extra_questions.form")
    drafts.discard(owner, draft)
    with engine.unit_of_work() as session:
        actions = [
            e.action
            for e in session.scalars(
                select(AuditEvent).where(AuditEvent.action.like("draft_%")).order_by(AuditEvent.id)
            )
        ]
    assert actions == [
        "draft_created",
        "draft_file_saved",
        "draft_uploaded",
        "draft_scenario_saved",
        "draft_file_saved",
        "draft_file_deleted",
        "draft_discarded",
    ]
    with pytest.raises(CaseStateError, match="破棄済みのため変更できません"):
        drafts.save_file(owner, draft, BPMN, "<x/>")


@pytest.mark.parametrize("username", ["seisaku", "kankyo", "shonan", "kanri"])
def test_only_process_owners_and_administrators_change_definitions(engine, username):
    with pytest.raises(NotAllowedError, match="プロセス管理者とシステム管理者のみ"):
        DraftService(engine).create(engine.actor(username), PROCESS, "変更")
    assert DraftService(engine).create(engine.actor("admin"), PROCESS, "管理者の変更")


def test_managers_read_the_library_and_others_do_not(engine):
    drafts = DraftService(engine)
    library = {
        entry.process_id: entry for entry in drafts.library(engine.actor("kanri"))
    }  # also agreement_lifecycle
    comprehensive, individual = library[PROCESS], library["individual_agreement"]
    assert (comprehensive.process_id, comprehensive.current.number, individual.process_id) == (
        PROCESS,
        1,
        "individual_agreement",
    )
    with pytest.raises(NotAllowedError):
        drafts.library(engine.actor("kankyo"))
