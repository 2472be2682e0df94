"""Reading who takes part: organisations (企業等), departments (課) and users, for the admin screens.

Lists are searchable and paged in the database (a city keeps every person it ever had: nobody is deleted),
and each row carries what the screens show beside it (contacts, running cases, members, a pending
invitation) so a list is one query per page, never one per row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from math import ceil
from typing import Any, Generic, Literal, TypeVar

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from engine.access import ROLE_LABELS, Role
from engine.persistence.models import (
    AuditEvent,
    Case,
    Department,
    Invitation,
    Organisation,
    UserAccount,
    user_department,
)

PAGE_SIZE = 50
Status = Literal["active", "inactive", "all"]
T = TypeVar("T")


@dataclass(frozen=True)
class Listing(Generic[T]):
    """One page of a searched list, and how many pages the search has."""

    items: list[T]
    total: int
    page: int
    page_size: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.page_size))


@dataclass(frozen=True)
class OrganisationView:
    id: int
    name: str
    verified: bool
    active: bool
    created_at: datetime
    contact_count: int  # active 企業等 users of this organisation
    running_case_count: int


@dataclass(frozen=True)
class DepartmentView:
    id: int
    code: str
    name: str
    is_coordinator: bool
    active: bool
    member_count: int  # active users who belong to it


@dataclass(frozen=True)
class UserView:
    id: int
    username: str
    display_name: str
    email: str | None
    role: str
    organisation_id: int | None
    organisation_name: str | None
    organisation_verified: bool | None
    department_ids: tuple[int, ...]
    department_names: tuple[str, ...]
    active: bool
    created_at: datetime
    password_set: bool
    invitation_expires_at: datetime | None  # a link not yet used and not yet expired

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[Role(self.role)]


@dataclass(frozen=True)
class OrganisationDetail:
    organisation: OrganisationView
    contacts: list[UserView]  # every 企業等 user of it, active or not


@dataclass(frozen=True)
class AuditRecord:
    at: datetime
    action: str
    label: str
    actor: str | None  # the display name (a deactivated person keeps appearing by name)
    subject: str
    changes: list[tuple[str, str, str]]  # (field label, before, after)


# What each administrative action is called on the history screen (AuditEvent.action → Japanese).
ADMIN_ACTIONS = {
    "organisation_registered": "団体の新規登録（公開ページ）",
    "organisation_created": "団体の登録",
    "organisation_changed": "団体情報の変更",
    "organisation_verified": "団体の確認",
    "organisation_deactivated": "団体の無効化",
    "organisation_reactivated": "団体の再有効化",
    "department_created": "課の登録",
    "department_changed": "課の変更",
    "department_deactivated": "課の無効化",
    "department_reactivated": "課の再有効化",
    "user_created": "利用者の登録",
    "user_changed": "利用者情報の変更",
    "user_deactivated": "利用者の無効化",
    "user_reactivated": "利用者の再有効化",
    "invitation_issued": "招待リンクの発行",
    "password_set": "パスワードの設定（招待リンク）",
}
FIELD_LABELS = {"name": "名称", "username": "利用者名", "display_name": "氏名", "email": "メールアドレス",
                "role": "役割", "organisation": "団体", "departments": "所属課"}


def _contains(column, text: str):
    """Case-insensitive "contains", with the user's % and _ taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.ilike(f"%{escaped}%", escape="\\")


def _with_status(query: Select, column, status: Status) -> Select:
    if status == "active":
        return query.where(column.is_(True))
    if status == "inactive":
        return query.where(column.is_(False))
    return query


def _page(session: Session, query: Select, page: int, order) -> tuple[list[Any], int, int]:
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    page = min(max(page, 1), max(1, ceil(total / PAGE_SIZE)))
    rows = list(session.execute(query.order_by(*order).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)))
    return rows, total, page


def _organisation_query() -> Select:
    contacts = (select(func.count(UserAccount.id))
                .where(UserAccount.organisation_id == Organisation.id, UserAccount.active.is_(True))
                .correlate(Organisation).scalar_subquery())
    running = (select(func.count(Case.id))
               .where(Case.organisation_id == Organisation.id, Case.status == "running")
               .correlate(Organisation).scalar_subquery())
    return select(Organisation, contacts, running)


def _organisation_view(organisation: Organisation, contacts: int, running: int) -> OrganisationView:
    return OrganisationView(organisation.id, organisation.name, organisation.verified, organisation.active,
                            organisation.created_at, contacts or 0, running or 0)


def list_organisations(session: Session, text: str = "", status: Status = "active",
                       unverified_only: bool = False, page: int = 1) -> Listing[OrganisationView]:
    """Unverified organisations come first: they are what 総合政策課 has to look at."""
    query = _with_status(_organisation_query(), Organisation.active, status)
    if text.strip():
        query = query.where(_contains(Organisation.name, text.strip()))
    if unverified_only:
        query = query.where(Organisation.verified.is_(False))
    rows, total, page = _page(session, query, page, (Organisation.verified, Organisation.name))
    return Listing([_organisation_view(*row) for row in rows], total, page)


def count_active(session: Session, model, *conditions) -> int:
    """How many active Organisation, Department or UserAccount rows match (the overview, the menu badge)."""
    query = select(func.count()).select_from(model).where(model.active.is_(True), *conditions)
    return session.scalar(query) or 0


def organisation_view(session: Session, organisation_id: int) -> OrganisationView | None:
    row = session.execute(_organisation_query().where(Organisation.id == organisation_id)).first()
    return _organisation_view(*row) if row else None


def active_organisations(session: Session) -> list[OrganisationView]:
    """Every active organisation, for a choice list (a city has hundreds at most)."""
    query = _organisation_query().where(Organisation.active.is_(True)).order_by(Organisation.name)
    rows = session.execute(query)
    return [_organisation_view(*row) for row in rows]


def _department_query() -> Select:
    members = (select(func.count(UserAccount.id)).select_from(user_department)
               .join(UserAccount, UserAccount.id == user_department.c.user_id)
               .where(user_department.c.department_id == Department.id, UserAccount.active.is_(True))
               .correlate(Department).scalar_subquery())
    return select(Department, members)


def _department_view(department: Department, members: int) -> DepartmentView:
    return DepartmentView(department.id, department.code, department.name, department.is_coordinator,
                          department.active, members or 0)


def list_departments(session: Session, text: str = "", status: Status = "active",
                     page: int = 1) -> Listing[DepartmentView]:
    query = _with_status(_department_query(), Department.active, status)
    if text.strip():
        needle = text.strip()
        query = query.where(or_(_contains(Department.name, needle), _contains(Department.code, needle)))
    rows, total, page = _page(session, query, page, (Department.is_coordinator.desc(), Department.id))
    return Listing([_department_view(*row) for row in rows], total, page)


def department_view(session: Session, department_id: int) -> DepartmentView | None:
    row = session.execute(_department_query().where(Department.id == department_id)).first()
    return _department_view(*row) if row else None


def active_department_views(session: Session) -> list[DepartmentView]:
    rows = session.execute(_department_query().where(Department.active.is_(True)).order_by(Department.id))
    return [_department_view(*row) for row in rows]


def _user_query(now: datetime) -> Select:
    pending = (select(func.max(Invitation.expires_at))
               .where(Invitation.user_id == UserAccount.id, Invitation.used_at.is_(None),
                      Invitation.expires_at > now)
               .correlate(UserAccount).scalar_subquery())
    return (select(UserAccount, pending)
            .outerjoin(Organisation, UserAccount.organisation_id == Organisation.id)
            .options(selectinload(UserAccount.departments), selectinload(UserAccount.organisation)))


def user_view(user: UserAccount, invitation_expires_at: datetime | None = None) -> UserView:
    organisation = user.organisation
    return UserView(
        id=user.id, username=user.username, display_name=user.display_name, email=user.email, role=user.role,
        organisation_id=user.organisation_id, organisation_name=organisation.name if organisation else None,
        organisation_verified=organisation.verified if organisation else None,
        department_ids=tuple(d.id for d in user.departments),
        department_names=tuple(d.name for d in user.departments),
        active=user.active, created_at=user.created_at, password_set=bool(user.password_hash),
        invitation_expires_at=invitation_expires_at,
    )


def list_users(session: Session, now: datetime, text: str = "", role: str = "", status: Status = "active",
               page: int = 1, organisation_id: int | None = None) -> Listing[UserView]:
    query = _with_status(_user_query(now), UserAccount.active, status)
    if text.strip():
        needle = text.strip()
        query = query.where(or_(_contains(UserAccount.username, needle),
                                _contains(UserAccount.display_name, needle),
                                _contains(UserAccount.email, needle), _contains(Organisation.name, needle)))
    if role in {r.value for r in Role}:
        query = query.where(UserAccount.role == role)
    if organisation_id is not None:
        query = query.where(UserAccount.organisation_id == organisation_id)
    rows, total, page = _page(session, query, page, (UserAccount.role, UserAccount.username))
    return Listing([user_view(*row) for row in rows], total, page)


def find_user(session: Session, user_id: int, now: datetime) -> UserView | None:
    row = session.execute(_user_query(now).where(UserAccount.id == user_id)).first()
    return user_view(*row) if row else None


def organisation_detail(session: Session, organisation_id: int, now: datetime) -> OrganisationDetail | None:
    organisation = organisation_view(session, organisation_id)
    if organisation is None:
        return None
    contacts = session.execute(_user_query(now).where(UserAccount.organisation_id == organisation_id)
                               .order_by(UserAccount.active.desc(), UserAccount.display_name))
    return OrganisationDetail(organisation, [user_view(*row) for row in contacts])


def _shown(field: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return "（なし）"
    if field == "role":
        return ROLE_LABELS.get(Role(value), value) if value in {r.value for r in Role} else str(value)
    return "、".join(value) if isinstance(value, list) else str(value)


def _record(event: AuditEvent, actor: str | None) -> AuditRecord:
    detail = event.detail or {}
    changes = [(FIELD_LABELS.get(field, field), _shown(field, before), _shown(field, after))
               for field, (before, after) in (detail.get("changes") or {}).items()]
    return AuditRecord(event.at, event.action, ADMIN_ACTIONS.get(event.action, event.action), actor,
                       detail.get("subject", ""), changes)


def admin_history(session: Session, action: str = "", page: int = 1) -> Listing[AuditRecord]:
    """What administrators, 総合政策課 and registrants did to accounts, newest first."""
    actions = [action] if action in ADMIN_ACTIONS else list(ADMIN_ACTIONS)
    query = (select(AuditEvent, UserAccount.display_name)
             .outerjoin(UserAccount, AuditEvent.actor_id == UserAccount.id)
             .where(AuditEvent.action.in_(actions)))
    rows, total, page = _page(session, query, page, (AuditEvent.at.desc(), AuditEvent.id.desc()))
    return Listing([_record(event, name) for event, name in rows], total, page)
