"""Notifications as the flow moves (issue #7 items 1–4): who is told of what, once, in the step's own transaction."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engine import events
from engine.accounts.identity import create_user
from engine.errors import FormDataError, NotFoundError
from engine.notifications.mail import MailTemplates
from engine.notifications.service import Kind, Notifications
from engine.persistence.models import HumanTask, MailOutbox, Notification, UserAccount
from tests.integration.flow import FOUR_PROJECTS_THREE_CATEGORIES, Flow
from tests.mail_server import give_everyone_mail

IMMEDIATE_ALL = {kind.value: "immediate" for kind in Kind}


@pytest.fixture
def notifications(engine) -> Notifications:
    give_everyone_mail(engine)
    return Notifications(engine)


def rows(engine, model, **where):
    with engine.unit_of_work() as session:
        query = select(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return list(session.scalars(query))


def titles(notifications, engine, username: str) -> list[str]:
    return [n.title for n in notifications.list(engine.actor(username)).items]


def add_colleague(engine, username: str, department: str) -> None:
    with engine.unit_of_work() as session:
        create_user(session, username, "password-123", "department", f"{username} 職員", departments=[department],
                    email=f"{username}@example.jp")


def test_the_proposal_tells_the_coordinating_division_of_step_2_once(engine, notifications):
    flow = Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES)
    task = flow.task("record_partnership")
    told = rows(engine, Notification, task_id=task.id)
    assert [(n.kind, n.link) for n in told] == [("task_assigned", f"/tasks/{task.id}")]
    assert told[0].title.startswith("新しいタスク：② ")
    assert [m.to_address for m in rows(engine, MailOutbox, template="task_assigned") if task.id in m.key] == [
        "seisaku@example.jp"]


def test_every_member_of_the_department_hears_of_a_project_task_and_only_once(engine, notifications):
    add_colleague(engine, "kankyo2", "kankyo")
    flow = Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES).record_partnership()
    flow.assign_departments(FOUR_PROJECTS_THREE_CATEGORIES).consult_feasibility()
    p3 = flow.task("decide_implementation", "P3")
    flow.decide("P1").decide("P2")  # other steps re-sync the open tasks; nobody is told of P3 again
    told = rows(engine, Notification, task_id=p3.id)
    assert sorted(engine_user(engine, n.user_id) for n in told) == ["kankyo", "kankyo2"]
    with engine.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(MailOutbox)
                              .where(MailOutbox.key.like(f"task_assigned:{p3.id}:%"))) == 2


def test_the_person_a_task_is_handed_to_hears_who_handed_it_over_once_per_handover(engine, notifications):
    add_colleague(engine, "kankyo2", "kankyo")
    flow = Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES).record_partnership()
    flow.assign_departments(FOUR_PROJECTS_THREE_CATEGORIES).consult_feasibility()
    p3 = flow.task("decide_implementation", "P3")  # P3 is 環境政策課's
    kankyo2 = engine.actor("kankyo2")
    seisaku = engine.actor("seisaku")

    engine.reassign(seisaku, p3.id, kankyo2.user_id)
    engine.reassign(seisaku, p3.id, kankyo2.user_id)  # already theirs: nothing new to tell

    handed = [n for n in rows(engine, Notification, task_id=p3.id) if n.title.startswith("担当になりました")]
    assert [(engine_user(engine, n.user_id), n.link) for n in handed] == [("kankyo2", f"/tasks/{p3.id}")]
    [mail] = [m for m in rows(engine, MailOutbox, to_address="kankyo2@example.jp") if ":assigned:" in m.key]
    subject, body = MailTemplates().render(mail.template, mail.context)
    assert subject.startswith("【Renkei】担当になりました：⑤")
    assert "さんが、あなたをこのタスクの担当にしました" in body and seisaku_name(engine) in body


def seisaku_name(engine) -> str:
    with engine.unit_of_work() as session:
        return session.scalar(select(UserAccount.display_name).where(UserAccount.username == "seisaku"))


def engine_user(engine, user_id: int) -> str:
    with engine.unit_of_work() as session:
        return session.get(UserAccount, user_id).username


def test_a_partner_hears_only_of_its_own_organisations_cases(engine, notifications):
    Flow(engine, "shonan").start()
    Flow(engine, "mirai").start()
    assert all("湘南サンプル株式会社" in t for t in titles(notifications, engine, "shonan"))
    assert all("茅ヶ崎みらい大学" in t for t in titles(notifications, engine, "mirai"))
    assert len(titles(notifications, engine, "shonan")) == 1


def test_a_refused_submission_notifies_nobody(engine, notifications):
    flow = Flow(engine).start()
    before = len(rows(engine, Notification))
    with pytest.raises(FormDataError):
        flow.complete("propose", {"proposal_title": ""})
    assert len(rows(engine, Notification)) == before


def test_mail_off_keeps_the_in_app_notice_and_queues_no_mail(engine, notifications):
    seisaku = engine.actor("seisaku")
    notifications.set_preferences(seisaku, {**IMMEDIATE_ALL, "task_assigned": "off"})
    Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES)
    assert notifications.list(seisaku).unread == 1
    assert [m for m in rows(engine, MailOutbox) if m.to_address == "seisaku@example.jp"] == []


def test_a_preference_form_with_an_unknown_choice_changes_nothing(engine, notifications):
    seisaku = engine.actor("seisaku")
    with pytest.raises(FormDataError) as refused:
        notifications.set_preferences(seisaku, {**IMMEDIATE_ALL, "task_due": "weekly", "task_overdue": "digest"})
    assert refused.value.errors == {"task_due": "「期限が近いタスク」の受け取り方を選んでください"}
    assert {row.kind: row.delivery for row in notifications.preferences(seisaku).rows}["task_overdue"] == "immediate"


def test_marking_read_lowers_the_unread_count_and_another_persons_notice_is_not_found(engine, notifications):
    Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES)
    seisaku, shonan = engine.actor("seisaku"), engine.actor("shonan")
    notice = notifications.list(seisaku).items[0]
    with pytest.raises(NotFoundError):
        notifications.mark_read(shonan, notice.id)
    assert notifications.mark_read(seisaku, notice.id) == notice.link
    assert notifications.unread_count(seisaku) == 0
    assert notifications.list(seisaku).items[0].read


def set_due(engine, task_id: str, due_at) -> None:
    with engine.unit_of_work() as session:
        session.get(HumanTask, task_id).due_at = due_at


def test_a_task_due_soon_and_then_overdue_is_announced_once_each(engine, notifications, clock):
    flow = Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES)
    task = flow.task("record_partnership")
    set_due(engine, task.id, clock.now + timedelta(days=5))
    assert notifications.scan().notices == 0  # 5 days ahead: not yet (RENKEI_NOTIFY_DUE_DAYS = 3)
    clock.now += timedelta(days=3)
    assert notifications.scan().notices == 1
    assert notifications.scan().notices == 0
    clock.now += timedelta(days=3)
    assert notifications.scan().notices == 1
    kinds = [n.kind for n in rows(engine, Notification, task_id=task.id)]
    assert kinds == ["task_assigned", "task_due", "task_overdue"]


def test_a_claimed_task_past_due_is_told_to_the_claimant_only(engine, notifications, clock):
    add_colleague(engine, "seisaku2", "kikaku")
    flow = Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES)
    task = flow.task("record_partnership")
    engine.claim(engine.actor("seisaku2"), task.id)
    set_due(engine, task.id, clock.now - timedelta(hours=1))
    notifications.scan()
    overdue = rows(engine, Notification, kind="task_overdue")
    assert [engine_user(engine, n.user_id) for n in overdue] == ["seisaku2"]


def test_a_case_waiting_longer_than_the_limit_is_reported_to_the_coordinating_division(engine, notifications, clock):
    flow = Flow(engine).start().propose(FOUR_PROJECTS_THREE_CATEGORIES)
    clock.now += timedelta(days=13)
    assert notifications.scan().notices == 0
    clock.now += timedelta(days=2)
    assert notifications.scan().notices == 1
    assert notifications.scan().notices == 0  # the same wait is reported once
    waiting = rows(engine, Notification, kind="case_waiting")
    assert [engine_user(engine, n.user_id) for n in waiting] == ["seisaku"]
    assert waiting[0].title.startswith("15日間止まっています") and waiting[0].link == \
        f"/tasks/{flow.task('record_partnership').id}"


def test_when_the_step_fails_after_its_notices_were_written_neither_notice_nor_mail_is_kept(engine, notifications,
                                                                                          monkeypatch):
    flow = Flow(engine).start()
    before = (len(rows(engine, Notification)), len(rows(engine, MailOutbox)))

    def later_subscriber_fails(session, event):
        raise RuntimeError("a later subscriber failed")

    monkeypatch.setitem(engine.handlers, events.TaskCompleted, [later_subscriber_fails])
    with pytest.raises(RuntimeError):
        flow.propose(FOUR_PROJECTS_THREE_CATEGORIES)  # ② became ready and was announced, then the step failed
    assert (len(rows(engine, Notification)), len(rows(engine, MailOutbox))) == before
