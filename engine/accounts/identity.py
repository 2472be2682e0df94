"""Users, organisations and departments: creating them, and turning a user into the Actor engine calls take."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache
from math import ceil

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from engine.access import Actor, Role
from engine.accounts.views import Person
from engine.errors import NotFoundError, RenkeiError
from engine.persistence.base import utcnow
from engine.persistence.models import Department, LoginAttempt, Organisation, UserAccount
from engine.persistence.models.department import coordinator, coordinator_id_column


class AccountError(RenkeiError):
    """A user, organisation or department cannot be created or changed as asked."""

    code = "account_invalid"


def actor_for(session: Session, user: UserAccount) -> Actor:
    coordinating = coordinator(session)
    return _actor(user, coordinating.id if coordinating else None)


def _actor(user: UserAccount, coordinator_department_id: int | None) -> Actor:
    return Actor(
        user_id=user.id,
        role=Role(user.role),
        organisation_id=user.organisation_id,
        department_ids=frozenset(d.id for d in user.departments if d.active),
        coordinator_department_id=coordinator_department_id,
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


# The sign-in rule (docs/sign-in.md), counted over every web worker from the login_attempt table:
# 1. an address with 20 failures within 15 minutes is refused until the oldest of them is 15 minutes old;
# 2. a name with 5 or more failures within 15 minutes waits before each further attempt: 15 seconds after the
#    5th failure, doubling with each failure, at most 15 minutes: a growing delay, never a hard lock;
# 3. the delay of rule 2 does not apply from an address the name signed in from within 90 days, so a stranger
#    guessing an administrator's password slows down the stranger, not the administrator at their desk.
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ADDRESS = 20
MAX_FAILURES_PER_NAME = 5  # failures before the delay starts
FIRST_DELAY = timedelta(seconds=15)
KNOWN_ADDRESS_PERIOD = timedelta(days=90)
DECOY_PASSWORD = "renkei-decoy-password"


@cache
def _decoy_hash() -> str:
    """A hash made like every account's, checked for an unknown name so that answer takes as long."""
    return generate_password_hash(DECOY_PASSWORD)


def _failures(session: Session, column, value: str, since: datetime) -> tuple[int, datetime | None]:
    """How many failed attempts for this name or address since ``since``, and when the last one was."""
    failed = select(func.count(), func.max(LoginAttempt.at)).select_from(LoginAttempt).where(
        column == value, LoginAttempt.at >= since, LoginAttempt.succeeded.is_(False))
    count, last = session.execute(failed).one()
    return count, last


def name_delay(failures: int) -> timedelta:
    """The wait after the last failure before a name may try again (rule 2)."""
    if failures < MAX_FAILURES_PER_NAME:
        return timedelta(0)
    doublings = min(failures - MAX_FAILURES_PER_NAME, 6)  # 15 s × 2⁶ is past the cap already
    return min(FIRST_DELAY * 2**doublings, THROTTLE_WINDOW)


def _known_address(session: Session, username: str, address: str | None, now: datetime) -> bool:
    if not address:
        return False
    return session.scalar(select(LoginAttempt.id).where(
        LoginAttempt.username == username, LoginAttempt.address == address, LoginAttempt.succeeded.is_(True),
        LoginAttempt.at >= now - KNOWN_ADDRESS_PERIOD).limit(1)) is not None


def _wait_words(wait: timedelta) -> str:
    seconds = max(1, ceil(wait.total_seconds()))
    return f"{seconds}秒" if seconds < 60 else f"{ceil(seconds / 60)}分"


def _refuse_if_throttled(session: Session, username: str, address: str | None, now: datetime) -> None:
    since = now - THROTTLE_WINDOW
    if address:
        count, _ = _failures(session, LoginAttempt.address, address, since)
        if count >= MAX_FAILURES_PER_ADDRESS:
            raise SignInThrottledError("この端末からのログインの失敗が続いたため、"
                                       "しばらくログインできません。15分ほど待ってから再度お試しください")
    count, last = _failures(session, LoginAttempt.username, username, since)
    wait = (last + name_delay(count) - now) if last is not None else timedelta(0)
    if wait > timedelta(0) and not _known_address(session, username, address, now):
        raise SignInThrottledError(f"ログインの失敗が続いたため、しばらくログインできません。"
                                   f"{_wait_words(wait)}ほど待ってから再度お試しください")


def authenticate(session: Session, username: str, password: str, address: str | None = None,
                 now: datetime | None = None) -> UserAccount | None:
    """Checks the password; every attempt is recorded, and repeated failures slow sign-in down (rule above).

    Exactly one password hash is checked whether or not the name exists, is active or has a password, so the
    time of the answer does not tell a stranger which names exist.
    """
    now = now or utcnow()
    _refuse_if_throttled(session, username, address, now)
    user = session.scalar(select(UserAccount).where(UserAccount.username == username))
    usable = user is not None and user.active and bool(user.password_hash)
    matches = check_password_hash(user.password_hash if usable else _decoy_hash(), password)
    valid = usable and matches
    session.add(LoginAttempt(username=username[:100], address=(address or "")[:64] or None, succeeded=valid,
                             at=now))
    return user if valid else None


def end_sessions(session: Session, user: UserAccount) -> None:
    """Every web session of this user stops being accepted (logout, deactivation)."""
    user.session_generation = (user.session_generation or 0) + 1


def person_of(session: Session, user: UserAccount) -> Person:
    return _person(user, actor_for(session, user))


def _person(user: UserAccount, actor: Actor) -> Person:
    return Person(
        id=user.id, username=user.username, display_name=user.display_name, role=user.role,
        organisation_name=user.organisation.name if user.organisation else None,
        department_names=[d.name for d in user.departments], actor=actor,
        session_generation=user.session_generation or 0,
    )


def active_person(session: Session, user_id: int, session_generation: int | None = None) -> Person | None:
    """The active user with this id, or None if unknown or deactivated; with ``session_generation`` (a web
    session's), also None once that session was ended by logout or deactivation.

    Every request of a signed-in person starts here, so it is one statement: the user row with its
    organisation, its departments and the coordinating department's id (three more round trips otherwise).
    """
    found = session.execute(
        select(UserAccount, coordinator_id_column())
        .options(joinedload(UserAccount.organisation), joinedload(UserAccount.departments))
        .where(UserAccount.id == user_id)
    ).unique().first()
    if found is None:
        return None
    user, coordinator_department_id = found
    if not user.active:
        return None
    if session_generation is not None and session_generation != (user.session_generation or 0):
        return None
    return _person(user, _actor(user, coordinator_department_id))
