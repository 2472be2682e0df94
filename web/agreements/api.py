"""GET /api/agreements and /api/agreements/<id> (issue #5 item 6), documented in docs/openapi.yaml.

Nested in the API blueprint (web.api), so it shares its authentication (session or ``Authorization: Bearer``)
and its JSON errors. Dates are ISO 8601 (``valid_from``, ``valid_until``, ``notice_deadline``); ``renewals``
is the renewal history, one entry per validity period.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache

from flask import Blueprint, g, jsonify, request

from engine.agreements import (
    EXCEPTION_LABEL,
    AgreementDetail,
    AgreementRegister,
    AgreementRow,
    NoticeView,
    RegisterFilter,
)
from engine.errors import FormDataError
from web import paging
from web.engine_access import engine
from web.extensions import csrf
from web.json_body import json_body

bp = Blueprint("agreements", __name__)
FILTER_FIELDS = ("q", "kind", "status", "department")


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _notice(notice: NoticeView | None) -> dict | None:
    if notice is None:
        return None
    return {
        "given_by": notice.given_by,
        "given_on": _iso(notice.given_on),
        "in_time": notice.in_time,
        "takes_effect_on": _iso(notice.takes_effect_on),
    }


def agreement_json(row: AgreementRow) -> dict:
    return {
        "id": row.id,
        "kind": row.kind,
        "title": row.title,
        "organisation": row.organisation_name,
        "signed_on": _iso(row.signed_on),
        "valid_from": _iso(row.valid_from),
        "valid_until": _iso(row.valid_until),
        "notice_deadline": _iso(row.notice_deadline),
        "status": row.status,
        "status_label": row.status_label,
        "case_id": row.case_id,
        "case_number": row.case_number,
        "period_number": row.period_number,
        "registered": row.registered,
        "categories": row.categories,
        "projects": [
            {
                "id": p.id,
                "title": p.title,
                "category": p.category,
                "department": p.department_name,
                "case_id": p.case_id,
            }
            for p in row.projects
        ],
        "records": [
            {
                "fiscal_year": r.fiscal_year,
                "recorded": r.recorded,
                "implemented": r.implemented,
                "citizen_reach": r.citizen_reach,
            }
            for r in row.records
        ],
        "renewals": [
            {
                "number": p.number,
                "valid_from": _iso(p.valid_from),
                "valid_until": _iso(p.valid_until),
                "notice_deadline": _iso(p.notice_deadline),
                "outcome": p.outcome,
                "case_id": p.case_id,
            }
            for p in row.renewals
        ],
        "late_notice": _notice(row.late_notice),
        # concluded by 原則の例外, with the reason 総合政策課 recorded at ⑥
        "concluded_by_exception": row.concluded_by_exception,
        "conclusion_label": EXCEPTION_LABEL if row.concluded_by_exception else None,
        "principle_exception_reason": row.principle_exception_reason,
        "individual_agreements": [
            {
                "project_id": i.project_id,
                "project": i.project_title,
                "department": i.department_name,
                "kind": i.kind,
                "status": i.progress,
                "signed_on": _iso(i.signed_on),
                "case_id": i.case_id,
                "agreement_id": i.agreement_id,
                "meeting_id": i.meeting_id,
            }
            for i in row.individuals
        ],
    }


def agreement_detail_json(detail: AgreementDetail) -> dict:
    termination = detail.termination
    return {
        **agreement_json(detail.row),
        "notices": [_notice(n) for n in detail.notices],
        "meetings": [
            {
                "kind": m.kind,
                "department": m.department_name,
                "review_year": m.review_year,
                "planned_on": _iso(m.planned_on),
                "held_on": _iso(m.held_on),
                "invited": m.invited,
                "attendees": m.attendees,
                "case_ids": [c.id for c in m.cases],
                "proposals": [
                    {"title": p.title, "summary": p.summary, "category": p.category, "case_id": p.case_id,
                     "started": p.started}
                    for p in m.proposals
                ],
            }
            for m in detail.meetings
        ],
        "results": [
            {
                "fiscal_year": r.fiscal_year,
                "project": r.project_title,
                "department": r.department_name,
                "implemented": r.implemented,
                "outcome": r.outcome,
                "citizen_reach": r.citizen_reach,
            }
            for r in detail.results
        ],
        "reviews": [
            {
                "review_year": r.review_year,
                "decision": r.decision,
                "reason": r.reason,
                "decided_by": r.decided_by,
                "decided_at": _iso(r.decided_at),
            }
            for r in detail.reviews
        ],
        "termination": None
        if termination is None
        else {
            "ground": termination.ground,
            "items": termination.items,
            "reason": termination.reason,
            "terminated_on": _iso(termination.terminated_on),
            "decided_by": termination.decided_by,
        },
        # present only for the 企業等 of the agreement while it may give notice (POST …/notice)
        "notice_action": None
        if detail.notice is None
        else {
            "deadline": _iso(detail.notice.deadline),
            "late": detail.notice.late,
            "takes_effect_on": _iso(detail.notice.takes_effect_on),
        },
        "linked_cases": [
            {"id": c.id, "number": c.number, "title": c.title, "status": c.status}
            for c in detail.linked_cases
        ],
    }


@bp.get("/agreements")
def list_agreements():
    filters = RegisterFilter(**{name: request.args.get(name, "").strip()[:100] for name in FILTER_FIELDS})
    wanted, cursor = paging.requested()
    found = AgreementRegister(engine()).listing(g.api_person.actor, filters, wanted, cursor)
    return jsonify({"agreements": [agreement_json(row) for row in found.items], **paging.json_fields(found)})


@bp.get("/agreements/<int:agreement_id>")
def get_agreement(agreement_id: int):
    detail = AgreementRegister(engine()).detail(g.api_person.actor, agreement_id)
    return jsonify({"agreement": agreement_detail_json(detail)})


@bp.post("/agreements/<int:agreement_id>/individual-agreements")
def start_individual_agreement(agreement_id: int):
    """The page's rule (engine.access.individual_start_refusal), answered as JSON: 201 with the case id."""
    body = request.get_json(silent=True) or {}
    meeting = body.get("meeting_id")
    case_id = AgreementRegister(engine()).start_individual(
        g.api_person.actor, agreement_id, str(body.get("project_id") or ""), str(body.get("kind") or ""),
        str(meeting) if meeting not in (None, "") else None,
    )
    return jsonify({"case_id": case_id}), 201


@bp.post("/agreements/<int:agreement_id>/meetings/<int:meeting_id>/proposals/<int:number>")
def start_from_proposal(agreement_id: int, meeting_id: int, number: int):
    """The page's action on a meeting's new proposal (R-8.1), as JSON: 201 with the case id."""
    body = request.get_json(silent=True) or {}
    case_id = AgreementRegister(engine()).start_from_proposal(
        g.api_person.actor, agreement_id, meeting_id, number, str(body.get("becomes") or ""),
        str(body.get("kind") or ""),
    )
    return jsonify({"case_id": case_id}), 201

@bp.post("/agreements/<int:agreement_id>/notice")
def give_notice(agreement_id: int):
    """R-6.2: the 企業等's 申出, the same rule and record as the agreement page's action."""
    body = json_body()
    if not isinstance(body, dict):
        raise FormDataError({"(body)": "JSON オブジェクトで送信してください"})
    fields = {name: "この項目は指定できません" for name in sorted(set(body) - {"notice_reason", "notice_contact"})}
    for name in ("notice_reason", "notice_contact"):
        if not isinstance(body.get(name, ""), str):
            fields[name] = "文字列で指定してください"
    if fields:
        raise FormDataError(fields)
    register, me = AgreementRegister(engine()), g.api_person.actor
    register.give_notice(me, agreement_id, body.get("notice_reason", ""), body.get("notice_contact", ""))
    return jsonify({"agreement": agreement_detail_json(register.detail(me, agreement_id))}), 201


@cache
def nest(api_blueprint: Blueprint) -> None:
    """Registers this blueprint inside the API's, once.

    Flask allows that only before the API blueprint is registered on an app.
    """
    csrf.exempt(bp)  # as the API's own: a session POST is checked by the API's X-CSRFToken rule instead
    api_blueprint.register_blueprint(bp)
