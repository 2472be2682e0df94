"""The 企業等 is told when its agreement is signed (R-5.7), with what signing starts: for a 包括連携協定 the
validity period (R-6.1) and the day by which either side must give notice not to renew (申出期限, R-6.2).

The city signs at ⑦ in its own lane, so without this notice the 企業等 would learn of the signing, and of a
deadline that renews the agreement without its word, only by opening its agreement page. The dates are the
agreement row's, computed once at signing by ``engine.domain.validity``; the period a renewal would bring is
``ValidityPeriod.renewed`` of the same rule.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine.domain.validity import ValidityPeriod
from engine.events import AgreementSigned, Event
from engine.notifications.kinds import Kind
from engine.notifications.notice import Notice, notify
from engine.notifications.recipients import organisation_users
from engine.notifications.watch import agreement_context, agreement_link
from engine.persistence.models import Agreement, Case
from engine.persistence.models.agreement import COMPREHENSIVE


def signed_context(agreement: Agreement, case: Case) -> dict:
    context = {**agreement_context(agreement, case.organisation, case), "comprehensive": agreement.kind == COMPREHENSIVE,
               "valid_from": agreement.valid_from.isoformat() if agreement.valid_from else None,
               "renewed_from": None, "renewed_until": None}
    if agreement.valid_from and agreement.valid_until:
        renewed = ValidityPeriod(agreement.valid_from, agreement.valid_until).renewed()
        context.update(renewed_from=renewed.valid_from.isoformat(), renewed_until=renewed.valid_until.isoformat())
    return context


def on_agreement_signed(session: Session, event: Event) -> None:
    assert isinstance(event, AgreementSigned)
    agreement = session.get(Agreement, event.agreement_id)
    if agreement is None:
        return
    case = session.get(Case, agreement.case_id)
    notice = Notice(
        kind=Kind.AGREEMENT_SIGNED, key=f"agreement_signed:{agreement.id}",
        title=f"協定を締結しました：{agreement.title}（{case.organisation.name}）",
        link=agreement_link(agreement.id), organisation_id=agreement.organisation_id, case_id=case.id,
        agreement_id=agreement.id, context=signed_context(agreement, case),
    )
    notify(session, notice, organisation_users(session, agreement.organisation_id), event.at)
