"""既存協定の登録 (issue #12 item 5): the page on which 総合政策課 enters an agreement signed before the system.

The form has fixed rows for projects and earlier notices (no script needed); empty rows are ignored. The engine
(``AgreementRegister.register_existing``, the same function the CSV import runs) decides everything, including
who may see the page (engine.access.may_register_agreements): anyone else gets 403.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required
from werkzeug.datastructures import MultiDict

from engine.agreements import (
    GIVEN_BY_CHOICES,
    AgreementRegister,
    ExistingAgreement,
    NoticeInput,
    ProjectInput,
)
from engine.errors import FormDataError
from web.engine_access import actor, engine

PROJECT_ROWS = 8
NOTICE_ROWS = 2


def existing_from(form: MultiDict) -> ExistingAgreement:
    def value(name: str) -> str:
        return form.get(name, "")[:4000]

    chosen = value("organisation_id").strip()
    return ExistingAgreement(
        title=value("title"),
        signed_on=value("signed_on"),
        organisation_id=int(chosen) if chosen.isdigit() else None,
        organisation_name=value("organisation_name"),
        projects=tuple(ProjectInput(value(f"projects-{i}-title"), value(f"projects-{i}-category"),
                                    value(f"projects-{i}-department")) for i in range(PROJECT_ROWS)),
        notices=tuple(NoticeInput(value(f"notices-{i}-given_on"), value(f"notices-{i}-given_by") or "organisation",
                                  value(f"notices-{i}-reason")) for i in range(NOTICE_ROWS)),
    )


def _page(errors: dict[str, str] | None = None, status: int = 200):
    choices = AgreementRegister(engine()).registration_choices(actor())
    return render_template("agreements/register.html", choices=choices, errors=errors or {},
                           values=request.form, project_rows=range(PROJECT_ROWS), notice_rows=range(NOTICE_ROWS),
                           given_by=GIVEN_BY_CHOICES), status


def register_form():
    return _page()


def register_existing():
    try:
        agreement_id = AgreementRegister(engine()).register_existing(actor(), existing_from(request.form))
    except FormDataError as error:
        return _page(error.errors, 422)
    flash("既存の協定を登録しました。現在の有効期間から更新・申出・定例会議の管理を始めます。", "success")
    return redirect(url_for("agreements.detail", agreement_id=agreement_id))


def add_routes(bp: Blueprint) -> None:
    bp.add_url_rule("/register", "register_form", login_required(register_form), methods=["GET"])
    bp.add_url_rule("/register", "register_existing", login_required(register_existing), methods=["POST"])
