"""The audit trail (透明性: who decided what, when and why must be traceable): append-only, written in one place.

Append-only is enforced in three places, so no code path can rewrite history: the ORM refuses to flush a
changed or deleted AuditEvent, refuses bulk ``update()``/``delete()`` statements against it, and every
connection refuses SQL text that updates or deletes ``audit_event``. Rows are only ever added (by the
case operations, deployments and account changes).

``record`` is the one writer of the trail; its search is ``engine.board.audit_trail.AuditTrail``.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from engine.access import Actor
from engine.errors import RenkeiError
from engine.persistence.base import utcnow
from engine.persistence.models import AuditEvent, HumanTask

if TYPE_CHECKING:
    pass


ACTION_LABELS: dict[str, str] = {
    "case_started": "案件の開始", "task_completed": "タスクの完了", "task_claimed": "タスクの担当",
    "task_released": "タスクの担当解除", "task_reassigned": "担当者の変更", "case_cancelled": "案件の取り下げ",
    "timer_fired": "タイマーの実行", "timer_failed": "タイマーの失敗", "definition_deployed": "プロセス定義のデプロイ",
    "case_migrated": "案件の移行（新しい版へ）", "case_migration_reverted": "案件の移行の取り消し",
    "draft_created": "下書きの作成", "draft_uploaded": "下書きの取り込み", "draft_file_saved": "下書きファイルの保存",
    "draft_file_deleted": "下書きファイルの削除", "draft_scenario_saved": "下書きシナリオの保存",
    "draft_deployed": "下書きのデプロイ", "draft_discarded": "下書きの破棄",
    "user_created": "利用者の登録", "user_changed": "利用者の変更", "user_deactivated": "利用者の無効化",
    "user_reactivated": "利用者の再有効化", "organisation_created": "企業等の登録",
    "organisation_changed": "企業等の変更", "organisation_verified": "企業等の確認",
    "organisation_deactivated": "企業等の無効化", "organisation_reactivated": "企業等の再有効化",
    "department_created": "課の登録", "department_changed": "課の変更", "department_deactivated": "課の無効化",
    "department_reactivated": "課の再有効化", "agreement_signed": "協定の締結",
    "agreement_registered": "既存協定の登録", "agreement_renewed": "協定の更新",
    "agreement_terminated": "協定の解除", "invitation_issued": "招待リンクの発行", "password_set": "パスワードの設定",
    "organisation_registered": "企業等の新規登録（公開ページ）",
    "message_requirements_not_met": "要件非該当の報告による協定の解除", "message_general_meeting_called": "全体会議の招集",
    "agreement_template_uploaded": "協定書ひな形の登録", "signed_copy_attached": "締結済み協定書（写し）の登録",
    "calendar_feed_issued": "カレンダー配信URLの発行", "calendar_feed_revoked": "カレンダー配信URLの無効化",
    "message_termination_notice": "協定終了の申出",
}


class AuditTrailImmutableError(RenkeiError):
    """Something tried to change or delete an audit record; the whole transaction is refused."""

    code = "audit_immutable"

    def __init__(self) -> None:
        super().__init__("監査記録は追加のみできます。変更・削除はできません")


_AUDIT_SQL = re.compile(r'^\s*(UPDATE\s+"?audit_event"?\s|DELETE\s+FROM\s+"?audit_event"?(\s|$))', re.IGNORECASE)


def _refuse_flush(session: Session, _context, _instances) -> None:
    if any(isinstance(o, AuditEvent) for o in session.deleted) or any(
            isinstance(o, AuditEvent) and session.is_modified(o) for o in session.dirty):
        raise AuditTrailImmutableError()


def _refuse_bulk(state) -> None:
    if (state.is_update or state.is_delete) and getattr(state.statement, "table", None) is AuditEvent.__table__:
        raise AuditTrailImmutableError()


def _refuse_sql(_connection, _cursor, statement: str, *_args) -> None:
    if _AUDIT_SQL.match(statement):
        raise AuditTrailImmutableError()


def install_guards() -> None:
    """Installs the three guards (idempotent: the engine may be built more than once in a process)."""
    for target, name, listener in ((Session, "before_flush", _refuse_flush), (Session, "do_orm_execute", _refuse_bulk),
                                   (Engine, "before_cursor_execute", _refuse_sql)):
        if not event.contains(target, name, listener):
            event.listen(target, name, listener)


def record(session: Session, actor: Actor | None, action: str, at: datetime | None = None,
           case_id: int | None = None, task: HumanTask | None = None, **detail: Any) -> None:
    """Adds one audit record: the one writer of the trail (case operations, deployments, drafts, migrations,
    timers, accounts). ``actor`` None is the engine itself (a timer); a task names the case, step and lane."""
    if task is not None:
        case_id = task.case_id if case_id is None else case_id
    session.add(AuditEvent(
        at=utcnow() if at is None else at, actor_id=actor.user_id if actor else None, case_id=case_id,
        action=action, detail=detail,
        task_id=task.id if task else None, step=task.name if task else None, lane=task.lane if task else None,
    ))
