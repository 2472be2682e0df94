"""Signing in and out (accounts are stored in the database; passwords hashed by werkzeug)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required, login_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from engine.accounts import SignInThrottledError
from web.engine_access import engine
from web.extensions import SignedIn, sign_out

bp = Blueprint("auth", __name__)


class SignInForm(FlaskForm):
    username = StringField("利用者名", validators=[DataRequired("利用者名を入力してください")])
    password = PasswordField("パスワード", validators=[DataRequired("パスワードを入力してください")])


def _safe_next(target: str | None) -> str:
    """Only a path on this site: an open redirect would let a phishing link borrow our login page."""
    if target and urlsplit(target).netloc == "" and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = SignInForm()
    status = 200
    if form.validate_on_submit():
        try:
            person = engine().authenticate(form.username.data.strip(), form.password.data, request.remote_addr)
        except SignInThrottledError as error:
            form.form_errors.append(str(error))
            status = 429
        else:
            if person is not None:
                login_user(SignedIn(person))
                return redirect(_safe_next(request.args.get("next")))
            form.form_errors.append("利用者名またはパスワードが正しくありません。")
            status = 401
    elif form.is_submitted():
        status = 422
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    sign_out()
    flash("ログアウトしました。", "info")
    return redirect(url_for("auth.login"))
