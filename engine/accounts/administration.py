"""Changing organisations, departments and users: every change is checked field by field and audited.

Nobody is ever deleted. People appear in the audit trail (透明性: who decided what must stay traceable),
so they are deactivated instead; a deactivated user can no longer sign in, and the tasks they had
claimed go back to their group so no case waits on someone who has left.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.access import SYSTEM, Actor, Role, acts_in_lane
from engine.accounts.fields import (
    DEPARTMENT_CODE,
    Problems,
    check_email,
    check_organisation_name,
    check_username,
)
from engine.accounts.identity import (
    actor_for,
    create_department,
    create_organisation,
    end_sessions,
    next_department_code,
)
from engine.audit import record
from engine.errors import NotAllowedError, NotFoundError
from engine.persistence.models import (
    Case,
    Department,
    HumanTask,
    Invitation,
    Organisation,
    Project,
    UserAccount,
)
from engine.persistence.models.department import coordinator
from engine.persistence.models.human_task import READY


def audit(session: Session, actor: Actor, action: str, now: datetime, subject: str, case: Case | None = None,
          **detail: Any) -> None:
    """Administrative actions carry a readable subject, so the history still reads well after a rename."""
    record(session, actor, action, now, case.id if case else None, subject=subject, **detail)


def _get(session: Session, model, key: int | None, label: str):
    found = session.get(model, key) if key is not None else None
    if found is None:
        raise NotFoundError(f"{label} {key} は見つかりません")
    return found


# --- organisations --------------------------------------------------------------------------------------
def add_organisation(session: Session, actor: Actor, now: datetime, name: str | None) -> Organisation:
    """An organisation entered by city staff is verified: they know whom they are dealing with."""
    problems = Problems()
    name = check_organisation_name(session, problems, name)
    problems.raise_if_any()
    organisation = create_organisation(session, name, verified=True)
    audit(session, actor, "organisation_created", now, f"団体「{name}」", organisation_id=organisation.id)
    return organisation


def rename_organisation(session: Session, actor: Actor, now: datetime, organisation_id: int,
                        name: str | None) -> Organisation:
    organisation = _get(session, Organisation, organisation_id, "団体")
    problems = Problems()
    name = check_organisation_name(session, problems, name, organisation_id=organisation.id)
    problems.raise_if_any()
    if name != organisation.name:
        audit(session, actor, "organisation_changed", now, f"団体「{name}」", organisation_id=organisation.id,
              changes={"name": [organisation.name, name]})
        organisation.name = name
    return organisation


def verify_organisation(session: Session, actor: Actor, now: datetime, organisation_id: int) -> Organisation:
    organisation = _get(session, Organisation, organisation_id, "団体")
    if not organisation.verified:
        organisation.verified = True
        audit(session, actor, "organisation_verified", now, f"団体「{organisation.name}」",
              organisation_id=organisation.id)
    return organisation


def set_organisation_active(session: Session, actor: Actor, now: datetime, organisation_id: int,
                            active: bool) -> Organisation:
    """Deactivating an organisation also deactivates its contacts; a running case keeps it active."""
    organisation = _get(session, Organisation, organisation_id, "団体")
    if organisation.active == active:
        return organisation
    contacts: list[int] = []
    if not active:
        running = list(session.scalars(select(Case.number).where(Case.organisation_id == organisation.id,
                                                                 Case.status == "running").order_by(Case.id)))
        if running:
            numbers = "、".join(n or "" for n in running)
            raise NotAllowedError(f"進行中の案件（{numbers}）があるため無効にできません。"
                                  "案件が終了するか取り下げられた後に無効にしてください")
        for user in session.scalars(select(UserAccount).where(UserAccount.organisation_id == organisation.id,
                                                              UserAccount.active.is_(True))):
            _deactivate(session, actor, now, user)
            contacts.append(user.id)
    organisation.active = active
    audit(session, actor, "organisation_reactivated" if active else "organisation_deactivated", now,
          f"団体「{organisation.name}」", organisation_id=organisation.id, contacts_deactivated=contacts)
    return organisation


# --- departments ----------------------------------------------------------------------------------------
def _check_department(session: Session, problems: Problems, name: str | None,
                      department_id: int | None) -> str:
    name = problems.text("name", name, "課の名称", 100)
    if name and session.scalar(select(Department.id).where(Department.name == name,
                                                           Department.id != (department_id or 0))):
        problems["name"] = f"課「{name}」は既に登録されています"
    return name


def add_department(session: Session, actor: Actor, now: datetime, name: str | None,
                   code: str | None) -> Department:
    """The code is what process data stores (project.department); left empty, one is assigned."""
    problems = Problems()
    name = _check_department(session, problems, name, None)
    code = (code or "").strip()
    if code and not DEPARTMENT_CODE.fullmatch(code):
        problems["code"] = "課のコードは半角英数字と「_ -」の50文字以内にしてください"
    elif code and session.scalar(select(Department.id).where(Department.code == code)):
        problems["code"] = f"課のコード「{code}」は既に使われています"
    problems.raise_if_any()
    department = create_department(session, name, code or next_department_code(session))
    audit(session, actor, "department_created", now, f"課「{name}」（{department.code}）",
          department_id=department.id)
    return department


def rename_department(session: Session, actor: Actor, now: datetime, department_id: int,
                      name: str | None) -> Department:
    department = _get(session, Department, department_id, "課")
    problems = Problems()
    name = _check_department(session, problems, name, department.id)
    problems.raise_if_any()
    if name != department.name:
        audit(session, actor, "department_changed", now, f"課「{name}」（{department.code}）",
              department_id=department.id, changes={"name": [department.name, name]})
        department.name = name
    return department


def set_department_active(session: Session, actor: Actor, now: datetime, department_id: int,
                          active: bool) -> Department:
    """A department that owns open work cannot go: its tasks would be routed to nobody."""
    department = _get(session, Department, department_id, "課")
    if department.active == active:
        return department
    if not active:
        if department.is_coordinator:
            raise NotAllowedError("総合政策課（調整担当の課）は無効にできません")
        tasks = session.scalar(select(func.count()).select_from(HumanTask)
                               .where(HumanTask.department_id == department.id, HumanTask.state == READY))
        projects = session.scalar(select(func.count()).select_from(Project)
                                  .join(Case, Project.case_id == Case.id)
                                  .where(Project.department_id == department.id, Project.removed.is_(False),
                                         Case.status == "running"))
        if tasks or projects:
            raise NotAllowedError(f"「{department.name}」は未完了のタスク{tasks}件・進行中の案件の連携事業"
                                  f"{projects}件を担当しているため無効にできません。"
                                  "担当課を変更するか、案件の終了後に無効にしてください")
    department.active = active
    audit(session, actor, "department_reactivated" if active else "department_deactivated", now,
          f"課「{department.name}」（{department.code}）", department_id=department.id)
    return department


# --- users ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class UserInput:
    """What the user form submits: an organisation counts for 企業等 users, departments for staff."""

    username: str = ""
    display_name: str = ""
    email: str = ""
    role: str = ""
    organisation_id: int | None = None
    department_ids: tuple[int, ...] = ()


def _subject(user: UserAccount) -> str:
    return f"{user.display_name}（{user.username}）"


def _snapshot(user: UserAccount) -> dict[str, Any]:
    return {"username": user.username, "display_name": user.display_name, "email": user.email,
            "role": user.role,
            "organisation": user.organisation.name if user.organisation else None,
            "departments": [d.name for d in user.departments]}


def _role(problems: Problems, value: str) -> Role | None:
    try:
        return Role(value)
    except ValueError:
        problems["role"] = "役割を選択してください"
        return None


def _organisation_for(session: Session, problems: Problems, role: Role | None, organisation_id: int | None):
    if role is not Role.ORGANISATION:
        return None
    organisation = session.get(Organisation, organisation_id) if organisation_id else None
    if organisation is None or not organisation.active:
        problems["organisation_id"] = "企業等の利用者は所属する団体を選択してください"
    return organisation


def _departments_for(session: Session, problems: Problems, role: Role | None, ids: tuple[int, ...]):
    if role is Role.ORGANISATION or role is None:
        return []
    found = (session.get(Department, i) for i in dict.fromkeys(ids))
    departments = [d for d in found if d is not None and d.active]
    coordinating = coordinator(session)
    if role is Role.COORDINATOR:
        if coordinating is None:
            problems["role"] = "総合政策課（調整担当の課）が登録されていないため、この役割は選べません"
        elif coordinating not in departments:
            departments.insert(0, coordinating)
    if role is Role.DEPARTMENT and not departments:
        problems["department_ids"] = "担当課職員は所属課を1つ以上選択してください"
    return departments


def _other_active_admins(session: Session, user: UserAccount) -> int:
    return session.scalar(select(func.count()).select_from(UserAccount).where(
        UserAccount.role == Role.ADMIN.value, UserAccount.active.is_(True), UserAccount.id != user.id)) or 0


def _guard_admin(session: Session, actor: Actor, user: UserAccount, leaving: bool) -> str | None:
    """Nobody locks themselves out, and the city always keeps one administrator."""
    if not leaving or user.id is None:
        return None
    if user.id == actor.user_id:
        return "自分自身を無効にしたり、自分のシステム管理者の役割を外したりすることはできません"
    if user.role == Role.ADMIN.value and user.active and _other_active_admins(session, user) == 0:
        return "有効なシステム管理者がいなくなるため、この変更はできません"
    return None


def save_user(session: Session, actor: Actor, now: datetime, data: UserInput, user_id: int | None = None):
    """Creates (``user_id`` None) or edits a user; returns it and its changes ({field: [before, after]})."""
    user = _get(session, UserAccount, user_id, "利用者") if user_id is not None else UserAccount(active=True)
    problems = Problems()
    display_name = problems.text("display_name", data.display_name, "氏名", 100)  # in the form's order
    username = check_username(session, problems, data.username, user_id)
    email = check_email(problems, data.email)
    role = _role(problems, data.role)
    organisation = _organisation_for(session, problems, role, data.organisation_id)
    departments = _departments_for(session, problems, role, data.department_ids)
    leaving_admin = user.role == Role.ADMIN.value and role is not None and role is not Role.ADMIN
    if refusal := _guard_admin(session, actor, user, leaving_admin):
        problems["role"] = refusal
    problems.raise_if_any()
    before = _snapshot(user) if user_id is not None else {}
    user.username, user.display_name, user.email, user.role = username, display_name, email, role.value
    user.organisation, user.departments = organisation, departments
    if user_id is None:
        user.created_at = now
        session.add(user)
    session.flush()
    after = _snapshot(user)
    changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    if user_id is None:
        audit(session, actor, "user_created", now, _subject(user), user_id=user.id, role=user.role)
    elif changes:
        release_claims(session, actor, now, user)
        audit(session, actor, "user_changed", now, _subject(user), user_id=user.id, changes=changes)
    return user, changes


def release_claims(session: Session, actor: Actor, now: datetime, user: UserAccount) -> int:
    """Tasks the user had claimed but may no longer work go back to the group's inbox."""
    person = actor_for(session, user)
    released = 0
    for task in session.scalars(select(HumanTask).where(HumanTask.claimed_by_id == user.id,
                                                        HumanTask.state == READY)):
        if user.active and acts_in_lane(person, task):
            continue
        task.claimed_by_id, task.claimed_at = None, None
        task.case.updated_at = now
        record(session, actor, "task_released", now, task=task, reason="担当者の役割・所属の変更または無効化",
                     user_id=user.id)
        released += 1
    return released


def _deactivate(session: Session, actor: Actor, now: datetime, user: UserAccount) -> None:
    user.active = False
    end_sessions(session, user)  # a copied session cookie must not come back with a reactivation
    release_claims(session, actor, now, user)
    for invitation in session.scalars(select(Invitation).where(Invitation.user_id == user.id,
                                                               Invitation.used_at.is_(None),
                                                               Invitation.expires_at > now)):
        invitation.expires_at = now  # an unused link must not revive the account
    audit(session, actor, "user_deactivated", now, _subject(user), user_id=user.id)


def set_user_active(session: Session, actor: Actor, now: datetime, user_id: int, active: bool) -> UserAccount:
    user = _get(session, UserAccount, user_id, "利用者")
    if user.active == active:
        return user
    if active:
        if user.organisation is not None and not user.organisation.active:
            raise NotAllowedError(f"団体「{user.organisation.name}」が無効です。先に団体を有効にしてください")
        user.active = True
        audit(session, actor, "user_reactivated", now, _subject(user), user_id=user.id)
    else:
        if refusal := _guard_admin(session, actor, user, leaving=True):
            raise NotAllowedError(refusal)
        _deactivate(session, actor, now, user)
    return user


def audit_provisioned(session: Session, created: Organisation | Department | UserAccount,
                      now: datetime) -> None:
    """``renkei organisations/departments/users create`` are administrative actions too (by the system)."""
    if isinstance(created, Organisation):
        audit(session, SYSTEM, "organisation_created", now, f"団体「{created.name}」",
              organisation_id=created.id, via="renkei")
    elif isinstance(created, Department):
        audit(session, SYSTEM, "department_created", now, f"課「{created.name}」（{created.code}）",
              department_id=created.id, via="renkei")
    else:
        audit(session, SYSTEM, "user_created", now, _subject(created), user_id=created.id, role=created.role,
              via="renkei")
