"""The audit trail (透明性): append-only whatever the code path, and searchable by case, person, action and date."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, select, text, update

from engine.audit import AuditTrailImmutableError
from engine.board.audit_trail import AuditFilter, AuditTrail
from engine.errors import FormDataError, NotAllowedError
from engine.persistence.models import AuditEvent
from tests.integration.flow import FOUR_PROJECTS_THREE_CATEGORIES, Flow


def first_event_id(engine) -> int:
    with engine.unit_of_work() as session:
        return session.scalar(select(AuditEvent.id).order_by(AuditEvent.id))


def test_changing_an_audit_record_through_the_orm_is_refused(engine):
    Flow(engine).start()
    with pytest.raises(AuditTrailImmutableError), engine.unit_of_work() as session:
        session.get(AuditEvent, first_event_id(engine)).action = "rewritten"
    with engine.unit_of_work() as session:
        assert session.get(AuditEvent, first_event_id(engine)).action == "definition_deployed"


def test_deleting_an_audit_record_is_refused(engine):
    with pytest.raises(AuditTrailImmutableError), engine.unit_of_work() as session:
        session.delete(session.get(AuditEvent, first_event_id(engine)))


@pytest.mark.parametrize("statement", [
    update(AuditEvent).values(action="rewritten"),
    delete(AuditEvent),
    text("UPDATE audit_event SET action = 'rewritten'"),
    text("delete from audit_event"),
], ids=["bulk update", "bulk delete", "SQL update", "SQL delete"])
def test_bulk_and_raw_sql_changes_to_the_trail_are_refused(engine, statement):
    Flow(engine).start()
    with pytest.raises(AuditTrailImmutableError), engine.unit_of_work() as session:
        session.execute(statement)
    with engine.unit_of_work() as session:
        assert "rewritten" not in set(session.scalars(select(AuditEvent.action)))
        assert session.scalar(select(AuditEvent.id).limit(1)) is not None


def test_every_step_can_be_found_by_case_person_action_and_date(engine, clock):
    first = Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES)
    clock.now += timedelta(days=3)  # 2025-05-04 in Japan
    first.record_partnership()
    other = Flow(engine, "mirai").start()
    trail, seisaku = AuditTrail(engine), engine.actor("seisaku")
    number = first.status().number
    by_case = trail.search(seisaku, AuditFilter(case=number))
    assert [r.action for r in by_case.rows] == ["task_completed", "task_completed", "case_started"]
    assert {r.case_number for r in by_case.rows} == {number}
    by_person = trail.search(seisaku, AuditFilter(person="seisaku"))
    assert [(r.step, r.person) for r in by_person.rows] == [("② 連携事業の実績を整理", "総合政策課 政策 一郎")]
    on_day = trail.search(seisaku, AuditFilter(date_from="令和7年5月4日", date_to="2025/5/4"))
    assert [r.action for r in on_day.rows] == ["case_started", "task_completed"]
    assert {r.case_number for r in on_day.rows} == {number, other.status().number}
    started = trail.search(seisaku, AuditFilter(action="case_started"))
    assert started.total == 2 and started.actions["case_started"] == "案件の開始"


def test_a_wrong_date_or_a_reversed_range_names_the_field(engine):
    trail, seisaku = AuditTrail(engine), engine.actor("seisaku")
    with pytest.raises(FormDataError) as wrong:
        trail.search(seisaku, AuditFilter(date_from="5月の初め"))
    assert wrong.value.errors == {"date_from": "開始日は 令和7年5月1日 や 2025-05-01 のように入力してください"}
    with pytest.raises(FormDataError) as reversed_range:
        trail.search(seisaku, AuditFilter(date_from="2025-05-10", date_to="2025-05-01"))
    assert reversed_range.value.errors == {"date_to": "終了日は開始日以降の日付にしてください"}


def test_only_the_coordinating_division_and_administrators_read_the_trail(engine):
    trail = AuditTrail(engine)
    assert trail.search(engine.actor("admin"), AuditFilter()).total >= 1
    for username in ("kankyo", "shonan", "kanri"):
        with pytest.raises(NotAllowedError):
            trail.search(engine.actor(username), AuditFilter())


def test_the_export_is_excel_ready_csv_with_reiwa_and_iso_dates(engine):
    flow = Flow(engine).start()
    exported = AuditTrail(engine).export_csv(engine.actor("seisaku"), AuditFilter(case=flow.status().number))
    assert exported.startswith("\ufeff日時,日時（ISO）,操作,操作コード,実行者,")
    [row] = exported.splitlines()[1:]
    assert row.startswith("令和7年5月1日 09:00,2025-05-01T09:00:00+09:00,案件の開始,case_started,湘南 花子")
