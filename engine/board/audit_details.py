"""An audit record's details as people read them: Japanese labels and values, never the stored keys.

The trail stores each action's details by key (``from_version``, ``content_hash``, a task's cleaned
submission); the 監査記録 page shows them here as labelled fields. A completed task's data is read through the
form its step used (engine.board.labels, as the case history does); identifiers a clerk may need to quote
(process ids, file paths, hashes) are kept but marked as code. The CSV export keeps the stored JSON.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access import ROLE_LABELS
from engine.agreements.views import REQUIREMENT_ITEMS
from engine.board.labels import readable
from engine.board.views import DataField
from engine.library.deployment import compiled_version
from engine.persistence.models import AuditEvent, Department, HumanTask, ProcessVersion, UserAccount

LABELS = {
    "process_id": "プロセスID", "version": "版", "from_version": "移行前の版", "base_version": "もとのバージョン", "to_version": "移行後の版",
    "content_hash": "内容のハッシュ値", "comment": "コメント", "initiated_by": "提案者", "reason": "理由",
    "project": "連携事業", "from_user": "変更前の担当者", "to_user": "変更後の担当者", "decided_by": "判断者",
    "ground": "根拠", "items": "該当する事項", "subject": "対象", "organisation_id": "企業等の番号",
    "department_id": "課の番号", "user_id": "利用者", "username": "利用者名", "role": "役割", "changes": "変更内容",
    "draft_id": "下書きの番号", "title": "題名", "path": "ファイル", "paths": "ファイル", "file_name": "ファイル名",
    "error": "エラー", "attempt": "試行回数", "retry_at": "再試行の予定", "data": "入力内容",
    "migration_id": "移行の番号", "cases": "案件数", "expires_at": "有効期限",
}
CODE = {"process_id", "content_hash", "path", "paths", "file_name", "error", "username"}
PEOPLE = {"from_user", "to_user", "user_id"}
VALUES = {
    "initiated_by": {"organisation": "企業等からの提案", "city": "市からの提案"},
    "items": REQUIREMENT_ITEMS,
    "role": {role.value: label for role, label in ROLE_LABELS.items()},
}
FIELD_NAMES = {"name": "名称", "username": "利用者名", "display_name": "氏名", "email": "メールアドレス",
               "role": "役割", "organisation": "団体", "departments": "所属課", "active": "有効"}
_BOOLEAN = {True: "はい", False: "いいえ"}


class _Context:
    """What the labels need, read once per page: people's and processes' names, departments, task forms."""

    def __init__(self, session: Session, events: list[AuditEvent]) -> None:
        self.session = session
        wanted = {v for e in events for k, v in (e.detail or {}).items() if k in PEOPLE and isinstance(v, int)}
        self.people = dict(session.execute(select(UserAccount.id, UserAccount.display_name)
                                           .where(UserAccount.id.in_(wanted))).all()) if wanted else {}
        self.processes = dict(session.execute(select(ProcessVersion.process_id, ProcessVersion.name)).all())
        self.departments = {d.code: d.name for d in session.scalars(select(Department))}
        task_ids = {e.task_id for e in events if e.action == "task_completed" and e.task_id}
        self.tasks = {t.id: t for t in session.scalars(select(HumanTask).where(HumanTask.id.in_(task_ids)))} \
            if task_ids else {}


def details(session: Session, events: list[AuditEvent]) -> dict[int, list[DataField]]:
    """{event id: its details as labelled fields}, for one page of the trail."""
    context = _Context(session, events)
    return {event.id: _event_fields(context, event) for event in events}


def _event_fields(context: _Context, event: AuditEvent) -> list[DataField]:
    fields = []
    for key, value in (event.detail or {}).items():
        if value is None or value == "" or value == []:
            continue
        if key == "data" and event.action == "task_completed":
            fields.append(DataField(LABELS["data"], fields=_task_data(context, event.task_id, value)))
        else:
            fields.extend(_field(context, key, value))
    return fields


def _task_data(context: _Context, task_id: str | None, data: Any) -> list[DataField]:
    task = context.tasks.get(task_id or "")
    if task is not None and isinstance(data, Mapping):
        forms = compiled_version(task.case.process_version).forms
        if task.form_ref in forms:
            return readable(forms[task.form_ref].components, data, context.departments)
    return [DataField("記録された値", json.dumps(data, ensure_ascii=False, sort_keys=True), kind="code")]


def _field(context: _Context, key: str, value: Any) -> list[DataField]:
    label = LABELS.get(key, "その他")
    if key == "process_id":
        name = context.processes.get(value)
        return ([DataField("プロセス", name)] if name else []) + [DataField(label, str(value), kind="code")]
    if key in PEOPLE:
        return [DataField(label, context.people.get(value, f"利用者 {value}"))]
    if key == "changes" and isinstance(value, Mapping):
        return [DataField(label, fields=[DataField(FIELD_NAMES.get(name, "その他"), _change(change, VALUES.get(name)))
                                         for name, change in value.items()])]
    if key in CODE or key not in LABELS or isinstance(value, Mapping):
        return [DataField(label, _text(value), kind="code")]
    return [DataField(label, _text(value, VALUES.get(key, {})))]


def _change(change: Any, words: Mapping[str, str] | None) -> str:
    if isinstance(change, list | tuple) and len(change) == 2:
        return f"{_text(change[0], words) or '（なし）'} → {_text(change[1], words) or '（なし）'}"
    return _text(change, words)


def _text(value: Any, words: Mapping[str, str] | None = None) -> str:
    words = words or {}
    if isinstance(value, bool):
        return _BOOLEAN[value]
    if isinstance(value, str):
        return words.get(value, value)
    if isinstance(value, Iterable) and not isinstance(value, Mapping):
        return "、".join(_text(v, words) for v in value)
    if isinstance(value, Mapping):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)

