"""Flask extensions, created unbound and attached in create_app."""

from __future__ import annotations

from flask import Flask, current_app
from flask_login import LoginManager, UserMixin, current_user, logout_user
from flask_wtf.csrf import CSRFProtect

from engine.accounts import Person

login_manager = LoginManager()
csrf = CSRFProtect()


class SignedIn(UserMixin):
    """Flask-Login's user: the engine's Person, reloaded on every request (a deactivated user is out at once).

    The session keeps "<user id>:<session generation>": logout and deactivation count the generation up, so
    every session signed in before, on any device and in any copied cookie, is refused from then on.
    """

    def __init__(self, person: Person) -> None:
        self.person = person
        self.id = f"{person.id}:{person.session_generation}"


def sign_out() -> None:
    """Ends every web session of the signed-in user (not only this browser's), then this one."""
    if current_user.is_authenticated:
        current_app.extensions["renkei.engine"].end_sessions(current_user.person.id)
    logout_user()


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "ログインしてください。"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    csrf.init_app(app)

    @login_manager.user_loader
    def load_user(session_id: str) -> SignedIn | None:
        user_id, _, generation = session_id.partition(":")
        if not (user_id.isdecimal() and generation.isdecimal()):
            return None  # a session from before generations existed: sign in again
        person = app.extensions["renkei.engine"].person(int(user_id), int(generation))
        return SignedIn(person) if person else None
