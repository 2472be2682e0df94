"""The audit trail's search for 総合政策課 and administrators: by case, person, action and date (Japan time),
newest first, with each record's details as labelled Japanese values, and the same selection as CSV.

The trail itself (its one writer, its labels and its append-only guards) is ``engine.audit``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import aliased

from engine.access import Actor, may_read_audit
from engine.audit import ACTION_LABELS
from engine.board import audit_details
from engine.board.views import DataField
from engine.csv_export import csv_text
from engine.domain.japan_time import JAPAN
from engine.domain.wareki import DateInputError, format_wareki, parse_date_input
from engine.errors import FormDataError, NotAllowedError
from engine.persistence.models import AuditEvent, Case, UserAccount

if TYPE_CHECKING:
    from engine.context import Context


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
    def __init__(self, context: Context) -> None:
        self.context = context

    @staticmethod
    def _require_reader(actor: Actor) -> None:
        if not may_read_audit(actor):
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
                                if case.isdecimal() else Case.number == case.upper())
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
        with self.context.unit_of_work() as session:
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
        with self.context.unit_of_work() as session:
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
