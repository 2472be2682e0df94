"""When the lifecycle's timers fire for one validity period (R-6.2, R-8.1, R-9.1).

And what the process owner may tune.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from engine.domain.due_dates import task_due_at
from engine.domain.lifecycle_schedule import (
    ScheduleSettings,
    ScheduleSettingsError,
    fiscal_year_label,
    period_schedule,
)
from engine.domain.validity import initial_period, periods_through
from tests.conftest import PROCESSES


def test_the_first_period_of_an_agreement_signed_in_june_2025():
    schedule = period_schedule(initial_period(date(2025, 6, 15)))
    assert schedule.timers() == {
        "confirm_at": "2027-01-31T09:00:00+09:00",  # two months before expiry
        "notice_closes_at": "2027-03-01T00:00:00+09:00",  # the day after the 2027-02-28 deadline
        "renewal_at": "2027-04-01T00:00:00+09:00",  # the day after expiry
        "meeting_at": "2026-05-01T09:00:00+09:00",  # in the period's last fiscal year
        "review_year": 2025,  # … reviewing the fiscal year of signing
    }
    assert schedule.due_dates() == {
        "confirm_continuation": "2027-02-28",
        "hold_regular_meeting": "2026-06-30",
        "judge_future": "2026-07-30",
    }


def test_a_renewed_period_is_one_fiscal_year_with_one_meeting_round():
    renewed = initial_period(date(2025, 6, 15)).renewed()
    schedule = period_schedule(renewed)
    assert (schedule.meeting_at.isoformat(), schedule.review_year) == ("2027-05-01T09:00:00+09:00", 2026)
    assert schedule.notice_closes_at.isoformat() == "2028-03-01T00:00:00+09:00"  # 2028-02-29 is the deadline
    assert schedule.labels() == {
        "period": "令和9年4月1日〜令和10年3月31日",
        "valid_until": "令和10年3月31日",
        "notice_deadline": "令和10年2月29日",
        "next_period": "令和10年4月1日〜令和11年3月31日",
        "review_year": "令和8年度",
        "review_years": "令和7年度・令和8年度",
    }


def test_a_period_entered_after_its_meeting_month_asks_for_the_meetings_from_that_day_not_overdue():
    """既存協定の登録 on 2026-12-07 of 第3期 (2026-04-01〜2027-03-31): May's meetings are asked for from the day
    of entry; the confirmation (two months before expiry) and R-6.2's deadline and renewal stay where they were."""
    current = periods_through(date(2023, 6, 1), date(2026, 12, 7))[-1]
    entered = period_schedule(current, entered_on=date(2026, 12, 7))
    assert entered.timers() == {**period_schedule(current).timers(), "meeting_at": "2026-12-07T09:00:00+09:00"}
    assert entered.due_dates()["hold_regular_meeting"] == "2027-02-05"  # 60 days from entry
    late = period_schedule(current, entered_on=date(2027, 3, 10))
    assert late.confirm_at.isoformat() == "2027-03-10T09:00:00+09:00"
    assert late.notice_closes_at.isoformat() == "2027-03-01T00:00:00+09:00"  # does not move


def test_the_process_owner_tunes_the_lead_time_and_the_meeting_month():
    settings = ScheduleSettings.from_mapping(
        {"confirmation_lead_months": 3, "meeting_month": 2, "meeting_due_days": 30}
    )
    schedule = period_schedule(initial_period(date(2025, 6, 15)), settings)
    assert schedule.confirm_at.date() == date(2026, 12, 31)
    assert schedule.meeting_at.date() == date(2027, 2, 1)  # February of fiscal year 2026 is in calendar 2027
    assert schedule.meeting_due == date(2027, 3, 3)


def test_a_confirmation_never_comes_before_the_period_starts():
    schedule = period_schedule(
        initial_period(date(2026, 3, 31)), ScheduleSettings(confirmation_lead_months=11)
    )
    assert schedule.confirm_at.date() == date(2026, 4, 30)
    assert period_schedule(
        initial_period(date(2026, 3, 31)), ScheduleSettings(meeting_month=4)
    ).meeting_at.date() == date(2026, 4, 1)


@pytest.mark.parametrize(
    "raw",
    [
        {"meeting_month": 13},
        {"confirmation_lead_months": 0},
        {"meeting_due_days": "60"},
        {"judgement_due_days": True},
    ],
)
def test_a_setting_out_of_range_is_refused_with_its_name(raw):
    with pytest.raises(ScheduleSettingsError, match=next(iter(raw))):
        ScheduleSettings.from_mapping(raw)


def test_the_shipped_process_json_holds_valid_settings():
    metadata = json.loads((PROCESSES / "agreement_lifecycle" / "process.json").read_text(encoding="utf-8"))
    assert metadata["starts_cases"] is False
    assert ScheduleSettings.from_mapping(metadata["schedule"]) == ScheduleSettings()


def test_fiscal_years_are_named_in_reiwa():
    assert [fiscal_year_label(y) for y in (2019, 2025, 2026)] == ["令和元年度", "令和7年度", "令和8年度"]


def test_a_task_is_due_at_the_end_of_its_day_in_japan():
    due = task_due_at({"due_dates": {"give_notice": "2027-02-28"}}, "give_notice")
    assert due.isoformat() == "2027-02-28T23:59:59+09:00"
    assert task_due_at({"due_dates": {"give_notice": "2027-02-30"}}, "give_notice") is None
    assert task_due_at({"due_dates": {"other": "2027-02-28"}}, "give_notice") is None
    assert task_due_at({}, "give_notice") is None
