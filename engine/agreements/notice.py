"""Giving notice (協定終了の申出, R-6.2) from an agreement's page: who may give it now, and what it records.

Notice is something a 企業等 *does* when it decides to, not something it is waiting to be asked: it is an
action on its agreement's page, and the period's lifecycle case waits for it as a BPMN message
(``termination_notice``, caught by the receive tasks ``give_notice`` / ``give_late_notice``). The process
decides the consequences (renewal stops, or the notice carries to the next period); this module answers "may
this person give notice now" for the page, the JSON API and the service alike (``notice_refusal``), and writes
the register's record.

A case still on a version from before this change waits in a user task of the same id instead of the message;
the same action completes that task for the person, so such cases keep working until they are moved
(engine.library.migration).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access import Actor, may_act_on_agreement
from engine.agreements.lifecycle import ENDING, OPEN_STATUSES, running_period, validity
from engine.agreements.views import NoticeAction
from engine.cases import service as cases
from engine.domain.japan_time import today_in_japan
from engine.domain.wareki import format_wareki
from engine.errors import CaseStateError, FormDataError, NotAllowedError, RenkeiError
from engine.persistence.models import Agreement, AgreementNotice, AgreementPeriod, Case, HumanTask
from engine.persistence.models.agreement import COMPREHENSIVE
from engine.persistence.models.agreement_notice import BY_ORGANISATION
from engine.persistence.models.human_task import READY

MESSAGE = "termination_notice"
EARLIER_VERSION_TASKS = ("give_notice", "give_late_notice")  # user tasks before notice became an action
REASON_LIMIT, CONTACT_LIMIT = 2000, 200


def notice_refusal(session: Session, actor: Actor, agreement: Agreement, now: datetime) -> RenkeiError | None:
    """Why this person may not give notice on this agreement now (None: they may): the rule's one home."""
    if not may_act_on_agreement(actor, agreement, "give_notice"):
        return NotAllowedError("協定終了の申出は、協定を結んだ企業等の方が行えます（市からの申出は更新の確認で記録します）")
    period = running_period(session, agreement.id)
    case = session.get(Case, period.case_id) if period is not None else None
    if agreement.kind != COMPREHENSIVE or agreement.status not in OPEN_STATUSES or case is None \
            or case.status != "running":
        return CaseStateError("この協定は申出を受け付けていません（既に終了したか、有効期間の管理がない協定です）")
    if agreement.status == ENDING:
        return CaseStateError(
            f"終了の申出は既に記録されています。協定は{format_wareki(agreement.valid_until)}の期間満了をもって終了します")
    if session.scalar(select(AgreementNotice.id).where(AgreementNotice.period_id == period.id)) is not None:
        return CaseStateError("この有効期間の申出は既に記録されています。内容は下の「終了の申出」をご覧ください")
    if today_in_japan(now) > period.valid_until:
        return CaseStateError("有効期間が満了したため、この期間の申出は受け付けていません。画面を開き直してください")
    return None


def notice_action(session: Session, actor: Actor, agreement: Agreement, now: datetime) -> NoticeAction | None:
    """What the page offers: the deadline and what notice today would do; None when it may not be given."""
    if notice_refusal(session, actor, agreement, now) is not None:
        return None
    period = validity(running_period(session, agreement.id))
    in_time = period.notice_in_time(today_in_japan(now))
    return NoticeAction(period.notice_deadline, period.valid_until, not in_time,
                        period.valid_until if in_time else period.renewed().valid_until)


def notice_errors(reason: str, contact: str) -> dict[str, str]:
    errors = {}
    if not (reason or "").strip():
        errors["notice_reason"] = "申出の理由を入力してください"
    elif len(reason.strip()) > REASON_LIMIT:
        errors["notice_reason"] = f"申出の理由は{REASON_LIMIT}文字以内で入力してください"
    if not (contact or "").strip():
        errors["notice_contact"] = "担当者名・連絡先を入力してください"
    elif len(contact.strip()) > CONTACT_LIMIT:
        errors["notice_contact"] = f"担当者名・連絡先は{CONTACT_LIMIT}文字以内で入力してください"
    return errors


def give_notice(session: Session, actor: Actor, agreement: Agreement, reason: str, contact: str,
                now: datetime) -> None:
    """R-6.2: the notice is dated today in Japan; the period's case decides in time or late from that date."""
    refusal = notice_refusal(session, actor, agreement, now)
    if refusal is not None:
        raise refusal
    errors = notice_errors(reason, contact)
    if errors:
        raise FormDataError(errors)
    period = running_period(session, agreement.id)
    case = session.get(Case, period.case_id)
    today = today_in_japan(now)
    submission = {
        "given_on": today.isoformat(), "notice_reason": reason.strip(), "notice_contact": contact.strip()
    }
    if cases.deliver(session, actor, case, MESSAGE, submission, now):
        current = validity(period)
        record_notice(session, agreement, period, BY_ORGANISATION, today, current.notice_in_time(today),
                      submission["notice_reason"], submission["notice_contact"], actor.user_id, now)
        return
    earlier = session.scalar(select(HumanTask).where(
        HumanTask.case_id == case.id, HumanTask.state == READY, HumanTask.bpmn_id.in_(EARLIER_VERSION_TASKS)))
    if earlier is None:
        raise CaseStateError("この協定の期間は申出を受け付けていません（市が既に申出を記録した可能性があります）。画面を開き直してください")
    # its TaskCompleted handler (engine.agreements.lifecycle_tasks) records the notice
    answers = {"notice_confirmed": True, "notice_reason": submission["notice_reason"],
               "notice_contact": submission["notice_contact"]}
    cases.complete(session, actor, earlier.id, answers, now)


def record_notice(session: Session, agreement: Agreement, period: AgreementPeriod, given_by: str,
                  given_on: date, in_time: bool, reason: str | None, contact: str | None,
                  recorded_by_id: int | None, at: datetime, task_id: str | None = None) -> AgreementNotice:
    """The register's record of a notice, however it came (the page, the city's confirmation, an old task)."""
    current = validity(period)
    notice = AgreementNotice(
        agreement_id=agreement.id, period_id=period.id, task_id=task_id, given_by=given_by, given_on=given_on,
        in_time=in_time, takes_effect_on=current.valid_until if in_time else current.renewed().valid_until,
        reason=reason, contact=contact, recorded_by_id=recorded_by_id, recorded_at=at,
    )
    session.add(notice)
    if in_time:
        agreement.status = ENDING
    return notice
