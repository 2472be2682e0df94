"""The fields every account form shares (names, e-mail, passwords, organisation names), checked alike.

Each check adds a Japanese message that names the field to ``Problems`` instead of raising, so a person
sees every mistake of a submission at once; ``raise_if_any`` then refuses the whole submission.
"""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.errors import FormDataError
from engine.persistence.models import Organisation, UserAccount

USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{2,99}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
DEPARTMENT_CODE = re.compile(r"[A-Za-z0-9_-]{1,50}")
PASSWORD_MIN, PASSWORD_MAX = 8, 128


class Problems(dict[str, str]):
    """Every bad field of one submission, so the person sees them all at once (field → Japanese message)."""

    def text(self, field: str, value: str | None, label: str, limit: int, required: bool = True) -> str:
        value = " ".join((value or "").split())  # no leading, trailing or doubled white space
        if required and not value:
            self[field] = f"{label}を入力してください"
        elif len(value) > limit:
            self[field] = f"{label}は{limit}文字以内で入力してください（現在{len(value)}文字）"
        return value

    def raise_if_any(self) -> None:
        if self:
            raise FormDataError(dict(self))


def check_username(session: Session, problems: Problems, username: str | None,
                   user_id: int | None = None) -> str:
    username = (username or "").strip()
    if not username:
        problems["username"] = "利用者名を入力してください"
    elif not USERNAME.fullmatch(username):
        problems["username"] = "利用者名は半角英数字と「. _ @ -」で、3〜100文字にしてください（先頭は英数字）"
    elif session.scalar(select(UserAccount.id).where(func.lower(UserAccount.username) == username.lower(),
                                                     UserAccount.id != (user_id or 0))) is not None:
        problems["username"] = f"利用者名「{username}」は既に使われています。別の利用者名にしてください"
    return username


def check_email(problems: Problems, email: str | None, required: bool = False) -> str | None:
    email = (email or "").strip()
    if not email:
        if required:
            problems["email"] = "メールアドレスを入力してください"
        return None
    if len(email) > 200 or not EMAIL.fullmatch(email):
        problems["email"] = "メールアドレスの形式が正しくありません（例: tanto@example.co.jp）"
    return email


def check_password(problems: Problems, password: str | None, confirmation: str | None, username: str) -> str:
    password = password or ""
    if len(password) < PASSWORD_MIN:
        problems["password"] = f"パスワードは{PASSWORD_MIN}文字以上で入力してください"
    elif len(password) > PASSWORD_MAX:
        problems["password"] = f"パスワードは{PASSWORD_MAX}文字以内で入力してください"
    elif username and username.lower() in password.lower():
        problems["password"] = "パスワードに利用者名を含めないでください"
    elif password != (confirmation or ""):
        problems["password_confirmation"] = "パスワード（確認）が一致しません。同じものを入力してください"
    return password


def check_organisation_name(session: Session, problems: Problems, name: str | None, field: str = "name",
                            organisation_id: int | None = None) -> str:
    name = problems.text(field, name, "団体名", 200)
    if name and session.scalar(select(Organisation.id).where(Organisation.name == name,
                                                             Organisation.id != (organisation_id or 0))):
        problems[field] = f"団体「{name}」は既に登録されています"
    return name
