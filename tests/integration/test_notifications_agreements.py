"""After signing: the notice deadline (R-6.2) approaching and a termination proposed (R-9) are announced."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from engine.notifications.service import Notifications, notify_termination_proposed
from engine.persistence.models import Agreement, MailOutbox, Notification, UserAccount
from tests.integration.flow import Flow
from tests.integration.test_comprehensive_flow import concluded_on
from tests.mail_server import give_everyone_mail


def concluded(engine, clock) -> Flow:
    return concluded_on(engine, "2025-06-15", clock)  # valid until 2027-03-31, notice deadline 2027-02-28


def told(engine, kind: str) -> list[tuple[str, str]]:
    with engine.unit_of_work() as session:
        return [(user.username, notice.title) for notice, user in session.execute(
            select(Notification, UserAccount).join(UserAccount, Notification.user_id == UserAccount.id)
            .where(Notification.kind == kind).order_by(UserAccount.username))]


def test_the_coordinating_division_is_told_30_days_before_the_notice_deadline(engine, clock):
    give_everyone_mail(engine)
    concluded(engine, clock)
    notifications = Notifications(engine)
    clock.now = datetime(2027, 1, 28, 0, 0, tzinfo=UTC)  # 31 days before 2027-02-28 (Japan time)
    notifications.scan()  # (the lifecycle's own tasks may be due by now: those notices are not this test's)
    assert told(engine, "notice_deadline") == []
    clock.now = datetime(2027, 1, 29, 0, 0, tzinfo=UTC)
    notifications.scan()
    notifications.scan()  # the same deadline is announced once
    assert told(engine, "notice_deadline") == [("seisaku", "申出期限まであと30日：包括連携協定（湘南サンプル株式会社）")]
    with engine.unit_of_work() as session:
        [mail] = session.scalars(select(MailOutbox).where(MailOutbox.template == "notice_deadline"))
        assert (mail.context["notice_deadline"], mail.context["valid_until"]) == ("2027-02-28", "2027-03-31")


def test_a_proposed_termination_reaches_the_coordinating_division_and_that_partner_only(engine, clock):
    concluded(engine, clock)
    Flow(engine, "mirai").start()
    with engine.unit_of_work() as session:
        agreement_id = session.scalar(select(Agreement.id))
        assert notify_termination_proposed(session, agreement_id, "2年以上連携の実績がないため（R-9.1）", clock.now) == 2
    titles = told(engine, "termination_proposed")
    assert [who for who, _ in titles] == ["seisaku", "shonan"]
    assert titles[0][1] == "協定の解除が提案されました：包括連携協定（湘南サンプル株式会社）"
    with engine.unit_of_work() as session:
        links = set(session.scalars(select(Notification.link).where(Notification.kind == "termination_proposed")))
    assert links == {f"/agreements/{agreement_id}"}  # no task was named: both see the agreement's page


def test_with_a_judgement_task_the_city_opens_the_task_and_the_partner_its_agreement(engine, clock):
    concluded(engine, clock)
    task_id = "7f0c6c1e-0000-4000-8000-000000000001"  # the judgement task the lifecycle names
    with engine.unit_of_work() as session:
        agreement_id = session.scalar(select(Agreement.id))
        notify_termination_proposed(session, agreement_id, "2年度以上連携の実績がないため（R-9.1）", clock.now, task_id)
    with engine.unit_of_work() as session:
        links = dict(session.execute(
            select(UserAccount.username, Notification.link).join(UserAccount, Notification.user_id == UserAccount.id)
            .where(Notification.kind == "termination_proposed")).all())
    assert links == {"seisaku": f"/tasks/{task_id}", "shonan": f"/agreements/{agreement_id}"}


def test_a_lifecycle_waiting_for_its_renewal_date_is_not_reported_as_stuck(engine, clock):
    concluded(engine, clock)  # the lifecycle case waits for the partner's 申出 (a message) and its timers
    clock.now = datetime(2025, 8, 1, tzinfo=UTC)
    Notifications(engine).scan()
    assert told(engine, "case_waiting") == []
