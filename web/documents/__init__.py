"""The papers (issue #16): the 協定書 as Word files, the signed scan, 協定書 templates, 実績 reports, the calendar.

Downloads follow the engine's read rules (a round: its case; the agreement's document and scan: the
agreement). The agreement page, the case page and the ⑦ task page show this feature's section through the template globals
``agreement_papers``, ``draft_rounds`` and ``case_rounds`` (one engine call each; the case page lists its rounds too), so their own views stay as they are.
The calendar feed is the one URL here without sign-in: its secret token is the credential.
"""

from __future__ import annotations

import io
import json

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import login_required

from engine.access import is_city_staff, may_edit_processes, may_read_processes
from engine.documents import (
    FIELDS,
    NEGOTIATION_FORM_IDS,
    AgreementPapers,
    CalendarFeeds,
    DocumentFile,
    PaperSettings,
    PartnershipReport,
)
from engine.errors import FormDataError, NotFoundError
from web import navigation
from web.engine_access import actor, engine
from web.tasks.form_input import parse_form

bp = Blueprint("documents", __name__)
ICS = "text/calendar; charset=utf-8"


def papers() -> AgreementPapers:
    return AgreementPapers(engine(), current_app.extensions["renkei.papers"])


def _download(found: DocumentFile) -> Response:
    response = send_file(io.BytesIO(found.content), mimetype=found.media_type, as_attachment=True,
                         download_name=found.file_name)
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- 協定書 ---------------------------------------------------------------------------------------------
@bp.post("/tasks/<task_id>/agreement-preview.docx")
@login_required
def preview_draft(task_id: str):
    return _download(papers().preview(actor(), task_id, parse_form(request.form)))


@bp.get("/agreements/<int:agreement_id>/document.docx")
@login_required
def agreement_document(agreement_id: int):
    return _download(papers().agreement_document(actor(), agreement_id))


@bp.get("/cases/<int:case_id>/agreement-drafts/<int:document_id>.docx")
@login_required
def draft_document(case_id: int, document_id: int):
    return _download(papers().round_document(actor(), case_id, document_id))


# --- the signed copy ----------------------------------------------------------------------------------
@bp.post("/agreements/<int:agreement_id>/signed-copies")
@login_required
def attach_signed_copy(agreement_id: int):
    upload = request.files.get("scan")
    content = upload.read() if upload else b""
    try:
        papers().attach_signed_copy(actor(), agreement_id, upload.filename if upload else "", content)
    except FormDataError as error:
        return render_template("documents/signed_copy_refused.html", agreement_id=agreement_id,
                               errors=error.errors, view=papers().papers(actor(), agreement_id)), 422
    flash("締結済み協定書の写し（PDF）を登録しました。", "success")
    return redirect(url_for("agreements.detail", agreement_id=agreement_id) + "#papers")


@bp.get("/agreements/<int:agreement_id>/signed-copies/<int:copy_id>.pdf")
@login_required
def signed_copy(agreement_id: int, copy_id: int):
    return _download(papers().signed_copy(actor(), agreement_id, copy_id))


# --- templates (process owners) -----------------------------------------------------------------------
@bp.get("/processes/agreement-templates")
@login_required
def templates(errors: dict[str, str] | None = None, status: int = 200):
    return render_template("documents/templates.html", kinds=papers().templates(actor()), fields=FIELDS,
                           errors=errors or {}, may_edit=may_edit_processes(actor())), status


@bp.post("/processes/agreement-templates")
@login_required
def upload_template():
    upload = request.files.get("template")
    kind = request.form.get("kind", "")
    try:
        version = papers().upload_template(actor(), kind, upload.filename if upload else "",
                                           upload.read() if upload else b"", request.form.get("comment", ""))
    except FormDataError as error:
        return templates(error.errors, 422)
    flash(f"協定書のひな形を登録しました（第{version}版）。以後の協定書（案）から使われます。", "success")
    return redirect(url_for("documents.templates"))


@bp.get("/processes/agreement-templates/<kind>.docx")
@login_required
def template_file(kind: str):
    version = request.args.get("version", "")
    return _download(papers().template_file(actor(), kind, int(version) if version.isdecimal() else None))


# --- 実績 reports ------------------------------------------------------------------------------------------
@bp.get("/reports/results")
@login_required
def results():
    year = request.args.get("year", "").strip()
    rows, errors = [], {}
    if year:
        try:
            rows = PartnershipReport(engine()).rows(actor(), year)
        except FormDataError as error:
            errors = error.errors
    return render_template("documents/results.html", year=year, rows=rows, errors=errors), 422 if errors else 200


@bp.get("/reports/results/<int:year>.xlsx")
@login_required
def results_xlsx(year: int):
    return _download(PartnershipReport(engine()).xlsx(actor(), year))


@bp.get("/reports/results/<int:year>.docx")
@login_required
def results_docx(year: int):
    return _download(PartnershipReport(engine()).docx(actor(), year))


@bp.get("/public/agreements/results.csv")
def public_results_csv():
    response = Response(PartnershipReport(engine()).public_csv(request.args.get("year")), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = "attachment; filename=chigasaki-agreement-results.csv"
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/public/agreements/results.json")
def public_results_json():
    body = json.dumps(PartnershipReport(engine()).public_json(request.args.get("year")), ensure_ascii=False,
                      indent=1)
    response = Response(body, mimetype="application/json")
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


# --- the calendar ---------------------------------------------------------------------------------------
@bp.get("/calendar")
@login_required
def calendar():
    return render_template("documents/calendar.html", status=CalendarFeeds(engine()).status(actor()), url=None)


@bp.post("/calendar")
@login_required
def issue_calendar():
    token = CalendarFeeds(engine()).issue(actor())
    url = url_for("documents.calendar_feed", token=token, _external=True)
    return render_template("documents/calendar.html", status=CalendarFeeds(engine()).status(actor()), url=url)


@bp.post("/calendar/revoke")
@login_required
def revoke_calendar():
    CalendarFeeds(engine()).revoke(actor())
    flash("カレンダーのURLを無効にしました。登録済みのカレンダーアプリには、以後何も配信されません。", "success")
    return redirect(url_for("documents.calendar"))


@bp.get("/calendar/<token>.ics")
def calendar_feed(token: str):
    try:
        body = CalendarFeeds(engine()).feed(token[:100])
    except NotFoundError as error:
        return Response(str(error), status=404, mimetype="text/plain")
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = ICS
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def init_app(app: Flask, settings: PaperSettings) -> None:
    app.extensions["renkei.papers"] = settings
    app.register_blueprint(bp)

    @app.template_global()
    def agreement_papers(agreement_id: int):
        return papers().papers(actor(), agreement_id)

    @app.template_global()
    def drafts_agreement(form: dict) -> bool:
        """Whether a task's form is a negotiation (⑦'s draft, a 個別協定's terms): its page offers a preview."""
        return form.get("id") in NEGOTIATION_FORM_IDS

    @app.template_global()
    def case_rounds(case_id: int):
        return papers().rounds(actor(), case_id)

    @app.template_global()
    def draft_rounds(task):
        """The negotiation rounds a task page shows: the case's 包括連携協定 rounds, or its project's."""
        return [r for r in papers().rounds(actor(), task.case_id)
                if (r.project_key or None) == (task.project_key or None)]

    navigation.register(app, navigation.NavItem("documents.results", "実績報告", order=27,
                                                visible=lambda person: is_city_staff(person.actor)))
    navigation.register(app, navigation.NavItem("documents.calendar", "カレンダー", order=90))
    navigation.register(app, navigation.NavItem("documents.templates", "協定書ひな形", order=75,
                                                visible=lambda person: may_read_processes(person.actor)))
