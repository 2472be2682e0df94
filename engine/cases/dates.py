"""What a case's date fields are measured against (engine.domain.plausible_dates, issue #12 item 4).

Forms name their bound (``happened: case_start`` …, docs/process-data.md); the days themselves come from the
records here, never from what the submission says: today in Japan by the engine's clock, the day the case
started, and the signing day of the 包括連携協定 the case belongs to (its own, or the one whose validity
period a lifecycle case runs).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.domain.japan_time import japan_date, today_in_japan
from engine.forms.submission import DateBounds
from engine.persistence.models import Agreement, AgreementPeriod, Case
from engine.persistence.models.agreement import COMPREHENSIVE


def date_bounds(session: Session, case: Case, now: datetime) -> DateBounds:
    return DateBounds(today_in_japan(now), CaseAnchors(session, case))


class CaseAnchors(Mapping[str, date | None]):
    """The case's anchor days, the signing day read only when a field is bound by it: most steps have no such
    field, and a completion then asks the database nothing for its dates (issue #15)."""

    def __init__(self, session: Session, case: Case) -> None:
        self._session, self._case = session, case
        self._signing: list[date | None] = []

    def __getitem__(self, name: str) -> date | None:
        if name == "case_start":
            return japan_date(self._case.started_at)
        if name == "signing":
            if not self._signing:
                self._signing.append(signing_day(self._session, self._case.id))
            return self._signing[0]
        raise KeyError(name)

    def __iter__(self) -> Iterator[str]:
        return iter(("case_start", "signing"))

    def __len__(self) -> int:
        return 2


def signing_day(session: Session, case_id: int) -> date | None:
    """The signing day of the 包括連携協定 signed in this case or whose period this case runs, if any."""
    own = select(Agreement.signed_on).where(Agreement.case_id == case_id, Agreement.kind == COMPREHENSIVE)
    period = (select(Agreement.signed_on).join(AgreementPeriod, AgreementPeriod.agreement_id == Agreement.id)
              .where(AgreementPeriod.case_id == case_id))
    return session.scalar(own) or session.scalar(period)
