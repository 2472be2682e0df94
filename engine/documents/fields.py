"""What a 協定書 says, from what the case recorded: the parties, the fields of cooperation, the dates of R-6.

A negotiation round and a signing keep a ``snapshot`` (plain values, ISO dates); ``document_fields`` turns it
into the template's fields. The dates are computed here from the signing (or planned signing) date by the one
home of R-6 (engine.domain.validity) and written in 和暦 (engine.domain.wareki), so the clause in the Word file
and the register cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from engine.domain.validity import initial_period
from engine.domain.wareki import format_wareki
from engine.persistence.models.agreement import COMPREHENSIVE, INDIVIDUAL_FIELD, INDIVIDUAL_PROJECT

CITY = "茅ヶ崎市"
BLANK_DATE = "令和　　年　　月　　日"  # a date not yet fixed: the clerk writes it on the printed copy
KIND_LABELS = {
    COMPREHENSIVE: "包括連携協定",
    INDIVIDUAL_PROJECT: "個別協定（特定事業）",
    INDIVIDUAL_FIELD: "個別協定（特定分野）",
}


@dataclass(frozen=True)
class CitySignatory:
    """甲's signatory: the mayor's title and name come from the settings (RENKEI_MAYOR_TITLE, RENKEI_MAYOR_NAME),
    not from any case, so a change of mayor is one setting."""

    title: str = "茅ヶ崎市長"
    name: str = ""


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _wareki(day: date | None) -> str:
    return format_wareki(day) if day else BLANK_DATE


def document_fields(snapshot: Mapping[str, Any], signatory: CitySignatory) -> dict[str, Any]:
    """The template's fields (engine.documents.template.FIELDS) for one stored snapshot."""
    kind = snapshot.get("kind") or COMPREHENSIVE
    signed_on = _day(snapshot.get("signed_on"))
    comprehensive = kind == COMPREHENSIVE
    # R-6 is the validity of a 包括連携協定; a 個別協定 states its own term in its text
    period = initial_period(signed_on) if signed_on and comprehensive else None
    renewed = period.renewed() if period else None
    return {
        "city": CITY,
        "mayor_title": signatory.title,
        "mayor_name": signatory.name,
        "organisation_name": snapshot.get("organisation_name") or "",
        "representative_title": snapshot.get("representative_title") or "",
        "representative_name": snapshot.get("representative_name") or "",
        "kind_label": KIND_LABELS.get(kind, kind),
        "title": snapshot.get("title") or "",
        "purpose": snapshot.get("purpose") or "",
        # a 包括連携協定 names the fields of cooperation, never the projects
        "categories": list(snapshot.get("categories") or []) if comprehensive else [],
        "project_title": "" if comprehensive else snapshot.get("project_title") or "",
        "department_name": "" if comprehensive else snapshot.get("department_name") or "",
        "roles": "" if comprehensive else snapshot.get("roles") or "",
        "costs": "" if comprehensive else snapshot.get("costs") or "",
        "procurement_note": "" if comprehensive else snapshot.get("procurement_note") or "",
        "signed_on": _wareki(signed_on),
        "valid_from": _wareki(period.valid_from if period else None),
        "valid_until": _wareki(period.valid_until if period else None),
        "notice_deadline": _wareki(period.notice_deadline if period else None),
        "renewed_from": _wareki(renewed.valid_from if renewed else None),
        "renewed_until": _wareki(renewed.valid_until if renewed else None),
        "is_draft": bool(snapshot.get("is_draft")),
        "round": snapshot.get("round") or "",
    }


def sample_snapshot(kind: str) -> dict[str, Any]:
    """Fields a template is test-rendered with at upload (every field filled, as at a signing)."""
    return {
        "kind": kind, "title": "見本の協定", "purpose": "地域課題の解決", "organisation_name": "見本株式会社",
        "representative_title": "代表取締役", "representative_name": "見本 太郎",
        "categories": ["① 子ども・若者・子育て支援・障がい者支援・高齢者支援", "⑤ 環境・自然"],
        "project_title": "見本の事業", "department_name": "見本課", "roles": "役割", "costs": "費用",
        "procurement_note": "なし", "signed_on": "2025-06-15", "is_draft": True, "round": 1,
    }
