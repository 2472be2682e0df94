"""R-8.1 / R-8.2: a 個別定例会議 every fiscal year for each 担当課 with projects, and 全体会議 when needed.

Signed 2025-06-15 (fiscal year 2025): the first meetings come in May 2026 and review fiscal year 2025;
after the renewal on 2027-04-01 the next ones come in May 2027 and review fiscal year 2026.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from engine.access import SYSTEM
from engine.errors import CaseStateError, FormDataError, NotAllowedError
from engine.persistence.models import AgreementCaseLink, Case
from tests.integration import lifecycle_steps

lifecycle = lifecycle_steps.lifecycle  # the fixture: a fresh database on a frozen clock

MEETING = "個別定例会議（R-8.1）"
DEPARTMENTS = [(MEETING, "こども育成相談課"), (MEETING, "市民自治推進課"), (MEETING, "環境政策課")]


def meetings(lc):
    return sorted(step for step in lc.open_steps() if step[0] == MEETING)


def test_each_department_with_projects_meets_the_partner_every_fiscal_year(lifecycle):
    lc = lifecycle.sign("2025-06-15")
    lc.at("2026-04-30T12:00:00")
    assert meetings(lc) == []
    lc.at("2026-05-01T09:00:01")
    assert meetings(lc) == DEPARTMENTS
    environment = lc.task(MEETING, "環境政策課")
    assert environment.due_at.date() == date(2026, 6, 30)
    rows = lc.task_data(MEETING, "環境政策課")["meeting_results"]
    assert [row["title"] for row in rows] == [
        "海岸清掃ボランティア",
        "環境学習の出前授業",
    ]  # both 環境 projects
    lc.clock.move_to("2026-05-20T10:00:00+09:00")
    lc.hold_meetings(date(2026, 5, 20), implemented=True)
    detail = lc.detail()
    assert [(r.label, r.recorded, r.implemented, r.citizen_reach) for r in detail.row.records] == [
        ("令和7年度", 4, 4, 480)
    ]
    assert {m.department_name for m in detail.meetings} == {
        "こども育成相談課",
        "市民自治推進課",
        "環境政策課",
    }
    lc.at("2027-04-01T00:00:01")
    lc.at("2027-05-01T09:00:01")
    assert meetings(lc) == DEPARTMENTS  # the next fiscal year, in the renewed period
    assert lc.task_data(MEETING, "こども育成相談課")["labels"]["review_year"] == "令和8年度"


def test_an_unfinished_meeting_is_marked_overdue_after_its_due_date(lifecycle):
    lc = lifecycle.sign("2025-06-15")
    lc.at("2026-05-01T09:00:01")
    assert not lc.task(MEETING, "環境政策課").overdue
    lc.clock.move_to("2026-07-01T00:00:01+09:00")
    assert lc.task(MEETING, "環境政策課").overdue


def test_a_meeting_date_in_the_future_is_refused_and_nothing_is_recorded(lifecycle):
    lc = lifecycle.sign("2025-06-15")
    lc.at("2026-05-01T09:00:01")
    rows = lc.task_data(MEETING, "環境政策課")["meeting_results"]
    with pytest.raises(FormDataError) as refused:
        lc.complete(
            MEETING,
            {
                "meeting_held_on": "2026-05-30",
                "new_proposals": [],
                "meeting_notes": "予定",
                "meeting_results": [{**r, "implemented": "no", "outcome": "未実施"} for r in rows],
            },
            department="環境政策課",
        )
    assert "meeting_held_on" in refused.value.errors
    assert lc.detail().meetings == [] and lc.detail().row.records == []


def test_a_new_proposal_at_a_meeting_starts_a_linked_case_for_the_coordinating_division(lifecycle):
    lc = lifecycle.sign("2025-06-15")
    lc.at("2026-05-01T09:00:01")
    lc.clock.move_to("2026-05-20T10:00:00+09:00")
    rows = lc.task_data(MEETING, "環境政策課")["meeting_results"]
    lc.complete(
        MEETING,
        {
            "meeting_held_on": "2026-05-20",
            "meeting_notes": "新たな提案あり",
            "meeting_results": [
                {**r, "implemented": "yes", "outcome": "実施", "citizen_reach": 50} for r in rows
            ],
            "new_proposals": [
                {
                    "title": "市内河川の水質調査",
                    "summary": "市民参加型の調査",
                    "category": "5",
                    "start_case": True,
                },
                {"title": "検討中の案", "summary": "次年度に再検討", "category": "5"},
            ],
        },
        department="環境政策課",
    )
    [linked] = lc.detail().linked_cases
    assert linked.status == "running"
    with lc.engine.unit_of_work() as session:
        case = session.get(Case, linked.id)
        assert (case.process_id, case.initiated_by) == ("comprehensive_agreement", "city")
        assert (
            session.scalar(select(AgreementCaseLink.agreement_id).where(AgreementCaseLink.case_id == case.id))
            == lc.agreement_id
        )
    status = lc.engine.case_status(SYSTEM, linked.id)
    assert [t.step for t in status.open_tasks] == ["① 提案内容の入力（市からの提案）"]
    proposal = lc.engine.get_task(lc.engine.actor("seisaku"), status.open_tasks[0].id).data["projects"]
    assert [p["title"] for p in proposal] == ["市内河川の水質調査"]  # only the one marked to start a case


def test_the_coordinating_division_calls_a_general_meeting_of_all_involved_departments(lifecycle):
    lc = lifecycle.sign("2025-06-15")
    lc.clock.move_to("2025-10-01T10:00:00+09:00")
    seisaku = lc.engine.actor("seisaku")
    lc.register.call_general_meeting(seisaku, lc.agreement_id, "防災訓練での連携について", "令和7年10月20日")
    [called] = lc.detail().meetings
    assert (called.kind, called.planned_on, called.held_on) == ("general", date(2025, 10, 20), None)
    assert called.invited == ["こども育成相談課", "市民自治推進課", "環境政策課"]
    with pytest.raises(CaseStateError, match="全体会議の記録がまだです"):
        lc.register.call_general_meeting(seisaku, lc.agreement_id, "別の議題", "2025-11-01")
    data = lc.task_data("全体会議（R-8.2）")
    assert [o["label"] for o in data["involved_departments"]] == [
        "こども育成相談課",
        "市民自治推進課",
        "環境政策課",
    ]
    lc.clock.move_to("2025-10-21T10:00:00+09:00")
    lc.complete(
        "全体会議（R-8.2）",
        {
            "general_held_on": "2025-10-20",
            "general_attendees": ["kodomo", "kankyo"],
            "general_minutes": "各課の取組を共有した",
        },
    )
    [held] = lc.detail().meetings
    assert (held.held_on, held.attendees, held.notes) == (
        date(2025, 10, 20),
        ["こども育成相談課", "環境政策課"],
        "各課の取組を共有した",
    )
    lc.register.call_general_meeting(seisaku, lc.agreement_id, "次年度の計画", "2025-11-01")  # may meet again
    assert len(lc.detail().meetings) == 2


def test_only_the_coordinating_division_calls_a_general_meeting_and_bad_input_names_its_field(lifecycle):
    lc = lifecycle.sign("2025-06-15")
    with pytest.raises(NotAllowedError):
        lc.register.call_general_meeting(lc.engine.actor("kankyo"), lc.agreement_id, "議題", "2025-07-01")
    with pytest.raises(FormDataError) as refused:
        lc.register.call_general_meeting(lc.engine.actor("seisaku"), lc.agreement_id, " ", "2025-02-30")
    assert set(refused.value.errors) == {"agenda", "planned_on"}
    with pytest.raises(FormDataError) as refused:  # a planned day is not past (engine.domain.plausible_dates)
        lc.register.call_general_meeting(lc.engine.actor("seisaku"), lc.agreement_id, "議題", "2025-06-14")
    assert refused.value.errors == {"planned_on": "開催予定日は今日（令和7年6月15日）以降の日付を入力してください"}
    assert lc.detail().meetings == []
