"""Japan time: the salon's clock for every day boundary and every time the product shows or writes.

Asia/Tokyo has kept +09:00 without daylight saving since 1951, so a time in Japan reads the same
whether it is written by the API, shown in the admin or printed in an export.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

JAPAN = ZoneInfo("Asia/Tokyo")


def in_japan(value: datetime) -> datetime:
    """``value`` on Japan time; a naive value is taken as UTC, as the database stores it."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(JAPAN)


def japan_today() -> date:
    """Today's date in Japan (the salon's day; a UTC server is still on yesterday until 09:00 there)."""
    return datetime.now(JAPAN).date()
