"""Bearer tokens for scripts that call the JSON API as a user (issue #3 item 8).

A token is shown once when it is created and only its SHA-256 is stored, like a password: a copy of
the database does not let anyone call the API. A token acts with its user's current role, so a
deactivated user's tokens stop working at once; a revoked token stops for good.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from engine.accounts.identity import active_person
from engine.accounts.views import Person
from engine.errors import NotFoundError, RenkeiError
from engine.persistence.models import ApiToken, UserAccount

if TYPE_CHECKING:
    from engine.context import Context

PREFIX = "rk_"  # lets a secret scanner recognise a leaked Renkei token
# ``last_used_at`` is written at most this often: to the minute is all it tells, and writing it on every call
# made each read of the API a write transaction (an UPDATE and a commit's flush to disk on PostgreSQL).
LAST_USED_GRAIN = timedelta(minutes=1)


class ApiTokenError(RenkeiError):
    code = "token_invalid"


@dataclass(frozen=True)
class IssuedToken:
    id: int
    name: str
    username: str
    token: str  # the secret itself: shown once, never stored


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class ApiTokens:
    def __init__(self, context: Context) -> None:
        self.context = context

    def create(self, username: str, name: str) -> IssuedToken:
        name = (name or "").strip()
        if not name or len(name) > 100:
            raise ApiTokenError("トークンの名前（用途）を100文字以内で入力してください")
        token = PREFIX + secrets.token_urlsafe(32)
        with self.context.unit_of_work() as session:
            user = session.scalar(select(UserAccount).where(UserAccount.username == username))
            if user is None or not user.active:
                raise NotFoundError(f"利用者「{username}」は見つかりません")
            row = ApiToken(user_id=user.id, name=name, token_hash=token_hash(token), created_at=self.context.clock())
            session.add(row)
            session.flush()
            return IssuedToken(row.id, name, username, token)

    def authenticate(self, token: str) -> Person | None:
        """The person the token acts for, or None (unknown, revoked, or the user deactivated)."""
        if not token or not token.startswith(PREFIX):
            return None
        with self.context.unit_of_work() as session:
            row = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(token),
                                                        ApiToken.revoked_at.is_(None)))
            if row is None:
                return None
            now = self.context.clock()
            if row.last_used_at is None or now - row.last_used_at >= LAST_USED_GRAIN:
                row.last_used_at = now
            return active_person(session, row.user_id)

    def revoke(self, token_id: int, at: datetime | None = None) -> None:
        with self.context.unit_of_work() as session:
            row = session.get(ApiToken, token_id)
            if row is None:
                raise NotFoundError(f"トークン {token_id} は見つかりません")
            row.revoked_at = at or self.context.clock()
