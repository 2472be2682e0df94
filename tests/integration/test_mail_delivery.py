"""Mails reach a real SMTP server on loopback: assignment, digest, overdue; a server that is down delays, never breaks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from engine.access import SYSTEM
from engine.errors import NotAllowedError
from engine.notifications.mail import Mailer, MailTemplates, mail_pass
from engine.notifications.service import Kind, Notifications
from engine.persistence.models import HumanTask, MailOutbox
from tests.integration.flow import FOUR_PROJECTS_THREE_CATEGORIES, Flow
from tests.mail_server import (
    MailServer,
    give_everyone_mail,
    password_check,
    self_signed_certificate,
    server_tls,
)


@pytest.fixture
def smtp():
    server = MailServer().start()
    yield server
    server.stop()


@pytest.fixture
def mailer(engine, smtp) -> Mailer:
    give_everyone_mail(engine)
    return Mailer(engine, smtp.settings())


def outbox(engine) -> list[MailOutbox]:
    with engine.unit_of_work() as session:
        return list(session.scalars(select(MailOutbox).order_by(MailOutbox.id)))


def test_the_new_task_mail_names_the_step_and_links_to_the_task(engine, smtp, mailer):
    flow = Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES)
    task = flow.task("record_partnership")
    assert mailer.send_due().sent == 2  # ① to the partner at the start, ② to 総合政策課
    [mail] = smtp.to("seisaku@example.jp")
    assert mail["Subject"] == f"【Renkei】新しいタスク：② 連携事業の実績を整理（{task.case_number} 湘南サンプル株式会社）"
    assert mail["From"] == "renkei@city.example.jp"
    body = mail.get_content()
    assert body.startswith("総合政策課 政策 一郎 様")
    assert f"https://renkei.city.example.jp/tasks/{task.id}" in body
    assert mailer.send_due().sent == 0  # nothing is sent twice
    assert [row.status for row in outbox(engine)] == ["sent", "sent"]


def test_the_daily_digest_collects_the_days_notices_in_one_mail(engine, smtp, mailer, clock):
    notifications = Notifications(engine)
    seisaku = engine.actor("seisaku")
    notifications.set_preferences(seisaku, {kind.value: "digest" for kind in Kind})
    clock.now = datetime(2025, 5, 1, 20, 0, tzinfo=UTC)  # 05:00 in Japan: before the digest hour (08:00)
    flow = Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES).record_partnership()
    flow.assign_departments(FOUR_PROJECTS_THREE_CATEGORIES)  # ④ is for 総合政策課 too
    mail_pass(notifications, mailer)
    assert smtp.to("seisaku@example.jp") == []
    clock.now = datetime(2025, 5, 1, 23, 30, tzinfo=UTC)  # 08:30 in Japan
    mail_pass(notifications, mailer)
    mail_pass(notifications, mailer)
    [digest] = smtp.to("seisaku@example.jp")
    assert digest["Subject"] == "【Renkei】令和7年5月2日のお知らせ（3件）"
    body = digest.get_content()
    assert body.count("■ 新しいタスク") == 3 and "② 連携事業の実績を整理" in body and "④ " in body
    assert "https://renkei.city.example.jp/notifications" in body


def test_an_overdue_task_mail_gives_the_due_date_in_reiwa(engine, smtp, mailer, clock):
    flow = Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES)
    task = flow.task("record_partnership")
    with engine.unit_of_work() as session:
        session.get(HumanTask, task.id).due_at = datetime(2025, 5, 9, 8, 0, tzinfo=UTC)  # 17:00 in Japan
    clock.now = datetime(2025, 5, 10, tzinfo=UTC)
    mail_pass(Notifications(engine), mailer)
    overdue = [m for m in smtp.to("seisaku@example.jp") if "期限を過ぎています" in m["Subject"]]
    assert len(overdue) == 1
    assert "処理期限：令和7年5月9日 17:00" in overdue[0].get_content()


def test_with_the_mail_server_down_the_step_completes_and_the_mail_follows_when_it_is_back(engine, smtp, mailer,
                                                                                             clock):
    smtp.stop()
    flow = Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES)  # completes although SMTP is down
    assert flow.task("record_partnership").step.startswith("②")
    assert mailer.send_due().failed == 2
    waiting = outbox(engine)
    assert {(row.status, row.attempts) for row in waiting} == {("pending", 1)}
    assert "メールサーバーに接続できません" in waiting[0].last_error
    assert waiting[0].next_attempt_at == clock.now + timedelta(seconds=60)
    smtp.start()
    assert mailer.send_due().sent == 0  # the back-off is respected
    clock.now += timedelta(seconds=61)
    assert mailer.send_due().sent == 2
    assert len(smtp.received) == 2 and {row.status for row in outbox(engine)} == {"sent"}


def test_a_mail_that_keeps_failing_is_shown_to_administrators_and_can_be_retried(engine, smtp, clock):
    give_everyone_mail(engine)
    mailer = Mailer(engine, smtp.settings(max_attempts=2))
    Flow(engine).start()
    smtp.stop()
    mailer.send_due()
    clock.now += timedelta(minutes=5)
    mailer.send_due()
    [failed] = mailer.outbox(engine.actor("admin"))
    assert (failed.status, failed.attempts, failed.to_address) == ("failed", 2, "shonan@example.jp")
    with pytest.raises(NotAllowedError):
        mailer.outbox(engine.actor("seisaku"))
    smtp.start()
    clock.now += timedelta(days=1)
    assert mailer.send_due().sent == 0  # failed for good until an administrator retries it
    mailer.retry(engine.actor("admin"), failed.id)
    assert mailer.send_due().sent == 1 and mailer.outbox(engine.actor("admin")) == []


def test_process_owners_can_replace_a_template_by_configuration(engine, smtp, tmp_path):
    give_everyone_mail(engine)
    (tmp_path / "task_assigned.txt").write_text("件名：{{ step }} が届きました\n{{ recipient_name }} 様\n{{ base_url }}{{ link }}\n",
                                               encoding="utf-8")
    Flow(engine).start()
    Mailer(engine, smtp.settings(templates=tmp_path)).send_due()
    [mail] = smtp.received
    assert mail["Subject"] == "① 連携事業の提案 が届きました"


def test_every_shipped_template_renders_with_the_context_its_notice_gives():
    templates = MailTemplates(base_url="https://renkei.city.example.jp")
    common = {"recipient_name": "政策 一郎", "link": "/tasks/x", "title": "t", "case_number": "R7-0001",
              "case_title": "提案", "organisation_name": "湘南サンプル株式会社", "step": "② 連携事業の実績を整理",
              "lane": "総合政策課", "project_title": None, "department_name": None, "due_at": "2025-05-09T08:00:00+00:00",
              "steps": "②", "waiting_days": 15, "waiting_since": "2025-05-01T00:00:00+00:00", "limit_days": 14,
              "agreement_title": "包括連携協定", "signed_on": "2025-06-15", "valid_until": "2027-03-31",
              "notice_deadline": "2027-02-28", "days_left": 30, "reason": "R-9.1", "comprehensive": True,
              "valid_from": "2025-06-15", "renewed_from": "2027-04-01", "renewed_until": "2028-03-31"}
    for kind in Kind:
        subject, body = templates.render(kind.value, common)
        assert subject.startswith("【Renkei】") and "https://renkei.city.example.jp/tasks/x" in body, kind
    subject, body = templates.render("digest", {"recipient_name": "x", "date": "2025-05-02", "count": 1, "items": [
        {"kind_label": "新しいタスク", "title": "t", "link": "/tasks/x"}]})
    assert subject == "【Renkei】令和7年5月2日のお知らせ（1件）"


def test_the_system_itself_has_no_notifications(engine):
    assert Notifications(engine).list(SYSTEM).items == []


def test_mail_goes_over_starttls_with_a_login_to_a_server_certified_by_the_citys_own_ca(engine, tmp_path):
    give_everyone_mail(engine)
    certificate, key = self_signed_certificate(tmp_path)
    smtp = MailServer().start(tls_context=server_tls(certificate, key), require_starttls=True, auth_required=True,
                              authenticator=password_check("renkei", "s3cret"))
    try:
        Flow(engine).start()
        wrong = Mailer(engine, smtp.settings(security="starttls", ca_file=certificate, username="renkei",
                                             password="wrong"))
        assert wrong.send_due().failed == 1
        [row] = outbox(engine)
        assert "メールサーバーに接続できません" in row.last_error and "535" in row.last_error
        engine.clock.now += timedelta(minutes=2)
        right = Mailer(engine, smtp.settings(security="starttls", ca_file=certificate, username="renkei",
                                             password="s3cret"))
        assert right.send_due().sent == 1 and len(smtp.received) == 1
    finally:
        smtp.stop()


def test_a_server_certificate_nobody_vouches_for_is_refused(engine, tmp_path):
    give_everyone_mail(engine)
    certificate, key = self_signed_certificate(tmp_path)
    smtp = MailServer().start(tls_context=server_tls(certificate, key), require_starttls=True, timeout=1)
    try:
        Flow(engine).start()
        assert Mailer(engine, smtp.settings(security="starttls")).send_due().failed == 1
        assert "CERTIFICATE_VERIFY_FAILED" in outbox(engine)[0].last_error and smtp.received == []
    finally:
        smtp.stop()
