"""The papers the city signs and publishes (issue #16): 協定書 from templates (``template``, ``fields``), the
negotiation rounds and the signed document (``rounds``), the signed scan (``service``), the 実績 report
(``report``) and each person's calendar feed (``calendar``)."""

from __future__ import annotations

from engine.front import front

PUBLIC = {
    "AgreementPapers": "engine.documents.service",
    "CalendarFeeds": "engine.documents.calendar",
    "CitySignatory": "engine.documents.fields",
    "DocumentFile": "engine.documents.views",
    "FIELDS": "engine.documents.template",
    "NEGOTIATION_FORM_IDS": "engine.documents.rounds",
    "PaperSettings": "engine.documents.service",
    "PartnershipReport": "engine.documents.report",
    "PUBLIC_RESULT_FIELDS": "engine.documents.report",
}
__all__ = sorted(PUBLIC)
__getattr__ = front(__name__, PUBLIC)
