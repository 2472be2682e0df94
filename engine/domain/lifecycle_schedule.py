"""When things happen in one validity period of a 包括連携協定 (R-6.2, R-8.1, R-9.1), as pure date arithmetic.

The lifecycle process waits on timers; their dates are computed here from the period (engine.domain.validity)
and the process owner's settings (``schedule`` in the process's process.json), so the timers, the inbox
due dates and the register all agree. Moments are Japan time with an explicit ``+09:00`` offset: SpiffWorkflow
reads a date without one in the server's zone (notes §5).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta

from engine.domain.due_dates import JAPAN
from engine.domain.validity import ValidityPeriod, fiscal_year
from engine.domain.wareki import era_of, format_wareki

OFFICE_OPENS = time(9, 0)  # a task created by a timer appears at the start of the working day


class ScheduleSettingsError(ValueError):
    """process.json's ``schedule`` holds a value the lifecycle cannot use."""


@dataclass(frozen=True)
class ScheduleSettings:
    """What a process owner tunes in ``processes/agreement_lifecycle/process.json`` → ``schedule``."""

    confirmation_lead_months: int = 2  # 総合政策課 confirms continuation this long before expiry
    meeting_month: int = 5  # 個別定例会議 tasks appear on the 1st of this month, every fiscal year
    meeting_due_days: int = 60  # … and are due this many days later
    judgement_due_days: int = 30  # the judgement is due this many days after the meetings are due

    _LIMITS = {
        "confirmation_lead_months": (1, 11),
        "meeting_month": (1, 12),
        "meeting_due_days": (1, 365),
        "judgement_due_days": (1, 365),
    }

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any] | None) -> ScheduleSettings:
        values = {}
        for name, (low, high) in cls._LIMITS.items():
            if raw is None or name not in raw:
                continue
            value = raw[name]
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                raise ScheduleSettingsError(
                    f"schedule.{name} は {low}〜{high} の整数にしてください（{value!r}）"
                )
            values[name] = value
        return cls(**values)


def japan_moment(day: date, at: time = time(0, 0)) -> datetime:
    return datetime.combine(day, at, tzinfo=JAPAN)


def fiscal_year_label(year: int) -> str:
    """2025 → 令和7年度 (the era of the fiscal year's first month after April, so 2019 is 令和元年度)."""
    name, era_year = era_of(date(year, 5, 1))
    return f"{name}{'元' if era_year == 1 else era_year}年度"


@dataclass(frozen=True)
class PeriodSchedule:
    period: ValidityPeriod
    confirm_at: datetime
    notice_closes_at: datetime  # the first moment after the notice deadline
    renewal_at: datetime  # the day after expiry: renew or end
    meeting_at: datetime
    meeting_due: date
    judgement_due: date
    review_year: int  # the fiscal year whose 実績 this period's meetings review

    def timers(self) -> dict[str, Any]:
        """The ``schedule`` variable the BPMN timers read (ISO 8601 with +09:00)."""
        return {
            "confirm_at": self.confirm_at.isoformat(),
            "notice_closes_at": self.notice_closes_at.isoformat(),
            "renewal_at": self.renewal_at.isoformat(),
            "meeting_at": self.meeting_at.isoformat(),
            "review_year": self.review_year,
        }

    def due_dates(self) -> dict[str, str]:
        """``due_dates``: user task id → the day it is due (the inbox marks it overdue after that day)."""
        deadline = self.period.notice_deadline.isoformat()
        return {
            "confirm_continuation": deadline,
            "hold_regular_meeting": self.meeting_due.isoformat(),
            "judge_future": self.judgement_due.isoformat(),
        }

    def labels(self) -> dict[str, str]:
        """The same dates as a clerk reads them (令和), for the forms' explanations."""
        following = self.period.renewed()
        return {
            "period": f"{format_wareki(self.period.valid_from)}〜{format_wareki(self.period.valid_until)}",
            "valid_until": format_wareki(self.period.valid_until),
            "notice_deadline": format_wareki(self.period.notice_deadline),
            "next_period": f"{format_wareki(following.valid_from)}〜{format_wareki(following.valid_until)}",
            "review_year": fiscal_year_label(self.review_year),
            "review_years": "・".join(fiscal_year_label(y) for y in (self.review_year - 1, self.review_year)),
        }


def period_schedule(
    period: ValidityPeriod, settings: ScheduleSettings = ScheduleSettings(), entered_on: date | None = None
) -> PeriodSchedule:
    """One meeting round per period: in the period's last fiscal year, reviewing the fiscal year before it.

    A first period (signing → 31 March of the next fiscal year) spans two fiscal years; its first one has no
    earlier year under the agreement to review. Every renewed period is exactly one fiscal year.
    A period entered part-way through (既存協定の登録, ``entered_on``) asks for its meetings and its
    confirmation no earlier than that day, so they do not start out overdue; R-6.2's dates do not move.
    """
    starts = max(period.valid_from, entered_on or period.valid_from)
    confirm_on = max(starts, period.valid_until - relativedelta(months=settings.confirmation_lead_months))
    last_year = fiscal_year(period.valid_until)
    meeting_year = last_year if settings.meeting_month >= 4 else last_year + 1
    meeting_on = max(starts, date(meeting_year, settings.meeting_month, 1))
    meeting_due = meeting_on + timedelta(days=settings.meeting_due_days)
    return PeriodSchedule(
        period=period,
        confirm_at=japan_moment(confirm_on, OFFICE_OPENS),
        notice_closes_at=japan_moment(period.notice_deadline + timedelta(days=1)),
        renewal_at=japan_moment(period.valid_until + timedelta(days=1)),
        meeting_at=japan_moment(meeting_on, OFFICE_OPENS),
        meeting_due=meeting_due,
        judgement_due=meeting_due + timedelta(days=settings.judgement_due_days),
        review_year=last_year - 1,
    )
