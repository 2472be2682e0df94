"""R-6.1 / R-6.2: validity to 31 March of the next fiscal year, notice one month before, yearly renewal."""

from datetime import date

import pytest

from engine.domain.validity import fiscal_year, initial_period, notice_deadline, period_on, periods_through
from engine.workflow.scripting import validity_period


@pytest.mark.parametrize(
    ("signed_on", "valid_until", "deadline"),
    [
        ("2025-06-15", "2027-03-31", "2027-02-28"),  # the guideline's example
        ("2026-03-31", "2027-03-31", "2027-02-28"),  # last day of a fiscal year: only one more year
        ("2026-04-01", "2028-03-31", "2028-02-29"),  # first day of a fiscal year; 2028 is a leap year
        ("2025-04-01", "2027-03-31", "2027-02-28"),
        ("2027-01-10", "2028-03-31", "2028-02-29"),  # January belongs to the previous fiscal year
        ("2023-02-28", "2024-03-31", "2024-02-29"),
        ("2099-12-31", "2101-03-31", "2101-02-28"),  # 2100 is not a leap year
    ],
)
def test_an_agreement_is_valid_until_31_march_of_the_next_fiscal_year(signed_on, valid_until, deadline):
    period = initial_period(date.fromisoformat(signed_on))
    assert period.valid_from == date.fromisoformat(signed_on)
    assert period.valid_until == date.fromisoformat(valid_until)
    assert period.notice_deadline == date.fromisoformat(deadline)


def test_without_notice_it_renews_for_one_year_from_the_day_after_expiry():
    first = initial_period(date(2025, 6, 15))
    second = first.renewed()
    third = second.renewed()
    assert (second.valid_from, second.valid_until, second.notice_deadline) == (
        date(2027, 4, 1), date(2028, 3, 31), date(2028, 2, 29))
    assert (third.valid_from, third.valid_until, third.notice_deadline) == (
        date(2028, 4, 1), date(2029, 3, 31), date(2029, 2, 28))


def test_the_period_in_force_on_a_day_follows_the_renewals():
    assert period_on(date(2025, 6, 15), date(2027, 3, 31)).valid_until == date(2027, 3, 31)
    assert period_on(date(2025, 6, 15), date(2027, 4, 1)).valid_until == date(2028, 3, 31)
    assert period_on(date(2025, 6, 15), date(2030, 1, 1)).valid_until == date(2030, 3, 31)


def test_fiscal_years_start_on_1_april():
    assert fiscal_year(date(2026, 3, 31)) == 2025
    assert fiscal_year(date(2026, 4, 1)) == 2026


def test_notice_deadline_for_expiries_other_than_31_march():
    assert notice_deadline(date(2027, 3, 15)) == date(2027, 2, 15)
    assert notice_deadline(date(2027, 1, 31)) == date(2026, 12, 31)


def test_scripts_get_the_same_rule_as_iso_strings():
    assert validity_period("2026-04-01") == {
        "signed_on": "2026-04-01", "valid_from": "2026-04-01", "valid_until": "2028-03-31",
        "notice_deadline": "2028-02-29",
    }


@pytest.mark.parametrize(
    ("signed_on", "periods"),
    [
        # issue #5's table: the first period, then each renewal (R-6.2) with its notice deadline
        ("2025-06-15", [("2025-06-15", "2027-03-31", "2027-02-28"), ("2027-04-01", "2028-03-31", "2028-02-29"),
                        ("2028-04-01", "2029-03-31", "2029-02-28")]),
        ("2026-03-31", [("2026-03-31", "2027-03-31", "2027-02-28"), ("2027-04-01", "2028-03-31", "2028-02-29")]),
        ("2026-04-01", [("2026-04-01", "2028-03-31", "2028-02-29"), ("2028-04-01", "2029-03-31", "2029-02-28")]),
        # leap years: 2032 is one, 2100 is not (divisible by 100), 2000 was (divisible by 400)
        ("2030-05-20", [("2030-05-20", "2032-03-31", "2032-02-29"), ("2032-04-01", "2033-03-31", "2033-02-28")]),
        ("2098-09-01", [("2098-09-01", "2100-03-31", "2100-02-28"), ("2100-04-01", "2101-03-31", "2101-02-28")]),
        ("1998-07-07", [("1998-07-07", "2000-03-31", "2000-02-29"), ("2000-04-01", "2001-03-31", "2001-02-28")]),
        # signed on 29 February itself
        ("2028-02-29", [("2028-02-29", "2029-03-31", "2029-02-28"), ("2029-04-01", "2030-03-31", "2030-02-28")]),
    ],
)
def test_each_renewal_follows_the_previous_period_with_its_own_notice_deadline(signed_on, periods):
    period = initial_period(date.fromisoformat(signed_on))
    seen = []
    for _ in periods:
        seen.append((period.valid_from.isoformat(), period.valid_until.isoformat(), period.notice_deadline.isoformat()))
        period = period.renewed()
    assert seen == periods


def test_an_agreement_signed_in_june_2023_has_been_through_two_periods_by_december_2026():
    assert [(p.valid_from.isoformat(), p.valid_until.isoformat()) for p in
            periods_through(date(2023, 6, 1), date(2026, 12, 7))] == [
        ("2023-06-01", "2025-03-31"), ("2025-04-01", "2026-03-31"), ("2026-04-01", "2027-03-31")]
    assert len(periods_through(date(2026, 12, 7), date(2026, 12, 7))) == 1  # signed today: the first period


@pytest.mark.parametrize(("given_on", "in_time", "ends_at"), [
    ("2027-02-28", True, "2027-03-31"),  # on the deadline: this period's expiry
    ("2027-03-01", False, "2028-03-31"),  # the day after: renews once more, ends at the next expiry
])
def test_notice_ends_the_agreement_at_this_or_the_next_expiry(given_on, in_time, ends_at):
    period = initial_period(date(2025, 6, 15))
    assert period.notice_effect(date.fromisoformat(given_on)) == (in_time, date.fromisoformat(ends_at))
