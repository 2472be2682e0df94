"""The timer worker: fires every due timer once, each case in its own transaction (issue #5 item 5).

Due work is found through the indexed ``case_record.next_timer_at`` column, never by loading waiting
workflows. Each case is locked with ``SELECT … FOR UPDATE SKIP LOCKED`` and its due time checked again under
the lock, so two workers running at once never fire the same timer twice: the second one skips a case the
first holds, or finds it no longer due. (SQLite has no row locks; there the case's optimistic version makes
the later of two firings fail at commit, and it is rolled back.)

A firing that fails is rolled back, recorded on the case (``timer_error``, ``timer_attempts``) and retried
after a back-off that doubles up to a day (``timer_retry_at``); the other cases go on.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine import audit
from engine.access import SYSTEM
from engine.cases import service as cases
from engine.errors import TaskConflictError
from engine.persistence.models import Case

if TYPE_CHECKING:
    from engine.context import Context

log = logging.getLogger(__name__)

FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(days=1)
ERROR_LENGTH = 2000


def retry_delay(attempts: int) -> timedelta:
    """1 minute after the first failure, then 2, 4, 8 … minutes, never more than a day."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


@dataclass(frozen=True)
class TimerRun:
    fired: int = 0
    failed: list[int] = field(default_factory=list)  # case ids whose timer failed this run


def _due(now: datetime):
    """Only running cases wait on a timer (the projection clears next_timer_at when a case ends or is
    cancelled), so the scan is driven by the next_timer_at index alone.

    SpiffWorkflow fires a timer strictly after its due moment, so the comparison is strict too.
    """
    return Case.next_timer_at < now, or_(Case.timer_retry_at.is_(None), Case.timer_retry_at <= now)


class TimerWorker:
    def __init__(self, context: Context) -> None:
        self.context = context

    def due_case_ids(self, now: datetime, limit: int = 1000) -> list[int]:
        with self.context.unit_of_work() as session:
            return list(
                session.scalars(select(Case.id).where(*_due(now)).order_by(Case.next_timer_at).limit(limit))
            )

    def run(self) -> TimerRun:
        """Fires what is due now; returns how many cases fired and which failed."""
        now = self.context.clock()
        fired, failed = 0, []
        for case_id in self.due_case_ids(now):
            try:
                fired += self._fire(case_id, now)
            except TaskConflictError:
                continue  # another worker fired it first (SQLite): nothing of ours was saved
            except Exception as error:  # noqa: BLE001 - any failure must be recorded, not stop the others
                log.exception("timer of case %s failed", case_id)
                self._record_failure(case_id, error, now)
                failed.append(case_id)
        return TimerRun(fired, failed)

    def _fire(self, case_id: int, now: datetime) -> int:
        with self.context.unit_of_work() as session:
            case = session.scalar(
                select(Case)
                .where(Case.id == case_id, Case.status == "running", *_due(now))
                .with_for_update(skip_locked=True)
            )
            if case is None:
                return 0  # another worker holds it, or it already fired
            cases.fire_case_timers(session, SYSTEM, case, now)
            case.timer_attempts, case.timer_error, case.timer_retry_at = 0, None, None
            return 1

    def _record_failure(self, case_id: int, error: Exception, now: datetime) -> None:
        with self.context.unit_of_work() as session:
            case = session.get(Case, case_id)
            if case is None:
                return
            _mark_failed(session, case, f"{type(error).__name__}: {error}"[:ERROR_LENGTH], now)


def _mark_failed(session: Session, case: Case, message: str, now: datetime) -> None:
    case.timer_attempts = (case.timer_attempts or 0) + 1
    case.timer_error = message
    case.timer_retry_at = now + retry_delay(case.timer_attempts)
    audit.record(session, None, "timer_failed", now, case.id, error=message, attempt=case.timer_attempts,
                 retry_at=case.timer_retry_at.isoformat())
