"""What a completed lifecycle task leaves in the register.

Notices, meetings with their 実績, R-9.1 judgements.

Runs as the TaskCompleted handler, in the completing request's transaction. It reads the completed task's
data from the workflow (the fields of docs/process-data.md), and refuses — rolling the whole submission back —
what the form cannot check without a clock: notice through the in-time screen once the deadline has passed,
and dates in the future.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access import SYSTEM
from engine.agreements.lifecycle import LIFECYCLE, period_of_case, validity
from engine.agreements.notice import record_notice
from engine.cases import service as cases
from engine.cases.stored import case_workflow
from engine.domain.japan_time import japan_date
from engine.domain.lifecycle_schedule import period_schedule
from engine.domain.plausible_dates import happened_error
from engine.domain.validity import fiscal_year
from engine.domain.wareki import format_wareki
from engine.errors import CaseStateError, FormDataError
from engine.events import Event, TaskCompleted
from engine.persistence.models import (
    Agreement,
    AgreementCaseLink,
    AgreementPeriod,
    AgreementReview,
    Case,
    Department,
    HumanTask,
    PartnershipMeeting,
    PartnershipResult,
)
from engine.persistence.models.agreement_notice import BY_CITY, BY_ORGANISATION
from engine.persistence.models.partnership_meeting import GENERAL, REGULAR


@dataclass(frozen=True)
class Completion:
    """One completed lifecycle task and everything a handler needs to record it."""

    session: Session
    agreement: Agreement
    period: AgreementPeriod
    task: HumanTask
    data: Mapping[str, Any]
    at: datetime
    actor_id: int | None

    @property
    def today(self) -> date:
        return japan_date(self.at)

    def not_after_today(self, key: str, label: str) -> date:
        """The record's own guard, whatever the form declares: asked of the one date rule, with the signing
        as the earliest day (a notice or meeting before the agreement existed is not on record)."""
        day = date.fromisoformat(self.data[key])
        message = happened_error(day, label=label, today=self.today, earliest=self.agreement.signed_on,
                                 earliest_label="協定の締結日")
        if message:
            raise FormDataError({key: message})
        return day


def on_task_completed(session: Session, event: Event) -> None:
    assert isinstance(event, TaskCompleted)
    case = session.get(Case, event.case_id)
    if case is None or case.process_id != LIFECYCLE:
        return
    task = session.get(HumanTask, event.task_id)
    handler = _HANDLERS.get(task.bpmn_id) if task is not None else None
    period = period_of_case(session, case.id)
    if handler is None or period is None:
        return
    data = case_workflow(case).get_task_from_id(UUID(task.id)).data
    handler(
        Completion(
            session, session.get(Agreement, period.agreement_id), period, task, data, event.at, event.actor_id
        )
    )


# --- 申出 (R-6.2) ------------------------------------------------------------------------------------
# give_notice and give_late_notice were user tasks before notice became an action on the agreement's page
# (engine.agreements.notice); these two record what cases still on such a version complete.
def _notice(
    done: Completion, given_by: str, given_on: date, in_time: bool, reason: str | None, contact: str | None
) -> None:
    record_notice(done.session, done.agreement, done.period, given_by, given_on, in_time, reason, contact,
                  done.actor_id, done.at, done.task.id)


def _give_notice(done: Completion) -> None:
    closes_at = period_schedule(validity(done.period)).notice_closes_at
    if done.at >= closes_at:
        raise CaseStateError(
            f"申出期限（{format_wareki(done.period.notice_deadline)}）を過ぎたため、この画面からは申し出られません。"
            "受信箱を開き直すと、期限後の申出の画面が表示されます（今期は更新され、次の期間満了で終了します）。"
        )
    _notice(
        done,
        BY_ORGANISATION,
        done.today,
        True,
        done.data.get("notice_reason"),
        done.data.get("notice_contact"),
    )


def _give_late_notice(done: Completion) -> None:
    _notice(
        done,
        BY_ORGANISATION,
        done.today,
        False,
        done.data.get("notice_reason"),
        done.data.get("notice_contact"),
    )


def _confirm_continuation(done: Completion) -> None:
    continuation = done.data.get("continuation")
    if continuation == "continue":
        return
    # a notice on paper belongs to this period: not after today, not before the period began
    given_on = date.fromisoformat(done.data["notice_given_on"])
    error = happened_error(given_on, label="申出日", today=done.today, earliest=done.period.valid_from,
                           earliest_label="現在の有効期間の開始日")
    if error:
        raise FormDataError({"notice_given_on": error})
    given_by = BY_CITY if continuation == "city_notice" else BY_ORGANISATION
    _notice(
        done,
        given_by,
        given_on,
        validity(done.period).notice_in_time(given_on),
        done.data.get("continuation_note"),
        None,
    )


# --- 定例会議 (R-8.1, R-8.2) --------------------------------------------------------------------------
def _hold_regular_meeting(done: Completion) -> None:
    held_on = done.not_after_today("meeting_held_on", "会議の開催日")
    review_year = int(done.data["schedule"]["review_year"])
    meeting = PartnershipMeeting(
        agreement_id=done.agreement.id,
        period_id=done.period.id,
        kind=REGULAR,
        department_id=done.task.department_id,
        review_year=review_year,
        held_on=held_on,
        notes=done.data.get("meeting_notes"),
        task_id=done.task.id,
        recorded_by_id=done.actor_id,
        created_at=done.at,
    )
    done.session.add(meeting)
    done.session.flush()
    for row in done.data.get("meeting_results") or []:
        implemented = row.get("implemented") == "yes"
        done.session.add(
            PartnershipResult(
                agreement_id=done.agreement.id,
                project_id=int(row["project_id"]),
                meeting_id=meeting.id,
                fiscal_year=review_year,
                implemented=implemented,
                outcome=row.get("outcome"),
                citizen_reach=row.get("citizen_reach") if implemented else None,
                recorded_by_id=done.actor_id,
                recorded_at=done.at,
            )
        )
    raised = [p for p in done.data.get("new_proposals") or [] if p.get("title")]
    chosen = [p for p in raised if p.get("start_case")]
    case_id = _start_proposal_case(done, meeting, chosen) if chosen else None
    meeting.proposals = [
        {"title": p["title"], "summary": p.get("summary"), "category": p.get("category"),
         "case_id": case_id if p.get("start_case") else None}
        for p in raised
    ]  # kept on the meeting's record: one left unticked can still become a case from the agreement's page


def _start_proposal_case(done: Completion, meeting: PartnershipMeeting, proposals: list[dict]) -> int:
    """R-8.1: new proposals become a ① case (市からの提案) for 総合政策課, linked to this agreement."""
    department = done.session.get(Department, done.task.department_id)
    department_name = department.name if department else "担当課"
    year = fiscal_year(done.today)
    data = {
        "proposal_title": f"{done.agreement.title}：{department_name}の個別定例会議からの提案",
        "proposal_summary": f"{format_wareki(meeting.held_on)}の個別定例会議で提案された連携事業です。",
        "projects": [
            {
                "id": "",
                "title": p["title"],
                "summary": p.get("summary"),
                "category": p.get("category"),
                "fiscal_year": year,
                "department": None,
            }
            for p in proposals
        ],
    }
    case = cases.start_case(
        done.session, SYSTEM, "comprehensive_agreement", done.agreement.organisation_id, "city", done.at, data
    )
    done.session.add(
        AgreementCaseLink(
            agreement_id=done.agreement.id, case_id=case.id, meeting_id=meeting.id, created_at=done.at
        )
    )
    return case.id


def _record_general_meeting(done: Completion) -> None:
    held_on = done.not_after_today("general_held_on", "開催日")
    meeting = done.session.scalar(
        select(PartnershipMeeting)
        .where(
            PartnershipMeeting.period_id == done.period.id,
            PartnershipMeeting.kind == GENERAL,
            PartnershipMeeting.held_on.is_(None),
        )
        .order_by(PartnershipMeeting.id.desc())
    )
    if meeting is None:
        raise CaseStateError("招集の記録が見つかりません。協定台帳から全体会議を招集し直してください")
    codes = set(done.data.get("general_attendees") or [])
    meeting.attendee_department_ids = [
        d.id
        for d in done.session.scalars(
            select(Department).where(Department.code.in_(codes)).order_by(Department.id)
        )
    ]
    meeting.held_on, meeting.notes = held_on, done.data.get("general_minutes")
    meeting.task_id, meeting.recorded_by_id = done.task.id, done.actor_id


# --- R-9.1 --------------------------------------------------------------------------------------------
def _judge_future(done: Completion) -> None:
    done.session.add(
        AgreementReview(
            agreement_id=done.agreement.id,
            period_id=done.period.id,
            review_year=int(done.data["schedule"]["review_year"]),
            decision=done.data["future_decision"],
            reason=done.data.get("future_reason") or "",
            task_id=done.task.id,
            decided_by_id=done.actor_id,
            decided_at=done.at,
        )
    )


_HANDLERS: dict[str, Callable[[Completion], None]] = {
    "give_notice": _give_notice,
    "give_late_notice": _give_late_notice,
    "confirm_continuation": _confirm_continuation,
    "hold_regular_meeting": _hold_regular_meeting,
    "record_general_meeting": _record_general_meeting,
    "judge_future": _judge_future,
}
