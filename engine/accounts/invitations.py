"""Invitation links: a one-time, expiring secret with which a person sets their own password.

Staff never choose or see anyone's password: an administrator or 総合政策課 creates the account and
hands over a link instead. Only the SHA-256 of the token is stored, so a copy of the database cannot be
used to take over an account; issuing a new link retires the older ones.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.access import Actor
from engine.accounts.administration import audit
from engine.accounts.fields import Problems, check_password
from engine.accounts.identity import actor_for, end_sessions, hash_password
from engine.errors import RenkeiError
from engine.persistence.models import Invitation, UserAccount

LIFETIME = timedelta(days=7)
InvitationState = Literal["valid", "expired", "used", "unknown"]


class InvitationInvalidError(RenkeiError):
    """The link is unknown, used or expired; ``state`` says which, so the page can say what to do."""

    code = "invitation_invalid"

    def __init__(self, state: InvitationState) -> None:
        self.state = state
        super().__init__(STATE_MESSAGES[state])


STATE_MESSAGES: dict[InvitationState, str] = {
    "unknown": "この招待リンクは無効です。リンクを最後まで正しくコピーしたか確認してください。",
    "used": "この招待リンクは既に使われています。設定したパスワードでログインしてください。",
    "expired": "この招待リンクは有効期限が切れているか、新しいリンクが発行されたため使えません。"
               "招待した担当者（総合政策課）に新しいリンクの発行を依頼してください。",
    "valid": "",
}


@dataclass(frozen=True)
class IssuedInvitation:
    """The link's secret, returned once to the person who issued it (it is never stored or shown again)."""

    token: str
    expires_at: datetime
    user_id: int
    username: str
    display_name: str


@dataclass(frozen=True)
class InvitationView:
    state: InvitationState
    username: str = ""
    display_name: str = ""
    organisation_name: str | None = None
    expires_at: datetime | None = None
    resets_password: bool = False  # the person had a password already: the link replaces it

    @property
    def message(self) -> str:
        return STATE_MESSAGES[self.state]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue(session: Session, actor: Actor, user: UserAccount, now: datetime) -> IssuedInvitation:
    pending_links = select(Invitation).where(Invitation.user_id == user.id, Invitation.used_at.is_(None),
                                             Invitation.expires_at > now)
    for pending in session.scalars(pending_links):
        pending.expires_at = now  # only the newest link works
    token = secrets.token_urlsafe(32)
    invitation = Invitation(user_id=user.id, token_hash=token_hash(token), created_by_id=actor.user_id,
                            created_at=now, expires_at=now + LIFETIME)
    session.add(invitation)
    audit(session, actor, "invitation_issued", now, f"{user.display_name}（{user.username}）",
          user_id=user.id, expires_at=invitation.expires_at.isoformat())
    return IssuedInvitation(token, invitation.expires_at, user.id, user.username, user.display_name)


def _find(session: Session, token: str, now: datetime) -> tuple[Invitation | None, InvitationState]:
    invitation = session.scalar(select(Invitation).where(Invitation.token_hash == token_hash(token or "")))
    if invitation is None:
        return None, "unknown"
    user = session.get(UserAccount, invitation.user_id)
    if user is None or not user.active:
        return invitation, "expired"
    if invitation.used_at is not None:
        return invitation, "used"
    if invitation.expires_at <= now:
        return invitation, "expired"
    return invitation, "valid"


def look_up(session: Session, token: str, now: datetime) -> InvitationView:
    invitation, state = _find(session, token, now)
    if invitation is None or state != "valid":
        return InvitationView(state)
    user = session.get(UserAccount, invitation.user_id)
    return InvitationView(state, user.username, user.display_name,
                          user.organisation.name if user.organisation else None, invitation.expires_at,
                          resets_password=bool(user.password_hash))


def accept(session: Session, token: str, password: str, confirmation: str, now: datetime) -> UserAccount:
    """Sets the password and uses up the link; of two submissions at once, only one succeeds."""
    invitation, state = _find(session, token, now)
    if invitation is None or state != "valid":
        raise InvitationInvalidError(state)
    user = session.get(UserAccount, invitation.user_id)
    problems = Problems()
    check_password(problems, password, confirmation, user.username)
    problems.raise_if_any()
    use_up = (update(Invitation).where(Invitation.id == invitation.id, Invitation.used_at.is_(None))
              .values(used_at=now).execution_options(synchronize_session=False))
    used = session.execute(use_up)
    if used.rowcount != 1:
        raise InvitationInvalidError("used")
    user.password_hash = hash_password(password)
    end_sessions(session, user)  # a reset after a lost or stolen password signs out every old session
    audit(session, actor_for(session, user), "password_set", now, f"{user.display_name}（{user.username}）",
          user_id=user.id)
    return user
