"""Who may see and do what: lane → role routing (issue #2 item 6) and the read-only manager.

Visibility and permission are decided here, from the task row alone, so the inbox query and the
single-task checks cannot drift apart. A task a caller may not see is reported as not found.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, false

from engine.domain.guideline import Lane
from engine.persistence.models import HumanTask


class Role(StrEnum):
    ORGANISATION = "organisation"  # a 企業等 contact: sees only its own organisation's cases
    DEPARTMENT = "department"  # staff of one or more 担当課
    COORDINATOR = "coordinator"  # staff of 総合政策課
    MANAGER = "manager"  # reads everything, changes nothing
    PROCESS_OWNER = "process_owner"  # edits and deploys process definitions
    ADMIN = "admin"  # manages users, organisations, departments

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ORGANISATION: "企業等", Role.DEPARTMENT: "担当課職員", Role.COORDINATOR: "総合政策課職員",
    Role.MANAGER: "管理職（閲覧のみ）", Role.PROCESS_OWNER: "プロセス管理者", Role.ADMIN: "システム管理者",
}


@dataclass(frozen=True)
class Actor:
    """The person an engine call acts for; the web layer builds it from the signed-in user."""

    user_id: int | None
    role: Role
    organisation_id: int | None = None
    department_ids: frozenset[int] = field(default_factory=frozenset)
    coordinator_department_id: int | None = None
    display_name: str = ""

    @property
    def is_coordinator(self) -> bool:
        return self.coordinator_department_id is not None and self.coordinator_department_id in self.department_ids

    @property
    def reads_everything(self) -> bool:
        return self.role in (Role.MANAGER, Role.ADMIN, Role.PROCESS_OWNER) or self.is_coordinator

    @property
    def may_change_cases(self) -> bool:
        return self.role is not Role.MANAGER

    @property
    def may_reassign(self) -> bool:
        return self.role is Role.ADMIN or self.is_coordinator


SYSTEM = Actor(user_id=None, role=Role.ADMIN, display_name="システム")


def acts_in_lane(actor: Actor, task: HumanTask) -> bool:
    """The task is routed to this person's organisation or department."""
    if actor.role is Role.MANAGER:
        return False
    if task.lane == Lane.ORGANISATION:
        return actor.role is Role.ORGANISATION and task.organisation_id == actor.organisation_id
    return task.department_id is not None and task.department_id in actor.department_ids


def may_see_task(actor: Actor, task: HumanTask) -> bool:
    return actor.reads_everything or acts_in_lane(actor, task)


def routed_to(actor: Actor) -> ColumnElement[bool]:
    """SQL form of ``acts_in_lane``, for the inbox query (uses the state/department/organisation indexes)."""
    if actor.role is Role.MANAGER:
        return false()
    if actor.role is Role.ORGANISATION:
        return and_(HumanTask.lane == Lane.ORGANISATION.value, HumanTask.organisation_id == actor.organisation_id)
    if not actor.department_ids:
        return false()
    return and_(HumanTask.lane != Lane.ORGANISATION.value, HumanTask.department_id.in_(actor.department_ids))


def may_see_case(actor: Actor, organisation_id: int, department_ids: set[int]) -> bool:
    """A 企業等 sees its own cases; a 担当課 sees cases with one of its projects; 総合政策課 and managers see all."""
    if actor.reads_everything:
        return True
    if actor.role is Role.ORGANISATION:
        return organisation_id == actor.organisation_id
    return bool(department_ids & actor.department_ids)


__all__ = ["Actor", "Role", "SYSTEM", "acts_in_lane", "may_see_case", "may_see_task", "routed_to"]
