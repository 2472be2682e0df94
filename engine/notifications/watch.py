"""Notices nobody's click causes: a case stuck at one step, an agreement's notice deadline, a termination proposed.

The scan finds them by indexed columns (``case_record.waiting_since``, ``agreement.notice_deadline``)
and keys each notice by what it is about and the moment it refers to, so a case that moves on and gets
stuck again is reported again, but the same wait is reported once.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.domain.japan_time import today_in_japan
from engine.notifications.kinds import Kind
from engine.notifications.notice import Notice, notify
from engine.notifications.recipients import coordinators, department_staff, organisation_users
from engine.notifications.tasks import task_link
from engine.persistence.models import Agreement, Case, HumanTask, Organisation, Project
from engine.persistence.models.agreement import COMPREHENSIVE
from engine.persistence.models.human_task import READY

# Agreement statuses after which no deadline matters any more (the lifecycle of issue #5 sets them).
ENDED = ("ended", "terminated", "expired")


def _oldest_open_task(session: Session, case_id: int) -> HumanTask | None:
    return session.scalars(select(HumanTask).where(HumanTask.case_id == case_id, HumanTask.state == READY)
                           .order_by(HumanTask.created_at)).first()


def notify_waiting_cases(session: Session, now: datetime, limit: timedelta) -> int:
    """Cases whose current step has waited longer than ``limit``: 総合政策課 is told once per wait.

    A case with a timer pending is scheduled, not stuck (an agreement's lifecycle keeps the partner's 申出
    open all year while it waits for the renewal date), so only cases nothing will move are reported.
    """
    staff = coordinators(session)
    count = 0
    stuck = select(Case).where(Case.status == "running", Case.waiting_since.is_not(None), Case.next_timer_at.is_(None),
                               Case.waiting_since <= now - limit).order_by(Case.waiting_since)
    for case in session.scalars(stuck):
        task = _oldest_open_task(session, case.id)
        days = (now - case.waiting_since).days
        steps = "、".join(case.active_steps or [])
        notice = Notice(
            kind=Kind.CASE_WAITING, key=f"case_waiting:{case.id}:{case.waiting_since.isoformat()}",
            title=f"{days}日間止まっています：{case.number} {case.organisation.name}（{steps}）",
            link=task_link(task.id) if task else f"/cases/{case.id}", organisation_id=case.organisation_id,
            case_id=case.id, task_id=task.id if task else None,
            context={"case_number": case.number or "", "case_title": case.title, "steps": steps,
                     "organisation_name": case.organisation.name, "waiting_days": days,
                     "waiting_since": case.waiting_since.isoformat(), "limit_days": limit.days},
        )
        count += len(notify(session, notice, staff, now))
    return count


def agreement_owners(session: Session, agreement: Agreement):
    """総合政策課 owns every 包括連携協定 (R-1); an individual agreement also concerns its project's 担当課 (R-2)."""
    people = coordinators(session)
    if agreement.kind != COMPREHENSIVE and agreement.project_id:
        project = session.get(Project, agreement.project_id)
        people += department_staff(session, project.department_id if project else None)
    return people


def agreement_context(agreement: Agreement, organisation: Organisation, case: Case | None) -> dict:
    """``case`` is None for an agreement signed before the system (既存協定の登録)."""
    return {"agreement_title": agreement.title, "organisation_name": organisation.name,
            "case_number": case.number or "" if case else "", "signed_on": agreement.signed_on.isoformat(),
            "valid_until": agreement.valid_until.isoformat() if agreement.valid_until else None,
            "notice_deadline": agreement.notice_deadline.isoformat() if agreement.notice_deadline else None}


def notify_notice_deadlines(session: Session, now: datetime, lead_days: int) -> int:
    """Agreements whose notice deadline (R-6.2) falls within ``lead_days`` from today (Japan time)."""
    today = today_in_japan(now)
    count = 0
    approaching = (select(Agreement, Organisation, Case)
                   .join(Organisation, Agreement.organisation_id == Organisation.id)
                   .outerjoin(Case, Agreement.case_id == Case.id).where(
        Agreement.notice_deadline.is_not(None), Agreement.notice_deadline >= today,
        Agreement.notice_deadline <= today + timedelta(days=lead_days), Agreement.status.not_in(ENDED)))
    for agreement, organisation, case in session.execute(approaching):
        days = (agreement.notice_deadline - today).days
        context = {**agreement_context(agreement, organisation, case), "days_left": days}
        notice = Notice(
            kind=Kind.NOTICE_DEADLINE, key=f"notice_deadline:{agreement.id}:{agreement.notice_deadline.isoformat()}",
            title=f"申出期限まであと{days}日：{agreement.title}（{organisation.name}）",
            link=agreement_link(agreement.id), organisation_id=agreement.organisation_id,
            case_id=case.id if case else None,
            agreement_id=agreement.id, context=context,
        )
        count += len(notify(session, notice, agreement_owners(session, agreement), now))
    return count


def notify_termination_proposed(session: Session, agreement_id: int, reason: str, now: datetime,
                                task_id: str | None = None) -> int:
    """R-9: a termination was proposed. The lifecycle calls this inside its own unit of work.

    総合政策課 is pointed at the judgement task; the 企業等 concerned is told too (it should learn of it from the
    city, not by surprise), pointed at its agreement's page, since the city's task is not its to open.
    """
    agreement = session.get(Agreement, agreement_id)
    if agreement is None:
        return 0
    case = session.get(Case, agreement.case_id) if agreement.case_id is not None else None
    organisation = session.get(Organisation, agreement.organisation_id)
    staff = Notice(
        kind=Kind.TERMINATION_PROPOSED, key=f"termination_proposed:{agreement.id}:{task_id or now.date().isoformat()}",
        title=f"協定の解除が提案されました：{agreement.title}（{organisation.name}）",
        link=task_link(task_id) if task_id else agreement_link(agreement.id), organisation_id=agreement.organisation_id,
        case_id=case.id if case else None, task_id=task_id, agreement_id=agreement.id,
        context={**agreement_context(agreement, organisation, case), "reason": reason},
    )
    partner = replace(staff, link=agreement_link(agreement.id), task_id=None)
    return (len(notify(session, staff, agreement_owners(session, agreement), now))
            + len(notify(session, partner, organisation_users(session, agreement.organisation_id), now)))


def agreement_link(agreement_id: int) -> str:
    return f"/agreements/{agreement_id}"
