"""R-9: no 実績 for two fiscal years → 総合政策課 judges (terminate or continue); requirements no longer met →
terminated at once. A termination records date, reason and who decided, and closes the agreement's open tasks.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from engine.errors import CaseStateError, FormDataError, NotAllowedError
from engine.persistence.models import HumanTask, Notification
from tests.integration import lifecycle_steps

lifecycle = lifecycle_steps.lifecycle  # the fixture: a fresh database on a frozen clock

JUDGEMENT = "今後の連携の判断（R-9.1）"


def two_years_without_record(lc):
    """FY2025 reviewed in May 2026, FY2026 reviewed in May 2027 (the renewed period): nothing implemented."""
    lc.at("2026-05-01T09:00:01")
    lc.clock.move_to("2026-05-15T10:00:00+09:00")
    lc.hold_meetings(date(2026, 5, 15), implemented=False)
    assert JUDGEMENT not in [step for step, _ in lc.open_steps()]  # one year without 実績 is not yet two
    lc.at("2027-04-01T00:00:01")
    lc.at("2027-05-01T09:00:01")
    lc.clock.move_to("2027-05-14T10:00:00+09:00")
    lc.hold_meetings(date(2027, 5, 14), implemented=False)


def test_no_record_for_two_years_proposes_termination_and_the_agreement_is_terminated(lifecycle):
    lc = lifecycle.sign("2025-06-15")
    two_years_without_record(lc)
    judgement = lc.task(JUDGEMENT)
    assert judgement.due_at.date() == date(2027, 7, 30)
    assert lc.task_data(JUDGEMENT)["labels"]["review_years"] == "令和7年度・令和8年度"
    with lc.engine.unit_of_work() as session:
        told = {
            n.user_id
            for n in session.scalars(select(Notification).where(Notification.kind == "termination_proposed"))
        }
    assert told == {lc.engine.actor("seisaku").user_id, lc.engine.actor("shonan").user_id}
    lc.clock.move_to("2027-05-20T10:00:00+09:00")
    lc.complete(
        JUDGEMENT, {"future_decision": "terminate", "future_reason": "今後も連携事業の見込みがないため"}
    )
    detail = lc.detail()
    assert detail.row.status_label == "解除"
    termination = detail.termination
    assert (termination.ground, termination.terminated_on, termination.reason, termination.decided_by) == (
        "R-9.1",
        date(2027, 5, 20),
        "今後も連携事業の見込みがないため",
        "総合政策課 政策 一郎",
    )
    assert [(r.review_year, r.decision) for r in detail.reviews] == [(2026, "terminate")]
    assert detail.open_tasks == [] and detail.lifecycle_case_id is None
    assert [p.outcome for p in detail.row.renewals] == ["renewed", "terminated"]
    with lc.engine.unit_of_work() as session:  # the partner never had a task; its 申出 action is gone
        assert session.scalar(select(HumanTask.id).where(HumanTask.bpmn_id == "give_notice")) is None
    assert lc.notice_action() is None
    lc.at("2028-04-01T00:00:01")
    assert len(lc.detail().row.renewals) == 2  # no renewal after 解除


def test_the_coordinating_division_may_continue_with_a_reason(lifecycle):
    lc = lifecycle.sign("2025-06-15")
    two_years_without_record(lc)
    lc.complete(
        JUDGEMENT, {"future_decision": "continue", "future_reason": "来年度に新規事業の実施が決まっている"}
    )
    detail = lc.detail()
    assert detail.row.status_label == "更新済み" and detail.termination is None
    [review] = detail.reviews
    assert (review.decision, review.reason, review.decided_by) == (
        "continue",
        "来年度に新規事業の実施が決まっている",
        "総合政策課 政策 一郎",
    )
    lc.at("2028-04-01T00:00:01")
    assert [p.outcome for p in lc.detail().row.renewals] == ["renewed", "renewed", None]


def test_a_year_with_results_keeps_the_agreement_without_a_judgement(lifecycle):
    lc = lifecycle.sign("2025-06-15")
    lc.at("2026-05-01T09:00:01")
    lc.hold_meetings(date(2026, 5, 1), implemented=True)
    lc.at("2027-04-01T00:00:01")
    lc.at("2027-05-01T09:00:01")
    lc.hold_meetings(date(2027, 5, 1), implemented=False)
    assert JUDGEMENT not in [step for step, _ in lc.open_steps()]


def test_an_exclusion_reported_terminates_the_agreement_and_closes_its_open_tasks(lifecycle):
    lc = lifecycle.sign("2025-06-15")
    lc.at("2026-05-01T09:00:01")
    assert len(lc.detail().open_tasks) == 3  # three meetings (the 申出 is the partner's action, not a task)
    assert lc.notice_action() is not None
    lc.clock.move_to("2026-06-03T15:00:00+09:00")
    lc.register.report_requirements_not_met(
        lc.engine.actor("seisaku"), lc.agreement_id, ["r35_5"], "市税の滞納が判明したため（R-3.5⑤）"
    )
    detail = lc.detail()
    assert detail.row.status_label == "解除"
    termination = detail.termination
    assert (termination.ground, termination.terminated_on, termination.decided_by) == (
        "R-9.2",
        date(2026, 6, 3),
        "総合政策課 政策 一郎",
    )
    assert termination.items == ["R-3.5⑤ 税・公課を滞納している"]
    assert detail.open_tasks == [] and lc.notice_action() is None
    with lc.engine.unit_of_work() as session:
        assert set(
            session.scalars(
                select(HumanTask.state).where(HumanTask.case_id == detail.row.renewals[0].case_id)
            )
        ) == {"cancelled"}
    with pytest.raises(CaseStateError):
        lc.register.report_requirements_not_met(
            lc.engine.actor("seisaku"), lc.agreement_id, ["r35_5"], "再度"
        )


def test_a_report_needs_the_coordinating_division_an_item_and_a_reason(lifecycle):
    lc = lifecycle.sign("2025-06-15")
    with pytest.raises(NotAllowedError):
        lc.register.report_requirements_not_met(lc.engine.actor("kankyo"), lc.agreement_id, ["r35_5"], "理由")
    with pytest.raises(FormDataError) as refused:
        lc.register.report_requirements_not_met(lc.engine.actor("seisaku"), lc.agreement_id, ["r99"], "  ")
    assert set(refused.value.errors) == {"items", "reason"}
    assert lc.detail().row.status_label == "有効"


def test_the_lifecycle_case_cannot_be_withdrawn_like_a_proposal(lifecycle):
    lc = lifecycle.sign("2025-06-15")
    case_id = lc.detail().lifecycle_case_id
    for username in ("shonan", "seisaku"):
        with pytest.raises(CaseStateError, match="取り下げできません"):
            lc.engine.cancel_case(lc.engine.actor(username), case_id, "不要")
    assert lc.detail().row.status_label == "有効" and lc.detail().lifecycle_case_id == case_id
