"""In-app notices and their mails: ``service`` is the entry point, ``mail`` the outbox and its delivery."""

from __future__ import annotations

from engine.front import front

PUBLIC = {
    "Kind": "engine.notifications.service",
    "Mailer": "engine.notifications.mail",
    "Notifications": "engine.notifications.service",
    "SmtpSettings": "engine.notifications.mail",
}
__all__ = sorted(PUBLIC)
__getattr__ = front(__name__, PUBLIC)
