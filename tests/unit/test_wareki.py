"""Dates as clerks read and type them: 令和N年M月D日, 元年, and the usual typed forms."""

from datetime import date

import pytest

from engine.domain.wareki import DateInputError, format_wareki, parse_date_input


@pytest.mark.parametrize(
    ("day", "text"),
    [(date(2025, 6, 15), "令和7年6月15日"), (date(2019, 5, 1), "令和元年5月1日"), (date(2019, 4, 30), "平成31年4月30日")],
)
def test_dates_are_shown_in_the_japanese_era(day, text):
    assert format_wareki(day) == text


@pytest.mark.parametrize(
    "typed",
    ["2025-06-15", "2025/6/15", "2025年6月15日", "令和7年6月15日", "R7.6.15", "２０２５／０６／１５", " 令和７年６月１５日 "],
)
def test_usual_japanese_date_input_is_accepted(typed):
    assert parse_date_input(typed) == date(2025, 6, 15)


def test_the_first_year_of_an_era_can_be_typed_as_gannen():
    assert parse_date_input("令和元年5月1日") == date(2019, 5, 1)


@pytest.mark.parametrize(("typed", "message"), [
    ("", "日付を入力してください"),
    ("2025/2/30", "存在しない日付です"),
    ("令和元年4月30日", "存在しない日付です"),  # 令和 began on 1 May 2019
    ("来週の月曜", "のように入力してください"),
])
def test_impossible_dates_are_refused_with_a_message(typed, message):
    with pytest.raises(DateInputError, match=message):
        parse_date_input(typed)
