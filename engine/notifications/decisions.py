"""The 企業等 hears ⑥'s decision not to conclude a 包括連携協定, with the reason written for it (R-5.6).

⑥ is 総合政策課's task, so the 企業等 would otherwise learn of the decision only by the case going quiet.
The reason it reads is ⑥'s ``reason_for_organisation`` (a field shared with the 企業等), never the internal
``necessity_reason``. The notice is written in the step's own transaction and keyed by the case, so a case
tells its organisation once.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine.domain.conclusion import NOT_CONCLUDE
from engine.events import Event, TaskCompleted
from engine.notifications.kinds import Kind
from engine.notifications.notice import Notice, notify
from engine.notifications.recipients import organisation_users
from engine.persistence.models import Case


def case_link(case_id: int) -> str:
    return f"/cases/{case_id}"


def on_task_completed(session: Session, event: Event) -> None:
    assert isinstance(event, TaskCompleted)
    submitted = event.submitted or {}
    reason = str(submitted.get("reason_for_organisation") or "").strip()
    if submitted.get("necessity") != NOT_CONCLUDE or not reason:
        return
    case = session.get(Case, event.case_id)
    if case is None:
        return
    notice = Notice(
        kind=Kind.AGREEMENT_DECLINED, key=f"{Kind.AGREEMENT_DECLINED.value}:{case.id}",
        title=f"包括連携協定は締結しないこととなりました：{case.title}（{case.number or ''}）",
        link=case_link(case.id), organisation_id=case.organisation_id, case_id=case.id,
        context={"case_number": case.number or "", "case_title": case.title,
                 "organisation_name": case.organisation.name, "reason": reason},
    )
    notify(session, notice, organisation_users(session, case.organisation_id), event.at)
