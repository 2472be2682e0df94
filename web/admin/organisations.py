"""Organisations (企業等): the list with the 未確認 badge, verification, renaming, contacts, invitations."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from engine.accounts import UserInput
from engine.errors import FormDataError
from web.admin import Search, accounts, admins_only, bp, issued_page, partners_only
from web.engine_access import actor


@bp.get("/organisations")
@partners_only
def organisations():
    search = Search.from_request()
    unverified = request.args.get("unverified") == "1"
    listing = accounts().list_organisations(actor(), search.text, search.status, unverified, search.page)
    return render_template("admin/organisations.html", listing=listing, search=search, unverified=unverified)


@bp.route("/organisations/new", methods=["GET", "POST"])
@partners_only
def organisation_new():
    if request.method == "GET":
        return render_template("admin/organisation_form.html", organisation=None, values={}, errors={})
    try:
        created = accounts().create_organisation(actor(), request.form.get("name", ""))
    except FormDataError as error:
        return render_template("admin/organisation_form.html", organisation=None, values=request.form,
                               errors=error.errors), 422
    flash(f"団体「{created.name}」を登録しました（確認済み）。", "success")
    return redirect(url_for("admin.organisation", organisation_id=created.id))


@bp.get("/organisations/<int:organisation_id>")
@partners_only
def organisation(organisation_id: int):
    detail = accounts().get_organisation(actor(), organisation_id)
    return render_template("admin/organisation.html", detail=detail)


@bp.route("/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
@partners_only
def organisation_edit(organisation_id: int):
    if request.method == "GET":
        detail = accounts().get_organisation(actor(), organisation_id)
        return render_template("admin/organisation_form.html", organisation=detail.organisation,
                               values={"name": detail.organisation.name}, errors={})
    try:
        saved = accounts().rename_organisation(actor(), organisation_id, request.form.get("name", ""))
    except FormDataError as error:
        detail = accounts().get_organisation(actor(), organisation_id)
        return render_template("admin/organisation_form.html", organisation=detail.organisation,
                               values=request.form, errors=error.errors), 422
    flash(f"団体名を「{saved.name}」に変更しました。", "success")
    return redirect(url_for("admin.organisation", organisation_id=organisation_id))


@bp.post("/organisations/<int:organisation_id>/verify")
@partners_only
def organisation_verify(organisation_id: int):
    verified = accounts().verify_organisation(actor(), organisation_id)
    flash(f"団体「{verified.name}」を確認済みにしました。", "success")
    return redirect(url_for("admin.organisation", organisation_id=organisation_id))


@bp.post("/organisations/<int:organisation_id>/<any(deactivate, reactivate):change>")
@admins_only
def organisation_active(organisation_id: int, change: str):
    changed = accounts().set_organisation_active(actor(), organisation_id, change == "reactivate")
    flash(f"団体「{changed.name}」を有効にしました。担当者は利用者ごとに有効にしてください。"
          if changed.active else f"団体「{changed.name}」とその担当者を無効にしました。", "success")
    return redirect(url_for("admin.organisation", organisation_id=organisation_id))


def contact_input() -> UserInput:
    form = request.form
    return UserInput(username=form.get("username", ""), display_name=form.get("display_name", ""),
                     email=form.get("email", ""))


@bp.route("/organisations/<int:organisation_id>/invite", methods=["GET", "POST"])
@partners_only
def organisation_invite(organisation_id: int):
    """The link is shown here once, to the inviter; it is not stored anywhere it could be shown again."""
    if request.method == "GET":
        detail = accounts().get_organisation(actor(), organisation_id)
        return render_template("admin/invite.html", organisation=detail.organisation, values={}, errors={})
    try:
        invited = accounts().invite_contact(actor(), organisation_id, contact_input())
    except FormDataError as error:
        detail = accounts().get_organisation(actor(), organisation_id)
        return render_template("admin/invite.html", organisation=detail.organisation, values=request.form,
                               errors=error.errors), 422
    return issued_page(invited.invitation, url_for("admin.organisation", organisation_id=organisation_id),
                       invited.organisation)
