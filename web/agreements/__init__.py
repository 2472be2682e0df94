"""協定台帳 (issue #5 item 1): every agreement, its current period and notice deadline.

Searchable and exportable.

The search lives in the query string (bookmarkable, works without JavaScript) and the exports take the same
query. From an agreement's page 総合政策課 calls a 全体会議 (R-8.2) and reports requirements no longer
met (R-9.2); the 企業等 gives notice (申出, R-6.2).
"""

from __future__ import annotations

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask_login import login_required

from engine.agreements import (
    HEADINGS,
    INDIVIDUAL_KINDS,
    KIND_LABELS,
    REQUIREMENT_ITEMS,
    STATUS_LABELS,
    AgreementRegister,
    AgreementRow,
    Choice,
    RegisterFilter,
    notice_cell,
    project_cell,
)
from engine.errors import FormDataError
from web import navigation, paging
from web.agreements import registration
from web.board.exports import Table, csv_response, xlsx_response
from web.engine_access import actor, engine
from web.filters import iso_date, wareki

bp = Blueprint("agreements", __name__, url_prefix="/agreements")
FILTER_FIELDS = ("q", "kind", "status", "department")
KINDS = [Choice(value, label) for value, label in KIND_LABELS.items()]
STATUSES = [Choice(value, label) for value, label in STATUS_LABELS.items()]


def _filters() -> RegisterFilter:
    return RegisterFilter(**{name: request.args.get(name, "").strip()[:100] for name in FILTER_FIELDS})


def _query(filters: RegisterFilter) -> dict[str, str]:
    return {name: getattr(filters, name) for name in FILTER_FIELDS if getattr(filters, name)}


@bp.get("/")
@login_required
def index():
    filters = _filters()
    wanted, cursor = paging.requested()
    page = AgreementRegister(engine()).page(actor(), filters, wanted, cursor)
    return render_template(
        "agreements/index.html",
        page=page,
        filters=filters,
        query=_query(filters),
        kinds=KINDS,
        statuses=STATUSES,
    )


@bp.get("/<int:agreement_id>")
@login_required
def detail(agreement_id: int):
    return _detail_page(agreement_id)


def _detail_page(
    agreement_id: int, errors: dict[str, str] | None = None, form: str | None = None, status: int = 200
):
    found = AgreementRegister(engine()).detail(actor(), agreement_id)
    return render_template(
        "agreements/detail.html",
        detail=found,
        errors=errors or {},
        open_form=form,
        values=request.form if form else {},
        requirement_items=REQUIREMENT_ITEMS,
        INDIVIDUAL_KINDS=INDIVIDUAL_KINDS,
    ), status


@bp.post("/<int:agreement_id>/general-meeting")
@login_required
def call_general_meeting(agreement_id: int):
    try:
        AgreementRegister(engine()).call_general_meeting(
            actor(), agreement_id, request.form.get("agenda", ""), request.form.get("planned_on", "")
        )
    except FormDataError as error:
        return _detail_page(agreement_id, error.errors, "general", 422)
    flash("全体会議を招集しました。開催後、受信箱の「全体会議（R-8.2）」で記録してください。", "success")
    return redirect(url_for("agreements.detail", agreement_id=agreement_id))


@bp.post("/<int:agreement_id>/individual-agreements")
@login_required
def start_individual(agreement_id: int):
    """R-1/R-2: the project's 担当課 (or 総合政策課) starts a 個別協定; the rule is engine.access's."""
    try:
        case_id = AgreementRegister(engine()).start_individual(
            actor(), agreement_id, request.form.get("project_id", ""), request.form.get("kind", ""),
            request.form.get("meeting_id", "") or None,
        )
    except FormDataError as error:
        return _detail_page(agreement_id, error.errors, "individual", 422)
    flash("個別協定の協議を始めました。担当課の受信箱に「個別協定の内容協議」が届きます。", "success")
    return redirect(f"/cases/{case_id}")


@bp.post("/<int:agreement_id>/meetings/<int:meeting_id>/proposals/<int:number>")
@login_required
def start_from_proposal(agreement_id: int, meeting_id: int, number: int):
    """R-8.1: a meeting's new proposal becomes a ① case (総合政策課) or a 個別協定 (the meeting's 担当課)."""
    try:
        case_id = AgreementRegister(engine()).start_from_proposal(
            actor(), agreement_id, meeting_id, number, request.form.get("becomes", ""), request.form.get("kind", "")
        )
    except FormDataError as error:
        return _detail_page(agreement_id, error.errors, f"proposal-{meeting_id}-{number}", 422)
    flash("会議の提案から案件を始めました。", "success")
    return redirect(f"/cases/{case_id}")
@bp.post("/<int:agreement_id>/notice")
@login_required
def give_notice(agreement_id: int):
    """R-6.2: the 企業等's 申出 is an action on its agreement's page, not a task waiting in its inbox."""
    try:
        AgreementRegister(engine()).give_notice(
            actor(),
            agreement_id,
            request.form.get("notice_reason", ""),
            request.form.get("notice_contact", ""),
        )
    except FormDataError as error:
        return _detail_page(agreement_id, error.errors, "notice", 422)
    flash("協定終了の申出を受け付けました。総合政策課から確認のご連絡をすることがあります。", "success")
    return redirect(url_for("agreements.detail", agreement_id=agreement_id))


@bp.post("/<int:agreement_id>/requirements-report")
@login_required
def report_requirements(agreement_id: int):
    try:
        AgreementRegister(engine()).report_requirements_not_met(
            actor(), agreement_id, request.form.getlist("items"), request.form.get("reason", "")
        )
    except FormDataError as error:
        return _detail_page(agreement_id, error.errors, "report", 422)
    flash(
        "要件を満たさなくなったため、協定を解除しました（R-9.2）。未完了のタスクは閉じられました。", "success"
    )
    return redirect(url_for("agreements.detail", agreement_id=agreement_id))


# --- exports: the same rows as the page, for Excel; the columns are the import's (engine.agreements) -----


def register_table(rows: list[AgreementRow]) -> Table:
    body = [
        [
            row.id,
            row.kind_label,
            row.title,
            row.organisation_name,
            wareki(row.signed_on),
            iso_date(row.signed_on),
            wareki(row.valid_from),
            iso_date(row.valid_from),
            wareki(row.valid_until),
            iso_date(row.valid_until),
            wareki(row.notice_deadline),
            iso_date(row.notice_deadline),
            row.status_label,
            row.period_number or "",
            "、".join(row.categories),
            project_cell(row.projects),
            "、".join(f"{r.label} 実施{r.implemented}件／{r.recorded}件" for r in row.records),
            notice_cell(wareki(row.late_notice.given_on), row.late_notice.given_by,
                        wareki(row.late_notice.takes_effect_on)) if row.late_notice else "",
            row.exception_text,
            row.case_number,
            "、".join(
                f"{i.project_title}（{i.kind_label}・{i.progress_label}"
                + (f"・{wareki(i.signed_on)}締結" if i.signed_on else "")
                + "）"
                for i in row.individuals
            ),
            notice_cell(wareki(row.ending_notice.given_on), row.ending_notice.given_by)
            if row.ending_notice else "",
        ]
        for row in rows
    ]
    return Table("agreements", "協定台帳", HEADINGS, body)


@bp.get("/export.csv")
@login_required
def export_csv():
    return csv_response(register_table(AgreementRegister(engine()).search(actor(), _filters())), "協定台帳")


@bp.get("/export.xlsx")
@login_required
def export_xlsx():
    return xlsx_response(
        [register_table(AgreementRegister(engine()).search(actor(), _filters()))], "協定台帳"
    )


registration.add_routes(bp)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    navigation.register(app, navigation.NavItem("agreements.index", "協定台帳", order=25))
