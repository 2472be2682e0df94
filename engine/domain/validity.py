"""Validity and renewal of a 包括連携協定 (guideline §4, rules R-6.1 and R-6.2).

Kept as pure date arithmetic so the rules can be table-tested across fiscal years and leap years,
and so the BPMN scripts, the agreement register and the lifecycle timers all use one definition.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta


def fiscal_year(day: date) -> int:
    """Japanese fiscal year N runs 1 April N – 31 March N+1."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_end(year: int) -> date:
    return date(year + 1, 3, 31)


def notice_deadline(expiry: date) -> date:
    """R-6.2: notice must come "by one month before the expiry date" (期間満了日の１か月前まで).

    relativedelta clips to the month's last day, so a 31 March expiry gives 28 or 29 February.
    """
    return expiry - relativedelta(months=1)


@dataclass(frozen=True)
class ValidityPeriod:
    valid_from: date
    valid_until: date

    @property
    def notice_deadline(self) -> date:
        return notice_deadline(self.valid_until)

    def notice_in_time(self, given_on: date) -> bool:
        """R-6.2: notice given on or before the deadline stops the renewal; later notice does not (the BPMN's
        record scripts compare the same ISO dates)."""
        return given_on <= self.notice_deadline

    def renewed(self) -> ValidityPeriod:
        """R-6.2: one more year counted from the day after expiry (1 April – 31 March)."""
        start = self.valid_until + timedelta(days=1)
        return ValidityPeriod(start, fiscal_year_end(fiscal_year(start)))

    def notice_effect(self, given_on: date) -> tuple[bool, date]:
        """R-6.2 for notice given on ``given_on`` in this period: (in time?, the expiry at which it ends the
        agreement). Notice by the deadline ends it at this period's expiry; later notice lets this period renew
        and ends it at the next expiry."""
        in_time = given_on <= self.notice_deadline
        return in_time, self.valid_until if in_time else self.renewed().valid_until

    def as_dict(self, signed_on: date | None = None) -> dict[str, str]:
        result = {
            "valid_from": self.valid_from.isoformat(),
            "valid_until": self.valid_until.isoformat(),
            "notice_deadline": self.notice_deadline.isoformat(),
        }
        if signed_on is not None:
            result["signed_on"] = signed_on.isoformat()
        return result


def initial_period(signed_on: date) -> ValidityPeriod:
    """R-6.1: from the day of signing to 31 March of the following fiscal year (翌年度)."""
    return ValidityPeriod(signed_on, fiscal_year_end(fiscal_year(signed_on) + 1))


def period_on(signed_on: date, day: date) -> ValidityPeriod:
    """The period in force on `day` for an agreement renewed every year without notice."""
    period = initial_period(signed_on)
    while period.valid_until < day:
        period = period.renewed()
    return period


def periods_through(signed_on: date, day: date) -> list[ValidityPeriod]:
    """Every period from signing to the one in force on ``day``, for an agreement renewed every year (R-6.1,
    R-6.2): an agreement signed before the system is entered with the periods it has already been through."""
    periods = [initial_period(signed_on)]
    while periods[-1].valid_until < day:
        periods.append(periods[-1].renewed())
    return periods
