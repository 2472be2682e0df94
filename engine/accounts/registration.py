"""The public registration (R-5.1: a partnership may be proposed by the 企業等): a new organisation, its
contact and the case, created together.

The organisation stays unverified until 総合政策課 confirms it. Registration is open to anyone, so it
is rate-limited in the database (the limit holds across every web worker): per address, and overall so
that a flood from many addresses cannot bury 総合政策課's inbox either.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.access import Role
from engine.accounts.administration import audit
from engine.accounts.fields import (
    Problems,
    check_email,
    check_organisation_name,
    check_password,
    check_username,
)
from engine.accounts.identity import actor_for, hash_password
from engine.cases import service as cases
from engine.domain.guideline import Lane
from engine.errors import RenkeiError
from engine.persistence.models import Case, HumanTask, Organisation, RegistrationAttempt, UserAccount
from engine.persistence.models.human_task import READY

# The guideline's flow (§3 ①–⑦) is the process a proposal starts.
PROPOSAL_PROCESS = "comprehensive_agreement"

ATTEMPT_WINDOW = timedelta(hours=1)
MAX_ATTEMPTS_PER_ADDRESS = 10  # submissions, successful or not, per address per hour
REGISTRATION_WINDOW = timedelta(days=1)
MAX_REGISTRATIONS_PER_ADDRESS = 3  # organisations registered from one address per day
MAX_REGISTRATIONS = 30  # organisations registered per day in all (a city receives a few a year)


class RegistrationThrottledError(RenkeiError):
    """Too many registrations from this address, or in all, for now."""

    code = "too_many_registrations"


@dataclass(frozen=True)
class RegistrationInput:
    organisation_name: str = ""
    display_name: str = ""
    email: str = ""
    username: str = ""
    password: str = ""
    password_confirmation: str = ""


def _count(session: Session, since: datetime, *conditions) -> int:
    return session.scalar(select(func.count()).select_from(RegistrationAttempt)
                          .where(RegistrationAttempt.at >= since, *conditions)) or 0


def admit(session: Session, address: str | None, now: datetime) -> int:
    """Records the attempt (it counts even if the form is refused) or refuses it; returns the attempt id."""
    address = (address or "")[:64] or None
    succeeded = RegistrationAttempt.succeeded.is_(True)
    same_address = RegistrationAttempt.address == address
    if address is not None and (
            _count(session, now - ATTEMPT_WINDOW, same_address) >= MAX_ATTEMPTS_PER_ADDRESS
            or _count(session, now - REGISTRATION_WINDOW, same_address, succeeded)
            >= MAX_REGISTRATIONS_PER_ADDRESS):
        raise RegistrationThrottledError("このネットワークからの登録が続いたため、しばらく登録できません。"
                                         "時間をおいて再度お試しいただくか、総合政策課へご連絡ください")
    if _count(session, now - REGISTRATION_WINDOW, succeeded) >= MAX_REGISTRATIONS:
        raise RegistrationThrottledError("本日の新規登録の受付数が上限に達しました。"
                                         "明日以降に再度お試しいただくか、総合政策課へご連絡ください")
    attempt = RegistrationAttempt(address=address, succeeded=False, at=now)
    session.add(attempt)
    session.flush()
    return attempt.id


def _check(session: Session, form: RegistrationInput) -> tuple[str, str, str | None, str]:
    problems = Problems()
    organisation_name = check_organisation_name(session, problems, form.organisation_name,
                                                field="organisation_name")
    if "organisation_name" in problems and organisation_name:
        problems["organisation_name"] += "。既に登録済みの団体の方は、登録済みの担当者でログインしてください"
    display_name = problems.text("display_name", form.display_name, "担当者の氏名", 100)
    email = check_email(problems, form.email, required=True)
    username = check_username(session, problems, form.username)
    check_password(problems, form.password, form.password_confirmation, username)
    problems.raise_if_any()
    return organisation_name, display_name, email, username


def register(session: Session, attempt_id: int, form: RegistrationInput,
             now: datetime) -> tuple[UserAccount, Case, str]:
    """Creates the unverified organisation, its contact and the case; returns them and the ① task's id."""
    organisation_name, display_name, email, username = _check(session, form)
    organisation = Organisation(name=organisation_name, verified=False, active=True, created_at=now)
    user = UserAccount(username=username, display_name=display_name, email=email,
                       role=Role.ORGANISATION.value, organisation=organisation,
                       password_hash=hash_password(form.password), active=True,
                       created_at=now)
    session.add_all([organisation, user])
    session.flush()
    actor = actor_for(session, user)
    case = cases.start_case(session, actor, PROPOSAL_PROCESS, organisation.id, "organisation", now)
    audit(session, actor, "organisation_registered", now, f"団体「{organisation.name}」", case,
          organisation_id=organisation.id, user_id=user.id, username=username)
    session.get(RegistrationAttempt, attempt_id).succeeded = True
    proposal = select(HumanTask.id).where(HumanTask.case_id == case.id, HumanTask.state == READY,
                                          HumanTask.lane == Lane.ORGANISATION.value)
    task_id = session.scalar(proposal)
    return user, case, task_id
