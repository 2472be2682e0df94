"""Reminders in the inbox (issue #5 item 7): a task past its due date is marked, one not yet due is not."""

from datetime import UTC, datetime, timedelta

from engine.persistence.models import HumanTask


def _start_and_set_due(engine, due_at):
    shonan = engine.actor("shonan")
    case = engine.start_case(shonan, "comprehensive_agreement", shonan.organisation_id)
    with engine.unit_of_work() as session:
        session.get(HumanTask, case.open_tasks[0].id).due_at = due_at


def test_an_overdue_task_is_marked_in_the_inbox(engine, as_user):
    _start_and_set_due(engine, datetime.now(UTC) - timedelta(days=1))
    page = as_user("shonan").get("/inbox/?view=group").get_data(as_text=True)
    assert "期限切れ" in page


def test_a_task_not_yet_due_is_not_marked(engine, as_user):
    _start_and_set_due(engine, datetime.now(UTC) + timedelta(days=3))
    page = as_user("shonan").get("/inbox/?view=group").get_data(as_text=True)
    assert "期限切れ" not in page and "期限" in page
