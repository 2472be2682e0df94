"""Issue #12 item 4: a date that happened is not after today nor before what it belongs to; a plan is not past."""

from datetime import date

from engine.domain.plausible_dates import happened_error, planned_error

TODAY = date(2026, 12, 7)


def test_a_signing_dated_tomorrow_is_refused_naming_today_in_wareki():
    assert happened_error(date(2026, 12, 8), label="締結日", today=TODAY) == (
        "締結日は今日（令和8年12月7日）以前の日付を入力してください")


def test_a_signing_before_the_case_started_is_refused_naming_the_start():
    message = happened_error(date(2020, 1, 1), label="締結日", today=TODAY, earliest=date(2026, 4, 1))
    assert message == "締結日は案件の開始日（令和8年4月1日）以降の日付を入力してください"


def test_the_bounds_themselves_are_plausible():
    assert happened_error(TODAY, label="締結日", today=TODAY, earliest=TODAY) is None


def test_a_notice_before_the_signing_names_the_signing():
    message = happened_error(date(2026, 1, 1), label="申出日", today=TODAY, earliest=date(2026, 3, 1),
                             earliest_label="締結日")
    assert message == "申出日は締結日（令和8年3月1日）以降の日付を入力してください"


def test_a_planned_date_in_the_past_is_refused_and_today_is_allowed():
    assert planned_error(date(2026, 12, 6), label="開催予定日", today=TODAY) == (
        "開催予定日は今日（令和8年12月7日）以降の日付を入力してください")
    assert planned_error(TODAY, label="開催予定日", today=TODAY) is None
