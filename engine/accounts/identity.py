"""Users, organisations and departments: creating them, and turning a user into the Actor engine calls take."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from engine.access import Actor, Role
from engine.accounts.views import Person
from engine.errors import NotFoundError, RenkeiError
from engine.persistence.base import utcnow
from engine.persistence.models import Department, LoginAttempt, Organisation, UserAccount
from engine.persistence.models.department import coordinator


class AccountError(RenkeiError):
    """A user, organisation or department cannot be created or changed as asked."""

    code = "account_invalid"


def actor_for(session: Session, user: UserAccount) -> Actor:
    coordinating = coordinator(session)
    return Actor(
        user_id=user.id,
        role=Role(user.role),
        organisation_id=user.organisation_id,
        department_ids=frozenset(d.id for d in user.departments if d.active),
        coordinator_department_id=coordinating.id if coordinating else None,
        display_name=user.display_name,
    )


def create_organisation(session: Session, name: str, verified: bool = True) -> Organisation:
    name = (name or "").strip()
    if not name:
        raise AccountError("団体名を入力してください")
    if session.scalar(select(Organisation.id).where(Organisation.name == name)) is not None:
        raise AccountError(f"団体「{name}」は既に登録されています")
    organisation = Organisation(name=name, verified=verified)
    session.add(organisation)
    session.flush()
    return organisation


def next_department_code(session: Session) -> str:
    """A stable code for a department created without one (``renkei departments create NAME``)."""
    number = (session.scalar(select(func.count()).select_from(Department)) or 0) + 1
    while session.scalar(select(Department.id).where(Department.code == f"dept{number:03d}")) is not None:
        number += 1
    return f"dept{number:03d}"


def create_department(session: Session, name: str, code: str | None = None,
                      is_coordinator: bool = False) -> Department:
    name, code = (name or "").strip(), (code or "").strip() or next_department_code(session)
    if not name:
        raise AccountError("課の名称を入力してください")
    if session.scalar(select(Department.id).where((Department.name == name) | (Department.code == code))):
        raise AccountError(f"課「{name}」（{code}）は既に登録されています")
    if is_coordinator and session.scalar(select(Department.id).where(Department.is_coordinator)):
        raise AccountError("総合政策課（調整担当の課）は既に登録されています")
    department = Department(name=name, code=code, is_coordinator=is_coordinator)
    session.add(department)
    session.flush()
    return department


def _find(session: Session, model, name: str):
    found = session.scalar(select(model).where(model.name == name))
    if found is None and hasattr(model, "code"):
        found = session.scalar(select(model).where(model.code == name))
    if found is None:
        raise NotFoundError(f"「{name}」は登録されていません")
    return found


def hash_password(password: str) -> str:
    if len(password or "") < 8:
        raise AccountError("パスワードは8文字以上にしてください")
    return generate_password_hash(password)


def create_user(session: Session, username: str, password: str | None, role: str, display_name: str | None = None,
                departments: list[str] | None = None, organisation: str | None = None,
                email: str | None = None, password_hash: str | None = None) -> UserAccount:
    """``password_hash`` lets a caller that creates many users with one password hash it once."""
    try:
        role_value = Role(role)
    except ValueError:
        raise AccountError(f"役割「{role}」はありません（{', '.join(r.value for r in Role)}）") from None
    if not username or session.scalar(select(UserAccount.id).where(UserAccount.username == username)):
        raise AccountError(f"利用者名「{username}」は使えません（空か、既に使われています）")
    user = UserAccount(username=username, display_name=display_name or username, role=role_value.value,
                       email=email, password_hash=password_hash or hash_password(password or ""))
    if role_value is Role.ORGANISATION:
        if not organisation:
            raise AccountError("企業等の利用者には団体を指定してください")
        user.organisation = _find(session, Organisation, organisation)
    user.departments = [_find(session, Department, name) for name in departments or []]
    if role_value is Role.COORDINATOR:
        coordinating = coordinator(session)
        if coordinating is None:
            raise AccountError("総合政策課（調整担当の課）が登録されていません")
        if coordinating not in user.departments:
            user.departments.append(coordinating)
    if role_value is Role.DEPARTMENT and not user.departments:
        raise AccountError("担当課の職員には所属課を指定してください")
    session.add(user)
    session.flush()
    return user


class SignInThrottledError(RenkeiError):
    """Too many failed sign-ins for this name or address: wait before trying again."""

    code = "too_many_attempts"


# A name may fail 5 times, an address 20 times, within 15 minutes (across every web worker).
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_NAME = 5
MAX_FAILURES_PER_ADDRESS = 20


def _recent_failures(session: Session, column, value: str, since: datetime) -> int:
    return session.scalar(select(func.count()).select_from(LoginAttempt)
                          .where(column == value, LoginAttempt.at >= since, LoginAttempt.succeeded.is_(False)))


def authenticate(session: Session, username: str, password: str, address: str | None = None,
                 now: datetime | None = None) -> UserAccount | None:
    """Checks the password; every attempt is recorded, and repeated failures lock sign-in for a while."""
    now = now or utcnow()
    since = now - THROTTLE_WINDOW
    if (_recent_failures(session, LoginAttempt.username, username, since) >= MAX_FAILURES_PER_NAME
            or (address and _recent_failures(session, LoginAttempt.address, address, since) >= MAX_FAILURES_PER_ADDRESS)):
        raise SignInThrottledError("ログインの失敗が続いたため、しばらくログインできません。15分ほど待ってから再度お試しください")
    user = session.scalar(select(UserAccount).where(UserAccount.username == username))
    valid = (user is not None and user.active and bool(user.password_hash)
             and check_password_hash(user.password_hash, password))
    session.add(LoginAttempt(username=username[:100], address=(address or "")[:64] or None, succeeded=valid, at=now))
    return user if valid else None


def person_of(session: Session, user: UserAccount) -> Person:
    return Person(
        id=user.id, username=user.username, display_name=user.display_name, role=user.role,
        organisation_name=user.organisation.name if user.organisation else None,
        department_names=[d.name for d in user.departments], actor=actor_for(session, user),
    )


def active_person(session: Session, user_id: int) -> Person | None:
    """The active user with this id (for the web session), or None if unknown or deactivated."""
    user = session.get(UserAccount, user_id)
    return person_of(session, user) if user is not None and user.active else None
