"""R-9.1: the 企業等 reads on its agreement's page that 総合政策課 decided to continue, not the city's reason."""

from __future__ import annotations

from tests.integration import lifecycle_steps
from tests.integration.test_lifecycle_termination import JUDGEMENT, two_years_without_record

lifecycle = lifecycle_steps.lifecycle  # the fixture: a fresh database on a frozen clock


def test_the_partner_reads_the_decision_to_continue_without_the_citys_reason(lifecycle):
    lc = lifecycle.sign("2025-06-15")
    two_years_without_record(lc)
    lc.complete(JUDGEMENT, {"future_decision": "continue", "future_reason": "庁内で新規事業の予算化を検討中"})
    partner = lc.register.detail(lc.engine.actor("shonan"), lc.agreement_id)
    city = lc.register.detail(lc.engine.actor("seisaku"), lc.agreement_id)
    assert [(r.decision, r.reason) for r in partner.reviews] == [("continue", None)]
    assert [(r.decision, r.reason) for r in city.reviews] == [("continue", "庁内で新規事業の予算化を検討中")]
