"""Japan's time zone and today's date there: every date a clerk reads or types is a date in Japan.

The server keeps UTC; a moment becomes a Japanese calendar date only here, so a page, a mail, a deadline and a
timer never disagree about which day it is between 15:00 and 24:00 UTC.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

JAPAN = ZoneInfo("Asia/Tokyo")


def in_japan(moment: datetime) -> datetime:
    return moment.astimezone(JAPAN)


def japan_date(moment: datetime) -> date:
    """The calendar day in Japan at ``moment`` (an aware datetime)."""
    return moment.astimezone(JAPAN).date()


def today_in_japan(now: datetime) -> date:
    """Today in Japan by the engine's clock (pass ``clock()``, never ``date.today()``: the server runs on UTC)."""
    return japan_date(now)
