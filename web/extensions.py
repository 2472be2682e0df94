"""Flask extensions, created unbound and attached in create_app."""

from __future__ import annotations

from flask import Flask
from flask_login import LoginManager, UserMixin
from flask_wtf.csrf import CSRFProtect

from engine.accounts import Person

login_manager = LoginManager()
csrf = CSRFProtect()


class SignedIn(UserMixin):
    """Flask-Login's user: the engine's Person, reloaded on every request (a deactivated user is out at once)."""

    def __init__(self, person: Person) -> None:
        self.person = person
        self.id = str(person.id)


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "ログインしてください。"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    csrf.init_app(app)

    @login_manager.user_loader
    def load_user(user_id: str) -> SignedIn | None:
        person = app.extensions["renkei.engine"].person(int(user_id))
        return SignedIn(person) if person else None
