"""The process library (プロセス定義): who may read and change definitions, and what the pages show of them.

Reading is for process owners, administrators and managers (read-only); changing is for process owners
and administrators only (issue #6 item 7). Every change to a definition or a draft is an audit event.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import audit as engine_audit
from engine.access import Actor, may_edit_processes, may_read_processes
from engine.definitions.archive import safe_path
from engine.definitions.bounded_json import read_json
from engine.definitions.identifiers import bpmn_path
from engine.errors import CaseStateError, FormDataError, NotAllowedError, NotFoundError
from engine.persistence.models import Case, ProcessDraft, ProcessVersion, UserAccount
from engine.persistence.models.process_draft import OPEN
from engine.persistence.models.process_version import latest

FORM_ID = re.compile(r"^[a-z][a-z0-9_]{0,80}$")


def require_reader(actor: Actor) -> None:
    if not may_read_processes(actor):
        raise NotAllowedError("プロセス定義を閲覧できるのは、プロセス管理者・システム管理者・管理職のみです")


def require_editor(actor: Actor) -> None:
    if not may_edit_processes(actor):
        raise NotAllowedError("プロセス定義を変更できるのは、プロセス管理者とシステム管理者のみです")


@dataclass(frozen=True)
class VersionSummary:
    number: int
    deployed_at: datetime
    deployed_by: str | None
    comment: str | None
    content_hash: str
    open_cases: int
    current: bool


@dataclass(frozen=True)
class DraftSummary:
    id: int
    process_id: str
    title: str
    base_version: int | None
    status: str
    updated_at: datetime
    updated_by: str | None


@dataclass(frozen=True)
class ProcessSummary:
    process_id: str
    name: str
    versions: list[VersionSummary]  # newest first
    drafts: list[DraftSummary]  # open drafts only

    @property
    def current(self) -> VersionSummary | None:
        return next((v for v in self.versions if v.current), None)


@dataclass(frozen=True)
class DraftFile:
    path: str
    kind: str  # bpmn, dmn, form, scenario, metadata
    process_id: str
    name: str  # the file name inside its process folder


@dataclass(frozen=True)
class DraftDetail:
    summary: DraftSummary
    process_name: str
    files: list[DraftFile]
    current_version: int | None
    stale: bool  # a newer version was deployed after the draft was made: it can no longer be deployed
    may_edit: bool
    deployed_version: int | None

    @property
    def main_bpmn(self) -> str:
        return bpmn_path(self.summary.process_id)

    @property
    def groups(self) -> list[FileGroup]:
        """The files as the draft page lists them: diagram first, then forms, scenarios, called processes."""
        main = self.summary.process_id
        found: dict[str, FileGroup] = {}
        for file in self.files:
            if file.process_id != main:
                key, label, called = f"called:{file.process_id}", "呼び出すプロセス", file.process_id
            else:
                key, label, called = file.kind, _GROUP_LABELS[file.kind], None
            group = FileGroup(label, [], open=key in ("bpmn", "dmn", "form"), process_id=called)
            found.setdefault(key, group).files.append(file)
        return list(found.values())


@dataclass(frozen=True)
class FileGroup:
    label: str
    files: list[DraftFile]
    open: bool
    process_id: str | None = None  # a called process's id, shown as code after the label


_GROUP_LABELS = {
    "bpmn": "プロセス図",
    "dmn": "判定表",
    "form": "フォーム",
    "scenario": "シナリオ",
    "metadata": "プロセス情報",
}


def _names(session: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(select(UserAccount.id, UserAccount.display_name).where(UserAccount.id.in_(wanted)))
    return {user_id: name for user_id, name in rows}


def _draft_summary(draft: ProcessDraft, names: dict[int, str], versions: dict[int, int]) -> DraftSummary:
    return DraftSummary(
        draft.id,
        draft.process_id,
        draft.title,
        versions.get(draft.base_version_id),
        draft.status,
        draft.updated_at,
        names.get(draft.updated_by_id),
    )


def processes(session: Session) -> list[ProcessSummary]:
    versions = list(
        session.scalars(
            select(ProcessVersion).order_by(ProcessVersion.process_id, ProcessVersion.version.desc())
        )
    )
    drafts = list(
        session.scalars(select(ProcessDraft).where(ProcessDraft.status == OPEN).order_by(ProcessDraft.id))
    )
    open_cases = {
        version_id: count
        for version_id, count in session.execute(
            select(Case.process_version_id, func.count())
            .where(Case.status == "running")
            .group_by(Case.process_version_id)
        )
    }
    names = _names(session, {v.deployed_by_id for v in versions} | {d.updated_by_id for d in drafts})
    numbers = {v.id: v.version for v in versions}
    found: dict[str, ProcessSummary] = {}
    for version in versions:
        summary = found.setdefault(
            version.process_id, ProcessSummary(version.process_id, version.name, [], [])
        )
        summary.versions.append(
            VersionSummary(
                version.version,
                version.deployed_at,
                names.get(version.deployed_by_id),
                version.comment,
                version.content_hash,
                open_cases.get(version.id, 0),
                current=not summary.versions,
            )
        )
    for draft in drafts:
        summary = found.setdefault(
            draft.process_id, ProcessSummary(draft.process_id, draft.process_id, [], [])
        )
        summary.drafts.append(_draft_summary(draft, names, numbers))
    return sorted(found.values(), key=lambda s: s.process_id)


def version(session: Session, process_id: str, number: int) -> ProcessVersion:
    found = session.scalar(
        select(ProcessVersion).where(
            ProcessVersion.process_id == process_id, ProcessVersion.version == number
        )
    )
    if found is None:
        raise NotFoundError(f"プロセス「{process_id}」のバージョン {number} はありません")
    return found


def draft(session: Session, draft_id: int) -> ProcessDraft:
    found = session.get(ProcessDraft, draft_id)
    if found is None:
        raise NotFoundError(f"下書き {draft_id} は見つかりません")
    return found


def open_draft(session: Session, draft_id: int) -> ProcessDraft:
    found = draft(session, draft_id)
    if found.status != OPEN:
        state = "デプロイ済み" if found.deployed_version_id else "破棄済み"
        raise CaseStateError(f"下書き「{found.title}」は{state}のため変更できません")
    return found


def require_file(found: ProcessDraft, path: str) -> None:
    if path not in found.files:
        raise NotFoundError(f"ファイル「{path}」はこの下書きにありません")


def check_not_stale(session: Session, found: ProcessDraft) -> ProcessVersion | None:
    """The current version, if the draft was made from it: deploying an older copy would undo changes."""
    current = latest(session, found.process_id)
    if current is not None and current.id != found.base_version_id:
        base = session.get(ProcessVersion, found.base_version_id) if found.base_version_id else None
        raise CaseStateError(
            f"この下書きは{f'バージョン {base.version} ' if base else '以前の状態'}をもとにしていますが、"
            f"その後バージョン {current.version} がデプロイされました。"
            "最新のバージョンから下書きを作り直してください"
        )
    return current


def check_path(found: ProcessDraft, path: str) -> None:
    """A saved file stays inside one of the draft's process folders."""
    try:
        clean = safe_path(path)
    except FormDataError as error:
        raise FormDataError({"path": error.errors["file"]}) from None
    folders = {name.split("/")[0] for name in found.files} | {found.process_id}
    if clean != path or "/" not in path or path.split("/")[0] not in folders:
        raise FormDataError({"path": f"「{path}」はこの下書きのプロセスのフォルダにありません"})


def new_form_path(found: ProcessDraft, form_id: str) -> str:
    if not FORM_ID.match(form_id or ""):
        raise FormDataError(
            {"form_id": "フォーム ID は英小文字で始め、英小文字・数字・「_」で入力してください"}
        )
    path = f"{found.process_id}/forms/{form_id}.form"
    if path in found.files:
        raise FormDataError({"form_id": f"フォーム「{form_id}」は既にあります"})
    return path


def empty_form(form_id: str) -> str:
    """A form the editor can open and the deploy-time checks accept: one explanation to replace."""
    return json.dumps(
        {
            "id": form_id,
            "type": "default",
            "schemaVersion": 16,
            "components": [
                {"type": "text", "id": f"Text_{form_id}", "text": "このフォームの説明を入力してください。"}
            ],
        },
        ensure_ascii=False,
        indent=2,
    )


def touch(found: ProcessDraft, actor: Actor, now: datetime) -> None:
    found.updated_by_id, found.updated_at = actor.user_id, now


def audit(session: Session, actor: Actor, action: str, found: ProcessDraft, **detail: Any) -> None:
    engine_audit.record(session, actor, action, process_id=found.process_id, draft_id=found.id, title=found.title,
                        **detail)


def _file(path: str) -> DraftFile:
    process_id, _, rest = path.partition("/")
    if rest.endswith(".bpmn"):
        kind = "bpmn"
    elif rest.endswith(".dmn"):
        kind = "dmn"
    elif rest.endswith(".form"):
        kind = "form"
    elif rest == "process.json":
        kind = "metadata"
    else:
        kind = "scenario"
    return DraftFile(path, kind, process_id, rest)


def detail(session: Session, actor: Actor, found: ProcessDraft) -> DraftDetail:
    names = _names(session, {found.updated_by_id})
    base = session.get(ProcessVersion, found.base_version_id) if found.base_version_id else None
    deployed = session.get(ProcessVersion, found.deployed_version_id) if found.deployed_version_id else None
    current = latest(session, found.process_id)
    numbers = {v.id: v.version for v in (base,) if v is not None}
    metadata = found.files.get(f"{found.process_id}/process.json")
    try:
        name = read_json(metadata).get("name") if metadata else None
    except (json.JSONDecodeError, AttributeError):
        name = None
    return DraftDetail(
        summary=_draft_summary(found, names, numbers),
        process_name=name or (current.name if current else found.process_id),
        files=sorted(
            (_file(p) for p in found.files),
            key=lambda f: (f.process_id != found.process_id, f.process_id, f.kind, f.name),
        ),
        current_version=current.version if current else None,
        stale=found.status == OPEN and current is not None and current.id != found.base_version_id,
        may_edit=found.status == OPEN and may_edit_processes(actor),
        deployed_version=deployed.version if deployed else None,
    )
