"""The life of a signed 包括連携協定 (issue #5; R-6, R-8, R-9): one lifecycle case per validity period.

Signing starts the first period's case; when a period's case ends, its outcome decides what follows: renewed →
the next period's case starts (R-6.2), ended → the agreement is over, terminated → the 解除 is recorded (R-9).
Everything here runs as a domain-event handler inside the transaction of the step that caused it, so a period
never ends without its successor or its record.

The BPMN decides *what* happens (processes/agreement_lifecycle); this module supplies the dates it waits for
(engine.domain.lifecycle_schedule) and the facts it cannot know (the projects and 実績 under the agreement).
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access import SYSTEM
from engine.agreements.scope import involved_departments, meeting_departments, results_by_year
from engine.cases import service as cases
from engine.cases.stored import case_workflow
from engine.domain.japan_time import japan_date
from engine.domain.lifecycle_schedule import ScheduleSettings, ScheduleSettingsError, period_schedule
from engine.domain.validity import ValidityPeriod, fiscal_year, initial_period
from engine.errors import WorkflowFailure
from engine.events import AgreementSigned, CaseEnded, Event, TaskReady
from engine.library.deployment import compiled_version
from engine.notifications.service import notify_termination_proposed
from engine.persistence.models import (
    Agreement,
    AgreementPeriod,
    AgreementTermination,
    Case,
    HumanTask,
)
from engine.persistence.models.agreement import COMPREHENSIVE
from engine.persistence.models.human_task import COMPLETED
from engine.persistence.models.process_version import latest
from engine.workflow.runner import case_data

log = logging.getLogger(__name__)

LIFECYCLE = "agreement_lifecycle"

# Agreement.status values and how the register names them (issue #5 item 1).
ACTIVE, RENEWED, ENDING, ENDED, TERMINATED = "active", "renewed", "ending", "ended", "terminated"
STATUS_LABELS = {ACTIVE: "有効", RENEWED: "更新済み", ENDING: "終了予定", ENDED: "終了", TERMINATED: "解除"}
OPEN_STATUSES = (ACTIVE, RENEWED, ENDING)


def period_of_case(session: Session, case_id: int) -> AgreementPeriod | None:
    return session.scalar(select(AgreementPeriod).where(AgreementPeriod.case_id == case_id))


def running_period(session: Session, agreement_id: int) -> AgreementPeriod | None:
    """The period in force: the latest one without an outcome yet."""
    return session.scalar(
        select(AgreementPeriod)
        .where(AgreementPeriod.agreement_id == agreement_id, AgreementPeriod.outcome.is_(None))
        .order_by(AgreementPeriod.number.desc())
    )


def validity(period: AgreementPeriod) -> ValidityPeriod:
    return ValidityPeriod(period.valid_from, period.valid_until)


# --- starting a period -----------------------------------------------------------------------------
def on_agreement_signed(session: Session, event: Event) -> None:
    assert isinstance(event, AgreementSigned)
    agreement = session.get(Agreement, event.agreement_id)
    if agreement is None or agreement.kind != COMPREHENSIVE:
        return  # R-6 is the validity of a 包括連携協定; an individual agreement states its own terms
    if latest(session, LIFECYCLE) is None:
        log.warning(
            "agreement %s signed but %s is not deployed: no lifecycle case started", agreement.id, LIFECYCLE
        )
        return
    start_period(session, agreement, 1, initial_period(agreement.signed_on), None, event.at)


def first_recorded_year(agreement: Agreement) -> int:
    """R-9.1 looks for fiscal years without 実績 from the first year the system could record them: the
    signing's, or for an agreement signed before the system (既存協定の登録) the year it was entered — its
    earlier years' 実績 were never entered here, so their absence says nothing."""
    start = agreement.signed_on
    if agreement.registered_at is not None:
        start = max(start, japan_date(agreement.registered_at))
    return fiscal_year(start)


def _schedule_settings(compiled) -> ScheduleSettings:
    try:
        return ScheduleSettings.from_mapping(compiled.metadata.get("schedule"))
    except ScheduleSettingsError as error:
        raise WorkflowFailure(f"{LIFECYCLE}/process.json: {error}") from None


def start_period(
    session: Session,
    agreement: Agreement,
    number: int,
    period: ValidityPeriod,
    carried_notice: dict[str, Any] | None,
    now: datetime,
    entered_on: date | None = None,
) -> AgreementPeriod:
    """Starts the lifecycle case of one validity period, with the dates its timers wait for; ``entered_on`` is
    the day a period already running was entered (既存協定の登録)."""
    version = latest(session, LIFECYCLE)
    if version is None:
        raise WorkflowFailure(f"プロセス「{LIFECYCLE}」がデプロイされていません")
    schedule = period_schedule(period, _schedule_settings(compiled_version(version)), entered_on)
    data = {
        "agreement_id": agreement.id,
        "agreement_title": agreement.title,
        "period": {"number": number, **period.as_dict()},
        "schedule": schedule.timers(),
        "due_dates": schedule.due_dates(),
        "labels": schedule.labels(),
        "first_fiscal_year": first_recorded_year(agreement),
        "results_by_year": results_by_year(session, agreement.id),
        "meeting_departments": meeting_departments(session, agreement),
        "involved_departments": involved_departments(session, agreement),
        "carried_notice": carried_notice,
    }
    case = cases.start_case(
        session, SYSTEM, LIFECYCLE, agreement.organisation_id, "city", now, data, by_engine=True
    )
    case.title = f"{agreement.title}（第{number}期）"
    row = AgreementPeriod(
        agreement_id=agreement.id,
        number=number,
        valid_from=period.valid_from,
        valid_until=period.valid_until,
        notice_deadline=period.notice_deadline,
        case_id=case.id,
        started_at=now,
    )
    session.add(row)
    session.flush()
    return row


def on_task_ready(session: Session, event: Event) -> None:
    """R-9.1: a termination is proposed when 総合政策課's judgement task appears; the partner hears it too."""
    assert isinstance(event, TaskReady)
    task = session.get(HumanTask, event.task_id)
    period = (
        period_of_case(session, event.case_id)
        if task is not None and task.bpmn_id == "judge_future"
        else None
    )
    if period is not None:
        notify_termination_proposed(
            session, period.agreement_id, "2年度以上連携の実績がないため（R-9.1）", event.at, task.id
        )


# --- a period ends ---------------------------------------------------------------------------------
def on_case_ended(session: Session, event: Event) -> None:
    assert isinstance(event, CaseEnded)
    case = session.get(Case, event.case_id)
    period = (
        period_of_case(session, event.case_id) if case is not None and case.process_id == LIFECYCLE else None
    )
    if period is None:
        return
    agreement = session.get(Agreement, period.agreement_id)
    period.outcome, period.ended_at = event.outcome, event.at
    data = case_data(case_workflow(case))
    if event.outcome == "renewed":
        _renew(session, agreement, period, data.get("carried_notice"), event.at)
    elif event.outcome == "ended":
        agreement.status = ENDED
    elif event.outcome == "terminated":
        _record_termination(session, agreement, period, data.get("termination") or {}, event.at)


def _renew(
    session: Session, agreement: Agreement, period: AgreementPeriod, carried: Any, now: datetime
) -> None:
    """R-6.2: one more year from the day after expiry. Late notice carries over and ends the next period."""
    following = validity(period).renewed()
    agreement.valid_from, agreement.valid_until = following.valid_from, following.valid_until
    agreement.notice_deadline = following.notice_deadline
    carried_notice = {**carried, "in_time": True, "carried": True} if isinstance(carried, dict) else None
    agreement.status = ENDING if carried_notice else RENEWED
    start_period(session, agreement, period.number + 1, following, carried_notice, now)


def _record_termination(
    session: Session, agreement: Agreement, period: AgreementPeriod, details: dict[str, Any], now: datetime
) -> None:
    """R-9: who decided, when and why. R-9.2 reports carry the reporter; R-9.1 is the judge task's person."""
    decided_by = details.get("decided_by_id")
    if decided_by is None:
        decided_by = session.scalar(
            select(HumanTask.completed_by_id)
            .where(
                HumanTask.case_id == period.case_id,
                HumanTask.bpmn_id == "judge_future",
                HumanTask.state == COMPLETED,
            )
            .order_by(HumanTask.completed_at.desc())
        )
    session.add(
        AgreementTermination(
            agreement_id=agreement.id,
            period_id=period.id,
            ground=str(details.get("ground") or "R-9"),
            items=list(details.get("items") or []),
            reason=str(details.get("reason") or ""),
            terminated_on=japan_date(now),
            decided_by_id=decided_by,
            decided_at=now,
        )
    )
    agreement.status = TERMINATED
