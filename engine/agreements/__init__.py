"""Signed agreements: the register (``service``, ``queries``, ``detail``, ``views``), who belongs to one
(``scope``), their life after signing (``lifecycle``, ``lifecycle_tasks``, ``notice``: the 申出) and the
public register."""

from __future__ import annotations

from engine.front import front

PUBLIC = {
    "AgreementDetail": "engine.agreements.views",
    "AgreementRegister": "engine.agreements.service",
    "AgreementRow": "engine.agreements.views",
    "Choice": "engine.agreements.views",
    "KIND_LABELS": "engine.agreements.views",
    "NoticeView": "engine.agreements.views",
    "PUBLIC_FIELDS": "engine.agreements.public_register",
    "PublicRegister": "engine.agreements.public_register",
    "REQUIREMENT_ITEMS": "engine.agreements.views",
    "RegisterFilter": "engine.agreements.views",
    "STATUS_LABELS": "engine.agreements.lifecycle",
}
__all__ = sorted(PUBLIC)
__getattr__ = front(__name__, PUBLIC)
