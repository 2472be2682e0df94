"""お知らせ (issue #7): the in-app list with its unread count in the menu, mark read, mail preferences,
and for administrators the mails that failed (with a retry).

A notification's title is a button that marks it read and opens its link, so reading works with the
keyboard alone and the unread count stays true.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Flask, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required

from engine.access import may_read_mail_outbox
from engine.errors import FormDataError
from engine.notifications import Kind, Mailer, Notifications, SmtpSettings
from web import navigation
from web.engine_access import actor, engine

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


def _notifications() -> Notifications:
    return Notifications(engine())


def _mailer() -> Mailer:
    return current_app.extensions["renkei.mailer"]


def _inside(link: str | None) -> str:
    """Only a path of this site (a stored link is ours, but a redirect is checked all the same)."""
    if link and link.startswith("/") and not link.startswith("//") and not urlsplit(link).netloc:
        return link
    return url_for("notifications.index")


@bp.get("/")
@login_required
def index():
    unread_only = request.args.get("show") == "unread"
    listing = _notifications().list(actor(), unread_only=unread_only)
    return render_template("notifications/index.html", listing=listing, unread_only=unread_only,
                           is_admin=may_read_mail_outbox(actor()))


@bp.post("/<int:notification_id>/open")
@login_required
def open_(notification_id: int):
    return redirect(_inside(_notifications().mark_read(actor(), notification_id)))


@bp.post("/<int:notification_id>/read")
@login_required
def read(notification_id: int):
    _notifications().mark_read(actor(), notification_id)
    flash("既読にしました。", "success")
    return redirect(url_for("notifications.index", show=request.form.get("show") or None))


@bp.post("/read-all")
@login_required
def read_all():
    count = _notifications().mark_all_read(actor())
    flash(f"{count}件のお知らせを既読にしました。", "success")
    return redirect(url_for("notifications.index"))


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    errors: dict[str, str] = {}
    submitted = None
    if request.method == "POST":
        submitted = {kind.value: request.form.get(kind.value, "") for kind in Kind}
        try:
            _notifications().set_preferences(actor(), submitted)
        except FormDataError as error:
            errors = error.errors
        else:
            flash("お知らせの受け取り方を保存しました。", "success")
            return redirect(url_for("notifications.settings"))
    preferences = _notifications().preferences(actor())
    return render_template("notifications/settings.html", preferences=preferences, errors=errors,
                           submitted=submitted), 422 if errors else 200


@bp.get("/outbox")
@login_required
def outbox():
    show_all = request.args.get("show") == "all"
    entries = _mailer().outbox(actor(), problems_only=not show_all)
    return render_template("notifications/outbox.html", entries=entries, show_all=show_all,
                           configured=bool(_mailer().settings.host))


@bp.post("/outbox/<int:mail_id>/retry")
@login_required
def retry(mail_id: int):
    _mailer().retry(actor(), mail_id)
    flash("次の送信でもう一度送ります。", "success")
    return redirect(url_for("notifications.outbox"))


def _badge(person) -> int | None:
    return _notifications().unread_count(person.actor) or None


def init_app(app: Flask) -> None:
    app.extensions["renkei.mailer"] = Mailer(app.extensions["renkei.engine"], SmtpSettings.from_environment())
    app.register_blueprint(bp)
    navigation.register(app, navigation.NavItem("notifications.index", "お知らせ", badge=_badge, order=80))
