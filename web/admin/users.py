"""Users: staff and 企業等 contacts. New users set their own password through a one-time link."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from engine.access import Role
from engine.accounts import UserInput
from engine.errors import FormDataError
from web.admin import Search, accounts, admins_only, bp, issued_page, partners_only
from web.engine_access import actor


def user_input() -> UserInput:
    form = request.form
    ids = tuple(int(value) for value in form.getlist("department_ids") if value.isdecimal())
    return UserInput(username=form.get("username", ""), display_name=form.get("display_name", ""),
                     email=form.get("email", ""), role=form.get("role", ""),
                     organisation_id=form.get("organisation_id", type=int), department_ids=ids)


def _form_page(user_id: int | None, values, errors: dict, status: int = 200):
    form = accounts().user_form(actor(), user_id)
    return render_template("admin/user_form.html", form=form, values=values, errors=errors), status


def _values_of(user) -> dict:
    return {"username": user.username, "display_name": user.display_name, "email": user.email or "",
            "role": user.role, "organisation_id": user.organisation_id,
            "department_ids": list(user.department_ids)}


def _submitted() -> dict:
    data = user_input()
    return {**data.__dict__, "department_ids": list(data.department_ids)}


@bp.get("/users")
@admins_only
def users():
    search = Search.from_request()
    role = request.args.get("role", "")
    listing = accounts().list_users(actor(), search.text, role, search.status, search.page)
    return render_template("admin/users.html", listing=listing, search=search, role=role, roles=list(Role))


@bp.route("/users/new", methods=["GET", "POST"])
@admins_only
def user_new():
    if request.method == "GET":
        return _form_page(None, {"role": request.args.get("role", "")}, {})
    try:
        issued = accounts().create_user(actor(), user_input())
    except FormDataError as error:
        return _form_page(None, _submitted(), error.errors, 422)
    return issued_page(issued, url_for("admin.user", user_id=issued.user_id))


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@admins_only
def user(user_id: int):
    if request.method == "GET":
        form = accounts().user_form(actor(), user_id)
        return render_template("admin/user_form.html", form=form, values=_values_of(form.user), errors={})
    try:
        saved = accounts().update_user(actor(), user_id, user_input())
    except FormDataError as error:
        return _form_page(user_id, _submitted(), error.errors, 422)
    flash(f"{saved.display_name} さんの情報を保存しました。"
          "役割や所属の変更は、本人の次の操作から反映されます。", "success")
    return redirect(url_for("admin.user", user_id=user_id))


@bp.post("/users/<int:user_id>/<any(deactivate, reactivate):change>")
@admins_only
def user_active(user_id: int, change: str):
    changed = accounts().set_user_active(actor(), user_id, change == "reactivate")
    flash(f"{changed.display_name} さんを有効にしました。" if changed.active else
          f"{changed.display_name} さんを無効にしました。ログインできなくなり、"
          "担当中のタスクはグループのタスクに戻りました。", "success")
    return redirect(url_for("admin.user", user_id=user_id))


@bp.post("/users/<int:user_id>/password-link")
@partners_only
def user_password_link(user_id: int):
    """A new one-time link (lost password, expired invitation); older links stop working."""
    issued = accounts().issue_password_link(actor(), user_id)
    back = request.form.get("back", "")
    return issued_page(issued, back if back.startswith("/admin/") else url_for("admin.index"))
