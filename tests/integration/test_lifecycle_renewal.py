"""R-6.1 / R-6.2 across fiscal years: renewal without notice, notice in time, notice too late.

An agreement signed on 2025-06-15 is valid until 2027-03-31; notice is due by 2027-02-28. Each test moves a
frozen clock and runs the timer worker as `renkei timers run` would.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from engine.access import SYSTEM
from engine.errors import CaseStateError, FormDataError, NotAllowedError, NotFoundError, WorkflowFailure
from tests.integration import lifecycle_steps

lifecycle = lifecycle_steps.lifecycle  # the fixture: a fresh database on a frozen clock

CONFIRMATION = "更新の確認（継続の意向）"


def periods(lc):
    return [
        (p.number, p.valid_from, p.valid_until, p.notice_deadline, p.outcome)
        for p in lc.detail().row.renewals
    ]


def test_signing_starts_the_first_period_with_the_partner_able_to_give_notice(lifecycle):
    lc = lifecycle.sign("2025-06-15")
    row = lc.detail().row
    assert (row.status_label, row.valid_from, row.valid_until, row.notice_deadline, row.period_number) == (
        "有効",
        date(2025, 6, 15),
        date(2027, 3, 31),
        date(2027, 2, 28),
        1,
    )
    assert lc.detail().open_tasks == []  # nobody is waited on: the 申出 is the partner's action, not a task
    waiting = lc.engine.case_status(SYSTEM, lc.detail().lifecycle_case_id).active_steps
    assert {"協定終了の申出を待つ", "更新確認の時期", "期間満了の翌日"} <= set(waiting)  # by name, never by id
    action = lc.notice_action()
    assert (action.deadline, action.late, action.takes_effect_on) == (
        date(2027, 2, 28), False, date(2027, 3, 31))


def test_without_notice_it_renews_twice_for_one_fiscal_year_each(lifecycle):
    lc = lifecycle.sign("2025-06-15")
    lc.at("2027-01-31T09:00:01")
    assert CONFIRMATION in [step for step, _ in lc.open_steps()]  # two months before expiry
    lc.complete(CONFIRMATION, {"continuation": "continue", "continuation_note": "電話で継続の意向を確認した"})
    lc.at("2027-04-01T00:00:01")
    assert periods(lc) == [
        (1, date(2025, 6, 15), date(2027, 3, 31), date(2027, 2, 28), "renewed"),
        (2, date(2027, 4, 1), date(2028, 3, 31), date(2028, 2, 29), None),
    ]
    lc.at("2028-04-01T00:00:01")
    row = lc.detail().row
    assert (row.status_label, row.valid_from, row.valid_until, row.notice_deadline, row.period_number) == (
        "更新済み",
        date(2028, 4, 1),
        date(2029, 3, 31),
        date(2029, 2, 28),
        3,
    )
    assert [p[-1] for p in periods(lc)] == ["renewed", "renewed", None]
    assert lc.detail().notices == []


def test_notice_in_time_ends_the_agreement_at_expiry(lifecycle):
    lc = lifecycle.sign("2025-06-15")
    lc.at("2027-01-31T09:00:01")
    lc.clock.move_to("2027-02-10T10:00:00+09:00")
    lc.give_notice()
    detail = lc.detail()
    assert detail.row.status_label == "終了予定"
    [notice] = detail.notices
    assert (notice.given_by, notice.given_on, notice.in_time, notice.takes_effect_on) == (
        "organisation",
        date(2027, 2, 10),
        True,
        date(2027, 3, 31),
    )
    assert CONFIRMATION not in [step for step, _ in lc.open_steps()]  # closed: notice is on record
    assert lc.notice_action() is None  # given once; a second one is refused
    with pytest.raises(CaseStateError, match="既に記録されています"):
        lc.give_notice()
    assert len(lc.detail().notices) == 1
    lc.at("2027-04-01T00:00:01")
    detail = lc.detail()
    assert detail.row.status_label == "終了"
    assert periods(lc) == [(1, date(2025, 6, 15), date(2027, 3, 31), date(2027, 2, 28), "ended")]
    assert detail.lifecycle_case_id is None


def test_notice_after_the_deadline_is_recorded_but_the_agreement_renews_once_more(lifecycle):
    lc = lifecycle.sign("2025-06-15")
    lc.at("2027-03-01T00:00:01")  # the day after the notice deadline
    assert CONFIRMATION in {step for step, _ in lc.open_steps()}
    action = lc.notice_action()
    assert (action.late, action.takes_effect_on) == (True, date(2028, 3, 31))
    lc.clock.move_to("2027-03-05T10:00:00+09:00")
    lc.give_notice()
    detail = lc.detail()
    assert detail.row.status_label == "有効"  # this period still renews
    assert (detail.row.late_notice.given_on, detail.row.late_notice.takes_effect_on) == (
        date(2027, 3, 5),
        date(2028, 3, 31),
    )
    assert lc.notice_action() is None  # this period's notice is on record
    lc.at("2027-04-01T00:00:01")
    detail = lc.detail()
    assert (detail.row.status_label, detail.row.valid_until) == ("終了予定", date(2028, 3, 31))
    assert lc.notice_action() is None  # carried into the renewed period, which ends at its expiry
    lc.at("2028-04-01T00:00:01")
    assert lc.detail().row.status_label == "終了"
    assert [p[-1] for p in periods(lc)] == ["renewed", "ended"]


def test_notice_on_the_day_after_the_deadline_is_late_even_before_the_worker_has_run(lifecycle):
    lc = lifecycle.sign("2025-06-15")
    lc.clock.move_to("2027-03-01T00:00:10+09:00")  # past the deadline; the worker has not run yet
    assert lc.notice_action().late
    lc.give_notice()
    [notice] = lc.detail().notices
    assert (notice.given_on, notice.in_time, notice.takes_effect_on) == (
        date(2027, 3, 1), False, date(2028, 3, 31))
    lc.at("2027-04-01T00:00:01")
    assert [p[-1] for p in periods(lc)] == ["renewed", None]  # the process saw it late too
    assert lc.detail().row.status_label == "終了予定"


def test_notice_on_the_deadline_day_itself_is_in_time(lifecycle):
    lc = lifecycle.sign("2025-06-15")
    lc.clock.move_to("2027-02-28T23:59:00+09:00")  # 14:59 UTC: still 28 February in Japan
    assert not lc.notice_action().late
    lc.give_notice()
    assert lc.detail().notices[0].in_time and lc.detail().row.status_label == "終了予定"


def test_only_the_partner_of_the_agreement_gives_notice(lifecycle):
    lc = lifecycle.sign("2025-06-15")
    lc.clock.move_to("2027-02-10T10:00:00+09:00")
    with pytest.raises(NotFoundError):
        lc.give_notice(as_user="mirai")  # another 企業等 does not see the agreement at all
    for city in ("seisaku", "kodomo", "kanri"):
        assert lc.notice_action(city) is None
        with pytest.raises(NotAllowedError):
            lc.give_notice(as_user=city)
    assert lc.detail().notices == [] and lc.detail().row.status_label == "有効"


def test_notice_without_a_reason_or_contact_is_refused_field_by_field_and_changes_nothing(lifecycle):
    lc = lifecycle.sign("2025-06-15")
    lc.clock.move_to("2027-02-10T10:00:00+09:00")
    with pytest.raises(FormDataError) as refused:
        lc.register.give_notice(lc.engine.actor("shonan"), lc.agreement_id, "  ", "x" * 201)
    assert refused.value.errors == {
        "notice_reason": "申出の理由を入力してください",
        "notice_contact": "担当者名・連絡先は200文字以内で入力してください",
    }
    assert lc.detail().notices == [] and lc.notice_action() is not None


def test_the_city_can_record_its_own_notice_in_the_confirmation(lifecycle):
    lc = lifecycle.sign("2025-06-15")
    lc.at("2027-01-31T09:00:01")
    lc.clock.move_to("2027-02-20T10:00:00+09:00")
    lc.complete(
        CONFIRMATION,
        {
            "continuation": "city_notice",
            "notice_given_on": "令和9年2月18日",
            "continuation_note": "市の事業見直しにより終了を申し出た",
        },
    )
    [notice] = lc.detail().notices
    assert (notice.given_by, notice.given_on, notice.in_time, notice.recorded_by) == (
        "city",
        date(2027, 2, 18),
        True,
        "総合政策課 政策 一郎",
    )
    assert CONFIRMATION not in [step for step, _ in lc.open_steps()]
    assert lc.notice_action() is None  # notice is on record: the partner's action is gone
    with pytest.raises(CaseStateError):
        lc.give_notice()
    lc.at("2027-04-01T00:00:01")
    assert lc.detail().row.status_label == "終了"


def test_a_notice_date_in_the_future_is_refused_next_to_its_field(lifecycle):
    lc = lifecycle.sign("2025-06-15")
    lc.at("2027-01-31T09:00:01")
    with pytest.raises(Exception) as refused:
        lc.complete(
            CONFIRMATION,
            {
                "continuation": "organisation_notice",
                "notice_given_on": "2027-02-25",
                "continuation_note": "書面で受領",
            },
        )
    assert "notice_given_on" in refused.value.errors
    assert lc.detail().notices == [] and CONFIRMATION in [s for s, _ in lc.open_steps()]


def test_a_paper_notice_dated_before_the_current_period_is_refused_next_to_its_field(lifecycle):
    lc = lifecycle.sign("2025-06-15")
    lc.at("2027-04-01T00:00:01")  # renewed: the second period runs 2027-04-01 – 2028-03-31
    lc.at("2028-01-31T09:00:01")
    with pytest.raises(FormDataError) as refused:
        lc.complete(CONFIRMATION, {"continuation": "organisation_notice", "notice_given_on": "2027-03-20",
                                   "continuation_note": "書面で受領"})
    assert refused.value.errors == {
        "notice_given_on": "申出日は現在の有効期間の開始日（令和9年4月1日）以降の日付を入力してください"}
    assert lc.detail().notices == [] and CONFIRMATION in [s for s, _ in lc.open_steps()]


def test_the_register_lists_the_renewal_history_for_the_api(lifecycle):
    lc = lifecycle.sign("2025-06-15")
    lc.at("2027-04-01T00:00:01")
    [row] = lc.register.search(SYSTEM)
    assert (row.valid_from, row.valid_until, row.period_number) == (date(2027, 4, 1), date(2028, 3, 31), 2)


def test_a_failing_lifecycle_timer_is_shown_on_the_agreement_and_retried(lifecycle, monkeypatch):
    lc = lifecycle.sign("2025-06-15")

    def broken(workflow):
        raise WorkflowFailure("プロセスの実行中にエラーが発生しました（試験）")

    monkeypatch.setattr("engine.cases.service.fire_timers", broken)
    lc.at("2026-05-01T09:00:01")
    problem = lc.detail().timer_problem
    assert (problem.attempts, problem.retry_at) == (1, lc.engine.clock() + timedelta(minutes=1))
    assert "試験" in problem.error
    monkeypatch.undo()
    lc.at("2026-05-01T09:01:02")
    assert lc.detail().timer_problem is None
    assert len([t for t in lc.detail().open_tasks if t.step == "個別定例会議（R-8.1）"]) == 3
