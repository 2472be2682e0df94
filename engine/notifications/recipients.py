"""Who is told: the people a task is routed to, 総合政策課, and the rule that 企業等 hear only of their own cases.

Routing follows engine.access: a 企業等 task goes to the users of the case's organisation, any other
task to the staff of its department. A claimed task is one person's, so only they are told about it.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.access import Role
from engine.domain.guideline import Lane
from engine.persistence.models import Department, HumanTask, UserAccount, user_department
from engine.persistence.models.department import coordinator


def _department_staff(session: Session, department_id: int) -> list[UserAccount]:
    return list(session.scalars(
        select(UserAccount).join(user_department, user_department.c.user_id == UserAccount.id)
        .join(Department, Department.id == user_department.c.department_id)
        .where(user_department.c.department_id == department_id, UserAccount.active, Department.active,
               UserAccount.role.in_([Role.DEPARTMENT.value, Role.COORDINATOR.value]))
        .order_by(UserAccount.id)))


def organisation_users(session: Session, organisation_id: int) -> list[UserAccount]:
    return list(session.scalars(select(UserAccount).where(
        UserAccount.organisation_id == organisation_id, UserAccount.active,
        UserAccount.role == Role.ORGANISATION.value).order_by(UserAccount.id)))


def task_group(session: Session, task: HumanTask) -> list[UserAccount]:
    """Everyone the task is routed to (its lane's organisation or department)."""
    if task.lane == Lane.ORGANISATION.value:
        return organisation_users(session, task.organisation_id) if task.organisation_id else []
    return _department_staff(session, task.department_id) if task.department_id else []


def task_people(session: Session, task: HumanTask) -> list[UserAccount]:
    """The claimant of a claimed task, otherwise the whole group."""
    if task.claimed_by_id is not None:
        claimant = session.get(UserAccount, task.claimed_by_id)
        return [claimant] if claimant is not None and claimant.active else []
    return task_group(session, task)


def coordinators(session: Session) -> list[UserAccount]:
    """Staff of 総合政策課 (who owns every 包括連携協定 and watches every case)."""
    coordinating = coordinator(session)
    return _department_staff(session, coordinating.id) if coordinating else []


def department_staff(session: Session, department_id: int | None) -> list[UserAccount]:
    return _department_staff(session, department_id) if department_id else []


def may_hear_of(user: UserAccount, organisation_id: int | None) -> bool:
    """A 企業等 user is told only about its own organisation's cases and agreements (issue #7 item 4)."""
    if user.role == Role.ORGANISATION.value:
        return organisation_id is not None and user.organisation_id == organisation_id
    return True
