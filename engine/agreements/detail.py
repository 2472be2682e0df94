"""One agreement with its history.

Periods (renewals), notices, meetings and 実績, judgements, 解除 and the cases started under it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from engine.access import (
    Actor,
    individual_role_refusal,
    lists_lane,
    may_act_on_agreement,
    may_read_task,
    sees_city_data,
)
from engine.agreements.individual import startable_projects
from engine.agreements.lifecycle import OPEN_STATUSES, running_period
from engine.agreements.links import CaseLinks
from engine.agreements.meeting_proposals import AS_INDIVIDUAL, AS_PROPOSAL, proposal_refusal
from engine.agreements.notice import notice_action
from engine.agreements.queries import agreement_row, notice_view, visible_agreement
from engine.agreements.views import (
    REQUIREMENT_ITEMS,
    AgreementDetail,
    Choice,
    LifecycleTask,
    LinkedCaseView,
    MeetingView,
    ProposalView,
    ResultView,
    ReviewView,
    TerminationView,
    TimerProblem,
)
from engine.domain.lifecycle_schedule import fiscal_year_label
from engine.domain.wareki import format_wareki
from engine.persistence.models import (
    Agreement,
    AgreementCaseLink,
    AgreementNotice,
    AgreementReview,
    AgreementTermination,
    Case,
    Department,
    HumanTask,
    PartnershipMeeting,
    PartnershipResult,
    Project,
    UserAccount,
)
from engine.persistence.models.human_task import READY
from engine.persistence.models.partnership_meeting import GENERAL, REGULAR


def _notices(session: Session, agreement_id: int):
    rows = session.execute(
        select(AgreementNotice, UserAccount.display_name)
        .outerjoin(UserAccount, AgreementNotice.recorded_by_id == UserAccount.id)
        .where(AgreementNotice.agreement_id == agreement_id)
        .order_by(AgreementNotice.id)
    )
    return [notice_view(notice, name) for notice, name in rows]


def _results(session: Session, agreement_id: int) -> list[ResultView]:
    rows = session.execute(
        select(PartnershipResult, Project.title, Department.name)
        .join(Project, PartnershipResult.project_id == Project.id)
        .outerjoin(Department, Project.department_id == Department.id)
        .where(PartnershipResult.agreement_id == agreement_id)
        .order_by(PartnershipResult.fiscal_year.desc(), Project.id)
    )
    return [
        ResultView(
            r.fiscal_year,
            fiscal_year_label(r.fiscal_year),
            title,
            department,
            r.implemented,
            r.outcome,
            r.citizen_reach,
        )
        for r, title, department in rows
    ]


def _proposals(
    actor: Actor, agreement: Agreement, meeting: PartnershipMeeting, links: CaseLinks
) -> list[ProposalView]:
    open_now = agreement.status in OPEN_STATUSES
    views = []
    for number, p in enumerate(meeting.proposals or [], start=1):
        started = bool(p.get("case_id"))
        views.append(ProposalView(
            number, p.get("title") or "", p.get("summary"), p.get("category"),
            links.shown(p.get("case_id")), started,
            open_now and not started and proposal_refusal(actor, agreement, meeting, AS_PROPOSAL) is None,
            open_now and not started and proposal_refusal(actor, agreement, meeting, AS_INDIVIDUAL) is None,
        ))
    return views


def _meetings(
    session: Session, actor: Actor, agreement: Agreement, linked: list[LinkedCaseView]
) -> list[MeetingView]:
    """Each meeting with the cases started from it (① proposals and 個別協定, R-8.1) that this person may open."""
    agreement_id = agreement.id
    links = CaseLinks(session, actor)
    names = {d.id: d.name for d in session.scalars(select(Department))}
    from_meeting: dict[int, list[LinkedCaseView]] = {}
    for case in linked:
        if case.meeting_id is not None:
            from_meeting.setdefault(case.meeting_id, []).append(case)
    rows = session.scalars(
        select(PartnershipMeeting)
        .where(PartnershipMeeting.agreement_id == agreement_id)
        .order_by(PartnershipMeeting.id.desc())
    )
    return [
        MeetingView(
            m.kind,
            names.get(m.department_id),
            m.review_year,
            fiscal_year_label(m.review_year) if m.review_year else None,
            m.agenda,
            m.planned_on,
            m.held_on,
            m.notes,
            [names[i] for i in m.invited_department_ids or [] if i in names],
            [names[i] for i in m.attendee_department_ids or [] if i in names],
            m.id,
            from_meeting.get(m.id, []),
            _proposals(actor, agreement, m, links),
        )
        for m in rows
    ]


def _reviews(session: Session, agreement_id: int, actor: Actor) -> list[ReviewView]:
    """R-9.1 judgements: the decision concerns the 企業等, the reason is the city's own (``sees_city_data``)."""
    internal = sees_city_data(actor)
    rows = session.execute(
        select(AgreementReview, UserAccount.display_name)
        .outerjoin(UserAccount, AgreementReview.decided_by_id == UserAccount.id)
        .where(AgreementReview.agreement_id == agreement_id)
        .order_by(AgreementReview.id)
    )
    return [
        ReviewView(
            r.review_year,
            f"{fiscal_year_label(r.review_year - 1)}・{fiscal_year_label(r.review_year)}",
            r.decision,
            r.reason if internal else None,
            name,
            r.decided_at,
        )
        for r, name in rows
    ]


def _termination(session: Session, agreement_id: int) -> TerminationView | None:
    found = session.execute(
        select(AgreementTermination, UserAccount.display_name)
        .outerjoin(UserAccount, AgreementTermination.decided_by_id == UserAccount.id)
        .where(AgreementTermination.agreement_id == agreement_id)
    ).first()
    if found is None:
        return None
    termination, name = found
    return TerminationView(
        termination.ground,
        [REQUIREMENT_ITEMS.get(i, i) for i in termination.items or []],
        termination.reason,
        termination.terminated_on,
        name,
        termination.decided_at,
    )


def _linked(session: Session, agreement_id: int) -> list[LinkedCaseView]:
    rows = session.execute(
        select(Case, AgreementCaseLink.meeting_id, AgreementCaseLink.project_id)
        .join(AgreementCaseLink, AgreementCaseLink.case_id == Case.id)
        .where(AgreementCaseLink.agreement_id == agreement_id)
        .order_by(Case.id)
    )
    return [
        LinkedCaseView(c.id, c.number or "", c.title, c.status, c.outcome, meeting_id, project_id is not None)
        for c, meeting_id, project_id in rows
    ]


def _open_tasks(session: Session, actor: Actor, case_id: int, now: datetime) -> list[LifecycleTask]:
    """The running period's tasks (a 企業等 sees only its own lane's; its 申出 is an action, not a task)."""
    department = aliased(Department)
    query = (
        select(HumanTask, department.name)
        .outerjoin(department, HumanTask.department_id == department.id)
        .where(HumanTask.case_id == case_id, HumanTask.state == READY)
        .order_by(HumanTask.due_at, HumanTask.created_at)
    )
    rows = [(t, name) for t, name in session.execute(query) if lists_lane(actor, t.lane)]
    return [
        LifecycleTask(
            t.id,
            t.name,
            t.lane,
            name,
            t.project_title,
            t.created_at,
            t.due_at,
            t.due_at is not None and t.due_at < now,
            may_read_task(actor, t),
        )
        for t, name in rows
    ]


def agreement_detail(session: Session, actor: Actor, agreement_id: int, now: datetime) -> AgreementDetail:
    agreement = visible_agreement(session, actor, agreement_id)
    period = running_period(session, agreement.id)
    case = session.get(Case, period.case_id) if period is not None else None
    problem = (
        TimerProblem(case.timer_attempts, case.timer_error, case.timer_retry_at)
        if case is not None and case.timer_error
        else None
    )
    general_open = (
        period is not None
        and session.scalar(
            select(PartnershipMeeting.id).where(
                PartnershipMeeting.period_id == period.id,
                PartnershipMeeting.kind == GENERAL,
                PartnershipMeeting.held_on.is_(None),
            )
        )
        is not None
    )
    linked = CaseLinks(session, actor).linked(_linked(session, agreement.id))
    return AgreementDetail(
        row=agreement_row(session, actor, agreement.id),
        notices=_notices(session, agreement.id),
        results=_results(session, agreement.id),
        meetings=_meetings(session, actor, agreement, linked),
        reviews=_reviews(session, agreement.id, actor),
        termination=_termination(session, agreement.id),
        linked_cases=linked,
        lifecycle_case_id=case.id if case is not None else None,
        timer_problem=problem,
        may_act=may_act_on_agreement(actor, agreement, "call_general_meeting")
        and agreement.status in OPEN_STATUSES
        and case is not None,
        general_meeting_open=general_open,
        open_tasks=_open_tasks(session, actor, case.id, now) if case is not None else [],
        startable=(
            startable_projects(session, actor, agreement) if individual_role_refusal(actor) is None else []
        ),
        meeting_choices=_meeting_choices(session, agreement.id),
        notice=notice_action(session, actor, agreement, now),
    )


def _meeting_choices(session: Session, agreement_id: int) -> list[Choice]:
    """The held 個別定例会議 a 個別協定 may be started from (R-8.1), newest first."""
    names = {d.id: d.name for d in session.scalars(select(Department))}
    rows = session.scalars(
        select(PartnershipMeeting)
        .where(PartnershipMeeting.agreement_id == agreement_id, PartnershipMeeting.kind == REGULAR,
               PartnershipMeeting.held_on.is_not(None))
        .order_by(PartnershipMeeting.held_on.desc(), PartnershipMeeting.id.desc())
    )
    return [Choice(str(m.id), f"{format_wareki(m.held_on)}の個別定例会議（{names.get(m.department_id, '担当課')}）")
            for m in rows]
