"""The timer worker: fires every due timer once, each case in its own transaction (issue #5 item 5).

Due work is found through the indexed ``case_record.next_timer_at`` column, never by loading waiting
workflows. Before a worker tries a case it claims that attempt: one conditional UPDATE moves
``timer_retry_at`` a lease ahead, on the condition that the case is still due at the attempt count the worker
read. Of several workers running at once (threads, processes, machines; PostgreSQL or SQLite) exactly one
sees its UPDATE change the row; the others find the case not due and pass on (issue #14 item 5).

The owner then fires the case under ``SELECT … FOR UPDATE`` (web requests changing the same case wait for it,
or lose to it on the case's optimistic version). A firing that fails is rolled back and recorded in a
transaction of its own, conditioned on the claim and the attempt count it saw, so an attempt is counted — one
more ``timer_attempts`` and one ``timer_failed`` audit row — exactly once; it is retried after a back-off that
doubles up to a day (``timer_retry_at``); the other cases go on. A firing that conflicts with another writer,
or meets a database hiccup, gives its claim back and is tried again on the next pass. If the database is gone
altogether the error goes up to the worker loop (``engine.cli``), which backs off and reconnects; a claim left
behind then runs out after ``LEASE`` and the case is tried again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import or_, select, update

from engine import audit
from engine.access import SYSTEM
from engine.cases import service as cases
from engine.errors import TaskConflictError
from engine.persistence.database import database_unavailable
from engine.persistence.models import Case

if TYPE_CHECKING:
    from engine.context import Context

log = logging.getLogger(__name__)

FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(days=1)
LEASE = timedelta(minutes=10)  # how long a claimed attempt is kept from other workers (a firing takes < 1 s)
ERROR_LENGTH = 2000


def retry_delay(attempts: int) -> timedelta:
    """1 minute after the first failure, then 2, 4, 8 … minutes, never more than a day."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


@dataclass(frozen=True)
class TimerRun:
    fired: int = 0
    failed: list[int] = field(default_factory=list)  # case ids whose timer failed this run


@dataclass(frozen=True)
class _Claim:
    """One worker's attempt at one case: what it saw when it claimed it, and the lease it set."""

    case_id: int
    attempts: int
    retry_at: datetime | None
    lease: datetime


def _due(now: datetime):
    """Only running cases wait on a timer (the projection clears next_timer_at when a case ends or is
    cancelled), so the scan is driven by the next_timer_at index alone.

    SpiffWorkflow fires a timer strictly after its due moment, so the comparison is strict too.
    """
    return Case.next_timer_at < now, or_(Case.timer_retry_at.is_(None), Case.timer_retry_at <= now)


def _never() -> bool:
    return False


class TimerWorker:
    def __init__(self, context: Context, lease: timedelta = LEASE) -> None:
        self.context = context
        self.lease = lease

    def due_case_ids(self, now: datetime, limit: int = 1000) -> list[int]:
        with self.context.unit_of_work() as session:
            return list(
                session.scalars(select(Case.id).where(*_due(now)).order_by(Case.next_timer_at).limit(limit))
            )

    def run(self, stopping: Callable[[], bool] = _never) -> TimerRun:
        """Fires what is due now; returns how many cases fired and which failed.

        ``stopping`` is asked before each case: a worker told to stop finishes the case in hand, no more.
        """
        now = self.context.clock()
        fired, failed = 0, []
        for case_id in self.due_case_ids(now):
            if stopping():
                break
            moment = self.context.clock()  # a long pass must not lease or schedule from its start time
            claim = self._claim(case_id, moment)
            if claim is None:
                continue  # another worker owns this attempt, or it is no longer due
            outcome = self._attempt(claim, moment)
            fired += outcome is True
            if outcome is False:
                failed.append(case_id)
        return TimerRun(fired, failed)

    def _claim(self, case_id: int, now: datetime) -> _Claim | None:
        with self.context.unit_of_work() as session:
            seen = session.execute(
                select(Case.timer_attempts, Case.timer_retry_at).where(Case.id == case_id)
            ).first()
            if seen is None:
                return None
            claim = _Claim(case_id, seen.timer_attempts or 0, seen.timer_retry_at, now + self.lease)
            taken = session.execute(
                update(Case)
                .where(Case.id == case_id, Case.status == "running",
                       Case.timer_attempts == seen.timer_attempts, *_due(now))
                .values(timer_retry_at=claim.lease)
                .execution_options(synchronize_session=False)
            )
            return claim if taken.rowcount == 1 else None

    def _attempt(self, claim: _Claim, now: datetime) -> bool | None:
        """True: fired; False: failed and recorded; None: given back to be tried on the next pass."""
        try:
            return self._fire(claim, now)
        except TaskConflictError:
            log.info("timer of case %s conflicted with another change; tried again on the next pass",
                     claim.case_id)
            self._release(claim)
            return None
        except Exception as error:  # noqa: BLE001 - any failure must be recorded, not stop the others
            if database_unavailable(error):
                # Give the claim back; if the database is gone this raises too and the worker loop backs off.
                self._release(claim)
                log.warning("timer of case %s met a database error; tried again on the next pass: %s",
                            claim.case_id, str(error).splitlines()[0])
                return None
            log.exception("timer of case %s failed", claim.case_id)
            self._record_failure(claim, f"{type(error).__name__}: {error}"[:ERROR_LENGTH], now)
            return False

    def _fire(self, claim: _Claim, now: datetime) -> bool | None:
        with self.context.unit_of_work() as session:
            case = session.scalar(
                select(Case)
                .where(Case.id == claim.case_id, Case.timer_retry_at == claim.lease)
                .with_for_update()
            )
            if case is None:
                return None  # our lease ran out and another worker took the case over
            if case.status != "running" or case.next_timer_at is None or not case.next_timer_at < now:
                case.timer_retry_at = claim.retry_at  # a step moved it on since the claim: nothing due
                return None
            cases.fire_case_timers(session, SYSTEM, case, now)
            case.timer_attempts, case.timer_error, case.timer_retry_at = 0, None, None
            return True

    def _release(self, claim: _Claim) -> None:
        with self.context.unit_of_work() as session:
            session.execute(
                update(Case)
                .where(Case.id == claim.case_id, Case.timer_retry_at == claim.lease)
                .values(timer_retry_at=claim.retry_at)
                .execution_options(synchronize_session=False)
            )

    def _record_failure(self, claim: _Claim, message: str, now: datetime) -> None:
        """Counts the attempt once: only while the claim is still ours and nobody counted it yet."""
        attempts = claim.attempts + 1
        retry_at = now + retry_delay(attempts)
        with self.context.unit_of_work() as session:
            recorded = session.execute(
                update(Case)
                .where(Case.id == claim.case_id, Case.timer_retry_at == claim.lease,
                       Case.timer_attempts == claim.attempts)
                .values(timer_attempts=attempts, timer_error=message, timer_retry_at=retry_at)
                .execution_options(synchronize_session=False)
            )
            if recorded.rowcount == 1:
                audit.record(session, None, "timer_failed", now, claim.case_id, error=message,
                             attempt=attempts, retry_at=retry_at.isoformat())
