"""What happens after each domain event: the one table to read (cosmicpython's ``EVENT_HANDLERS``).

Every handler runs inside the unit of work of the step that published the event, in the order listed here;
if one fails, the whole step is rolled back. A feature that reacts to an event adds its handler to this
table, and nowhere else: there are no ``register()`` calls to find.
"""

from __future__ import annotations

from engine.agreements import individual, lifecycle, lifecycle_tasks
from engine.documents import rounds as agreement_documents
from engine.events import (
    AgreementSigned,
    CaseEnded,
    CaseStarted,
    EventHandlers,
    TaskCompleted,
    TaskReady,
    TaskReassigned,
    TimerFired,
)
from engine.notifications import decisions as decision_notices
from engine.notifications import signing as signing_notices
from engine.notifications import tasks as task_notices

EVENT_HANDLERS: EventHandlers = {
    CaseStarted: [],
    TaskReady: [
        task_notices.on_task_ready,  # in-app notice and its mail in the outbox (issue #7)
        lifecycle.on_task_ready,  # 判断 of the future ready → the partner is told 解除 is proposed
    ],
    TaskReassigned: [task_notices.on_task_reassigned],  # the new holder is told (mail per preference)
    TaskCompleted: [
        lifecycle_tasks.on_task_completed,  # meetings, notices, 解除 recorded from the task
        decision_notices.on_task_completed,  # ⑥ declined → the 企業等 is told, with its reason
        agreement_documents.on_task_completed,  # a negotiation round → its 協定書（案） on record
    ],
    CaseEnded: [
        lifecycle.on_case_ended,  # a period ends → renewal, end, or the 解除 record
        individual.on_case_ended,  # a 個別協定 under an agreement ends 締結 → its register row
    ],
    AgreementSigned: [
        lifecycle.on_agreement_signed,  # a signed 包括連携協定 → its first period's case
        agreement_documents.on_agreement_signed,  # the 協定書 as signed: its fields and template version
        signing_notices.on_agreement_signed,  # its 企業等 is told: validity and 申出期限
    ],
    TimerFired: [],
}
