"""Users, organisations and departments: creating them, and turning a user into the Actor engine calls take."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from engine.access import Actor, Role
from engine.errors import NotFoundError, RenkeiError
from engine.persistence.models import Department, Organisation, UserAccount
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


def create_department(session: Session, name: str, code: str, is_coordinator: bool = False) -> Department:
    name, code = (name or "").strip(), (code or "").strip()
    if not name or not code:
        raise AccountError("課の名称とコードを入力してください")
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


def authenticate(session: Session, username: str, password: str) -> UserAccount | None:
    user = session.scalar(select(UserAccount).where(UserAccount.username == username))
    if user is None or not user.active or not user.password_hash:
        return None
    return user if check_password_hash(user.password_hash, password) else None
