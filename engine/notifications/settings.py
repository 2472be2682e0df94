"""When notices are due: the lead times and limits, read from ``RENKEI_NOTIFY_*`` variables (README)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class NotificationSettings:
    # RENKEI_NOTIFY_DUE_DAYS: tell about a task this many days before its due date
    due_soon_days: int = 3
    # RENKEI_NOTIFY_WAITING_DAYS: tell 総合政策課 when a case has waited at one step this many days
    waiting_limit_days: int = 14
    # RENKEI_NOTIFY_NOTICE_DAYS: tell this many days before an agreement's notice deadline (申出期限)
    notice_lead_days: int = 30
    # RENKEI_MAIL_DIGEST_HOUR: the hour (Japan time, 0–23) from which the daily digest is sent
    digest_hour: int = 8

    @property
    def due_soon(self) -> timedelta:
        return timedelta(days=self.due_soon_days)

    @property
    def waiting_limit(self) -> timedelta:
        return timedelta(days=self.waiting_limit_days)

    @classmethod
    def from_environment(cls, environ: os._Environ | dict | None = None) -> NotificationSettings:
        env = os.environ if environ is None else environ
        hour = int(env.get("RENKEI_MAIL_DIGEST_HOUR", "8"))
        if not 0 <= hour <= 23:
            raise ValueError("RENKEI_MAIL_DIGEST_HOUR は 0〜23 で指定してください")
        return cls(
            due_soon_days=int(env.get("RENKEI_NOTIFY_DUE_DAYS", "3")),
            waiting_limit_days=int(env.get("RENKEI_NOTIFY_WAITING_DAYS", "14")),
            notice_lead_days=int(env.get("RENKEI_NOTIFY_NOTICE_DAYS", "30")),
            digest_hour=hour,
        )
