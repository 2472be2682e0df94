"""Accounts: the public API for organisations, departments, users, invitations and the public registration.

Each method is one unit of work (one transaction) and takes the Actor it acts for, like CaseEngine's.
Administrators manage everything; 総合政策課 manages the partners (organisations and their contacts),
because it is the division that deals with them (guideline §3). Every change is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from engine.access import Actor, Role, manages_partners, manages_people
from engine.accounts import administration, directory, invitations, registration
from engine.accounts.administration import UserInput
from engine.accounts.directory import (
    AuditRecord,
    DepartmentView,
    Listing,
    OrganisationDetail,
    OrganisationView,
    Status,
    UserView,
)
from engine.accounts.identity import person_of
from engine.accounts.invitations import InvitationView, IssuedInvitation
from engine.accounts.registration import RegistrationInput
from engine.accounts.views import Person
from engine.errors import NotAllowedError, NotFoundError
from engine.persistence.models import Department, Organisation, UserAccount

if TYPE_CHECKING:
    from engine.context import Context

__all__ = ["AccountService", "AdminOverview", "Registration", "RegistrationInput", "UserForm", "UserInput",
           "manages_partners", "manages_people"]  # the rules live in engine.access


@dataclass(frozen=True)
class AdminOverview:
    organisations: int
    unverified_organisations: int
    departments: int | None  # None: the caller does not manage departments and users
    users: int | None


@dataclass(frozen=True)
class UserForm:
    """What the user form offers: the user (None for a new one) and the choices."""

    user: UserView | None
    organisations: list[OrganisationView]
    departments: list[DepartmentView]
    roles: list[tuple[str, str]]


@dataclass(frozen=True)
class ContactInvited:
    organisation: OrganisationView
    invitation: IssuedInvitation


@dataclass(frozen=True)
class Registration:
    person: Person  # the new contact, to sign in
    case_id: int
    case_number: str
    task_id: str  # ① 連携事業の提案, where the contact goes next


def _require(allowed: bool) -> None:
    if not allowed:
        raise NotAllowedError("この操作はシステム管理者（団体の管理は総合政策課も）のみ行えます")


class AccountService:
    def __init__(self, context: Context) -> None:
        self.context = context

    def _work(self):
        return self.context.unit_of_work()

    def _apply(self, allowed: bool, change, view, actor: Actor, *args):
        """One change in one transaction, answered with the changed row as the admin screens show it."""
        _require(allowed)
        with self._work() as session:
            changed = change(session, actor, self.context.clock(), *args)
            return view(session, changed.id)

    # --- overview -----------------------------------------------------------------------------------
    def overview(self, actor: Actor) -> AdminOverview:
        _require(manages_partners(actor))
        with self._work() as session:
            people = manages_people(actor)
            return AdminOverview(
                directory.count_active(session, Organisation),
                directory.count_active(session, Organisation, Organisation.verified.is_(False)),
                directory.count_active(session, Department) if people else None,
                directory.count_active(session, UserAccount) if people else None,
            )

    def unverified_count(self, actor: Actor) -> int | None:
        """For the menu badge of 総合政策課 and administrators; None for everyone else."""
        if not manages_partners(actor):
            return None
        with self._work() as session:
            return directory.count_active(session, Organisation, Organisation.verified.is_(False))

    def history(self, actor: Actor, action: str = "", page: int = 1) -> Listing[AuditRecord]:
        _require(manages_people(actor))
        with self._work() as session:
            return directory.admin_history(session, action, page)

    # --- organisations ------------------------------------------------------------------------------
    def list_organisations(self, actor: Actor, text: str = "", status: Status = "active",
                           unverified_only: bool = False, page: int = 1) -> Listing[OrganisationView]:
        _require(manages_partners(actor))
        with self._work() as session:
            return directory.list_organisations(session, text, status, unverified_only, page)

    def organisation_choices(self, actor: Actor) -> list[OrganisationView]:
        """The organisations a city-initiated case can be started for (総合政策課)."""
        _require(manages_partners(actor))
        with self._work() as session:
            return directory.active_organisations(session)

    def get_organisation(self, actor: Actor, organisation_id: int) -> OrganisationDetail:
        _require(manages_partners(actor))
        with self._work() as session:
            detail = directory.organisation_detail(session, organisation_id, self.context.clock())
            if detail is None:
                raise NotFoundError(f"団体 {organisation_id} は見つかりません")
            return detail

    def create_organisation(self, actor: Actor, name: str) -> OrganisationView:
        return self._apply(manages_partners(actor), administration.add_organisation,
                           directory.organisation_view, actor, name)

    def rename_organisation(self, actor: Actor, organisation_id: int, name: str) -> OrganisationView:
        return self._apply(manages_partners(actor), administration.rename_organisation,
                           directory.organisation_view, actor, organisation_id, name)

    def verify_organisation(self, actor: Actor, organisation_id: int) -> OrganisationView:
        return self._apply(manages_partners(actor), administration.verify_organisation,
                           directory.organisation_view, actor, organisation_id)

    def set_organisation_active(self, actor: Actor, organisation_id: int, active: bool) -> OrganisationView:
        return self._apply(manages_people(actor), administration.set_organisation_active,
                           directory.organisation_view, actor, organisation_id, active)

    def invite_contact(self, actor: Actor, organisation_id: int, data: UserInput) -> ContactInvited:
        """A new 企業等 contact without a password, and the one-time link with which they set it."""
        _require(manages_partners(actor))
        data = UserInput(data.username, data.display_name, data.email, Role.ORGANISATION.value,
                         organisation_id)
        with self._work() as session:
            organisation = directory.organisation_view(session, organisation_id)
            if organisation is None or not organisation.active:
                raise NotFoundError(f"団体 {organisation_id} は見つかりません（無効の団体は招待できません）")
            now = self.context.clock()
            user, _ = administration.save_user(session, actor, now, data)
            return ContactInvited(organisation, invitations.issue(session, actor, user, now))

    # --- departments --------------------------------------------------------------------------------
    def list_departments(self, actor: Actor, text: str = "", status: Status = "active",
                         page: int = 1) -> Listing[DepartmentView]:
        _require(manages_people(actor))
        with self._work() as session:
            return directory.list_departments(session, text, status, page)

    def get_department(self, actor: Actor, department_id: int) -> DepartmentView:
        _require(manages_people(actor))
        with self._work() as session:
            found = directory.department_view(session, department_id)
            if found is None:
                raise NotFoundError(f"課 {department_id} は見つかりません")
            return found

    def create_department(self, actor: Actor, name: str, code: str = "") -> DepartmentView:
        return self._apply(manages_people(actor), administration.add_department,
                           directory.department_view, actor, name, code)

    def rename_department(self, actor: Actor, department_id: int, name: str) -> DepartmentView:
        return self._apply(manages_people(actor), administration.rename_department,
                           directory.department_view, actor, department_id, name)

    def set_department_active(self, actor: Actor, department_id: int, active: bool) -> DepartmentView:
        return self._apply(manages_people(actor), administration.set_department_active,
                           directory.department_view, actor, department_id, active)

    # --- users --------------------------------------------------------------------------------------
    def list_users(self, actor: Actor, text: str = "", role: str = "", status: Status = "active",
                   page: int = 1) -> Listing[UserView]:
        _require(manages_people(actor))
        with self._work() as session:
            return directory.list_users(session, self.context.clock(), text, role, status, page)

    def user_form(self, actor: Actor, user_id: int | None = None) -> UserForm:
        _require(manages_people(actor))
        with self._work() as session:
            user = directory.find_user(session, user_id, self.context.clock()) if user_id is not None else None
            if user_id is not None and user is None:
                raise NotFoundError(f"利用者 {user_id} は見つかりません")
            roles = [(role.value, role.label) for role in Role]
            return UserForm(user, directory.active_organisations(session),
                            directory.active_department_views(session), roles)

    def create_user(self, actor: Actor, data: UserInput) -> IssuedInvitation:
        """The new user sets their own password with the returned link (staff never handle passwords)."""
        _require(manages_people(actor))
        with self._work() as session:
            now = self.context.clock()
            user, _ = administration.save_user(session, actor, now, data)
            return invitations.issue(session, actor, user, now)

    def update_user(self, actor: Actor, user_id: int, data: UserInput) -> UserView:
        """A changed role or department counts from the person's next request (the web reloads them)."""
        _require(manages_people(actor))
        with self._work() as session:
            administration.save_user(session, actor, self.context.clock(), data, user_id)
            return directory.find_user(session, user_id, self.context.clock())

    def set_user_active(self, actor: Actor, user_id: int, active: bool) -> UserView:
        _require(manages_people(actor))
        with self._work() as session:
            administration.set_user_active(session, actor, self.context.clock(), user_id, active)
            return directory.find_user(session, user_id, self.context.clock())

    def issue_password_link(self, actor: Actor, user_id: int) -> IssuedInvitation:
        """A new link for a lost password or an expired invitation (総合政策課: for 企業等 contacts)."""
        with self._work() as session:
            user = session.get(UserAccount, user_id)
            if user is None:
                raise NotFoundError("その利用者は登録されていません。利用者の一覧から選び直してください")
            contact = user.role == Role.ORGANISATION.value
            _require(manages_people(actor) or (manages_partners(actor) and contact))
            if not user.active:
                raise NotAllowedError("無効の利用者にはリンクを発行できません。先に有効にしてください")
            return invitations.issue(session, actor, user, self.context.clock())

    # --- the invited person and the public (no signed-in actor) -------------------------------------
    def invitation(self, token: str) -> InvitationView:
        with self._work() as session:
            return invitations.look_up(session, token, self.context.clock())

    def accept_invitation(self, token: str, password: str, confirmation: str) -> Person:
        with self._work() as session:
            user = invitations.accept(session, token, password, confirmation, self.context.clock())
            return person_of(session, user)

    def register(self, form: RegistrationInput, address: str | None) -> Registration:
        """R-5.1: a new 企業等 registers and its proposal case starts; the attempt counts even if refused."""
        with self._work() as session:
            attempt_id = registration.admit(session, address, self.context.clock())
        with self._work() as session:
            user, case, task_id = registration.register(session, attempt_id, form, self.context.clock())
            return Registration(person_of(session, user), case.id, case.number or "", task_id)
