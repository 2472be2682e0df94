"""The audit trail (透明性: who decided what, when and why must be traceable): append-only, and its search.

Append-only is enforced in three places, so no code path can rewrite history: the ORM refuses to flush a
changed or deleted AuditEvent, refuses bulk ``update()``/``delete()`` statements against it, and every
connection refuses SQL text that updates or deletes ``audit_event``. Rows are only ever added (by the
case operations, deployments and account changes).

``AuditTrail`` is the search for 総合政策課 and administrators: by case, person, action and date
(Japan time), newest first, and the same selection as CSV.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, Select, event, func, or_, select
from sqlalchemy.orm import Session, aliased

from engine import audit_details
from engine.access import Actor, Role
from engine.board.views import DataField
from engine.csv_export import csv_text
from engine.domain.wareki import DateInputError, format_wareki, parse_date_input
from engine.errors import FormDataError, NotAllowedError, RenkeiError
from engine.persistence.models import AuditEvent, Case, UserAccount

if TYPE_CHECKING:
    from engine.service import CaseEngine

JAPAN = ZoneInfo("Asia/Tokyo")

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
    "department_reactivated": "課の再有効化", "agreement_signed": "協定の締結", "agreement_renewed": "協定の更新",
    "agreement_terminated": "協定の解除", "invitation_issued": "招待リンクの発行", "password_set": "パスワードの設定",
    "organisation_registered": "企業等の新規登録（公開ページ）",
    "message_requirements_not_met": "要件非該当の報告による協定の解除", "message_general_meeting_called": "全体会議の招集",
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


def register() -> None:
    """Installs the three guards (idempotent: the engine may be built more than once in a process)."""
    for target, name, listener in ((Session, "before_flush", _refuse_flush), (Session, "do_orm_execute", _refuse_bulk),
                                   (Engine, "before_cursor_execute", _refuse_sql)):
        if not event.contains(target, name, listener):
            event.listen(target, name, listener)


def record(session: Session, actor: Actor, action: str, at: datetime | None = None, case_id: int | None = None,
           **detail: Any) -> None:
    """Adds one audit record (for features outside the case operations, e.g. account changes)."""
    session.add(AuditEvent(at=at, actor_id=actor.user_id, case_id=case_id, action=action, detail=detail))


@dataclass(frozen=True)
class AuditFilter:
    """What the clerk typed; ``AuditTrail`` checks it and says which field is wrong."""

    case: str = ""  # a case number (R7-0001) or id
    person: str = ""  # a username
    action: str = ""
    date_from: str = ""  # any date a clerk types (令和7年5月1日, 2025/5/1, …), Japan time
    date_to: str = ""


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    action: str
    action_label: str
    person: str | None
    username: str | None
    case_id: int | None
    case_number: str | None
    step: str | None
    lane: str | None
    task_id: str | None
    detail: dict[str, Any]  # as stored (the CSV export)
    fields: list[DataField] = field(default_factory=list)  # as people read it (the page)


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    total: int
    people: list[tuple[str, str]]  # (username, display name) of everyone in the trail
    actions: dict[str, str]  # every action in the trail, with its Japanese label


CSV_COLUMNS = ("日時", "日時（ISO）", "操作", "操作コード", "実行者", "利用者名", "案件番号", "手順", "レーン",
               "タスクID", "詳細（JSON）")


def _day_start(text: str, field: str, errors: dict[str, str], label: str) -> datetime | None:
    if not text.strip():
        return None
    try:
        day = parse_date_input(text)
    except DateInputError:
        errors[field] = f"{label}は 令和7年5月1日 や 2025-05-01 のように入力してください"
        return None
    return datetime.combine(day, time(0), JAPAN)


class AuditTrail:
    def __init__(self, engine: CaseEngine) -> None:
        self.engine = engine

    @staticmethod
    def _require_reader(actor: Actor) -> None:
        if not (actor.is_coordinator or actor.role is Role.ADMIN):
            raise NotAllowedError("監査記録は総合政策課とシステム管理者のみ閲覧できます")

    def _query(self, wanted: AuditFilter) -> Select:
        errors: dict[str, str] = {}
        start = _day_start(wanted.date_from, "date_from", errors, "開始日")
        end = _day_start(wanted.date_to, "date_to", errors, "終了日")
        if start and end and end < start:
            errors["date_to"] = "終了日は開始日以降の日付にしてください"
        if errors:
            raise FormDataError(errors)
        person = aliased(UserAccount)
        query = (select(AuditEvent, person.display_name, person.username, Case.number)
                 .outerjoin(person, AuditEvent.actor_id == person.id).outerjoin(Case, AuditEvent.case_id == Case.id))
        case = wanted.case.strip()
        if case:
            query = query.where(or_(Case.number == case.upper(), AuditEvent.case_id == int(case))
                                if case.isdigit() else Case.number == case.upper())
        if wanted.person.strip():
            query = query.where(person.username == wanted.person.strip())
        if wanted.action:
            query = query.where(AuditEvent.action == wanted.action)
        if start:
            query = query.where(AuditEvent.at >= start)
        if end:
            query = query.where(AuditEvent.at < end + timedelta(days=1))
        return query

    def search(self, actor: Actor, wanted: AuditFilter, limit: int = 100, offset: int = 0) -> AuditPage:
        self._require_reader(actor)
        query = self._query(wanted)
        with self.engine.unit_of_work() as session:
            total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
            found = session.execute(query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
                                    .limit(limit).offset(offset)).all()
            rows = self._rows(found, audit_details.details(session, [event for event, *_ in found]))
            people = [(u, n) for u, n in session.execute(
                select(UserAccount.username, UserAccount.display_name)
                .where(UserAccount.id.in_(select(AuditEvent.actor_id))).order_by(UserAccount.username))]
            actions = {code: ACTION_LABELS.get(code, code) for code in sorted(session.scalars(
                select(AuditEvent.action).distinct()))}
            return AuditPage(rows, total, people, actions)

    def export_csv(self, actor: Actor, wanted: AuditFilter, limit: int = 100_000) -> str:
        """The whole selection (oldest first, as a record is read), with dates in 令和 and ISO."""
        self._require_reader(actor)
        query = self._query(wanted)
        with self.engine.unit_of_work() as session:
            rows = self._rows(session.execute(query.order_by(AuditEvent.at, AuditEvent.id).limit(limit)))
        return csv_text(CSV_COLUMNS, (
            (_wareki_time(r.at), r.at.astimezone(JAPAN).isoformat(), r.action_label, r.action, r.person or "システム",
             r.username or "", r.case_number or "", r.step or "", r.lane or "", r.task_id or "",
             json.dumps(r.detail, ensure_ascii=False, sort_keys=True)) for r in rows))

    @staticmethod
    def _rows(result, fields: dict[int, list[DataField]] | None = None) -> list[AuditRow]:
        return [AuditRow(e.id, e.at, e.action, ACTION_LABELS.get(e.action, e.action), name, username, e.case_id,
                         number, e.step, e.lane, e.task_id, e.detail or {}, (fields or {}).get(e.id, []))
                for e, name, username, number in result]


def _wareki_time(moment: datetime) -> str:
    local = moment.astimezone(JAPAN)
    return f"{format_wareki(local.date())} {local:%H:%M}"
