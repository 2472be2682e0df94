"""/invitations/<token>: an invited person sets their password with a one-time link, and is signed in.

An unknown, used or expired link gets a page that says which, and what to do next.
"""

from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_login import login_user

from engine.accounts import AccountService, InvitationInvalidError, InvitationView
from engine.errors import FormDataError
from web.engine_access import engine
from web.extensions import SignedIn

bp = Blueprint("invitations", __name__, url_prefix="/invitations")

STATUS = {"unknown": 404, "used": 410, "expired": 410}


def _page(template: str, status: int, **context):
    """The token is in the URL: keep it out of caches and out of the Referer of any link followed."""
    response = make_response(render_template(template, **context), status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/<token>")
def accept(token: str):
    invitation = AccountService(engine()).invitation(token)
    if invitation.state != "valid":
        return _page("invitations/invalid.html", STATUS[invitation.state], invitation=invitation)
    return _page("invitations/accept.html", 200, invitation=invitation, errors={})


@bp.post("/<token>")
def set_password(token: str):
    service = AccountService(engine())
    try:
        person = service.accept_invitation(token, request.form.get("password", ""),
                                           request.form.get("password_confirmation", ""))
    except InvitationInvalidError as error:
        return _page("invitations/invalid.html", STATUS[error.state], invitation=InvitationView(error.state))
    except FormDataError as error:
        return _page("invitations/accept.html", 422, invitation=service.invitation(token),
                     errors=error.errors)
    login_user(SignedIn(person))
    flash("パスワードを設定しました。次回からは利用者名とこのパスワードでログインしてください。", "success")
    return redirect(url_for("home.index"))
