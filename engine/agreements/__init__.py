"""Signed agreements: the register (``service``, ``queries``, ``detail``, ``views``), who belongs to one
(``scope``), their life after signing (``lifecycle``, ``lifecycle_tasks``, ``notice``: the 申出) and the
public register."""

from __future__ import annotations

from engine.front import front

PUBLIC = {
    "AgreementDetail": "engine.agreements.views",
    "AgreementRegister": "engine.agreements.service",
    "AgreementImportError": "engine.agreements.register_csv",
    "AgreementRow": "engine.agreements.views",
    "Choice": "engine.agreements.views",
    "EXCEPTION_LABEL": "engine.agreements.views",
    "INDIVIDUAL_KINDS": "engine.agreements.views",
    "ExistingAgreement": "engine.agreements.registration",
    "GIVEN_BY_CHOICES": "engine.agreements.registration",
    "HEADINGS": "engine.agreements.register_csv",
    "KIND_LABELS": "engine.agreements.views",
    "NoticeInput": "engine.agreements.registration",
    "NoticeView": "engine.agreements.views",
    "ProjectInput": "engine.agreements.registration",
    "PUBLIC_FIELDS": "engine.agreements.public_register",
    "PublicRegister": "engine.agreements.public_register",
    "REQUIREMENT_ITEMS": "engine.agreements.views",
    "RegisterFilter": "engine.agreements.views",
    "STATUS_LABELS": "engine.agreements.lifecycle",
    "notice_cell": "engine.agreements.register_csv",
    "project_cell": "engine.agreements.register_csv",
}
__all__ = sorted(PUBLIC)
__getattr__ = front(__name__, PUBLIC)
