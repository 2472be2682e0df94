"""Periods started before notice became an action (R-6.2; issue #12 item 8) keep working.

``earlier_lifecycle/`` is agreement_lifecycle as it was before: the 企業等's 申出 was a user task
(give_notice) that waited in its inbox for the whole period. A case keeps the version it started on, so the
agreement page's action completes that task for the partner; and a process owner can move such a case to the
current version (engine.library.migration), after which the inbox task is closed and the period waits for the
message instead.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from engine.cases import Inbox
from engine.definitions.bundle import Bundle
from engine.library.migration import MigrationService
from tests.conftest import PROCESSES
from tests.integration.lifecycle_steps import Lifecycle, frozen_engine

EARLIER = Bundle.from_folder(Path(__file__).parent / "earlier_lifecycle")
LIFECYCLE = "agreement_lifecycle"


@pytest.fixture
def earlier(database_url):
    """An agreement signed while the earlier lifecycle was the deployed one."""
    with frozen_engine(database_url, "2025-04-01T00:00:00+09:00", EARLIER) as (engine, clock):
        yield Lifecycle(engine, clock).sign("2025-06-15")


def partner_inbox(lc: Lifecycle) -> list[str]:
    return [t.step for t in Inbox(lc.engine).tasks(lc.engine.actor("shonan")).items]


def test_the_page_action_completes_the_earlier_versions_notice_task(earlier):
    lc = earlier
    assert partner_inbox(lc) == ["協定終了の申出"]  # how it was: a task waiting in the partner's inbox
    lc.engine.deploy(Bundle.from_folder(PROCESSES))  # the new version does not move running cases by itself
    lc.clock.move_to("2027-02-10T10:00:00+09:00")
    assert lc.notice_action().deadline == date(2027, 2, 28)
    lc.give_notice()
    assert partner_inbox(lc) == []
    [notice] = lc.detail().notices
    assert (notice.given_on, notice.in_time, notice.takes_effect_on) == (
        date(2027, 2, 10), True, date(2027, 3, 31))
    assert lc.detail().row.status_label == "終了予定" and lc.notice_action() is None
    lc.at("2027-04-01T00:00:01")
    assert lc.detail().row.status_label == "終了"


def test_an_earlier_period_moves_to_the_current_version_and_then_waits_for_the_message(earlier):
    lc = earlier
    [result] = [r for r in lc.engine.deploy(Bundle.from_folder(PROCESSES)) if r.process_id == LIFECYCLE]
    assert result.created
    owner, migration = lc.engine.actor("process"), MigrationService(lc.engine)
    [check] = migration.overview(owner, LIFECYCLE).cases
    assert check.movable, check.reasons
    assert check.waiting_after == []  # after the move nobody is waited on until something happens
    migration.migrate(owner, LIFECYCLE, [check.case_id])
    assert partner_inbox(lc) == []  # the inbox task is closed, the badge counts nothing
    lc.clock.move_to("2027-03-05T10:00:00+09:00")  # after the deadline: late, the period still renews
    assert lc.notice_action().late
    lc.give_notice()
    [notice] = lc.detail().notices
    assert (notice.in_time, notice.takes_effect_on) == (False, date(2028, 3, 31))
    lc.at("2027-04-01T00:00:01")
    assert [p.outcome for p in lc.detail().row.renewals] == ["renewed", None]
    assert lc.detail().row.status_label == "終了予定"
