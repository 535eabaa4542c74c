"""The bounds of a range of days any door may ask for."""

from __future__ import annotations

from datetime import date

from services.errors import DomainError, ErrorCode

MAX_DAYS = 92
EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)


def check_range(first: date, last: date, max_days: int = MAX_DAYS) -> None:
    """A range of at most ``max_days`` days, in order, within the years the product handles."""
    if not (EARLIEST <= first <= LATEST and EARLIEST <= last <= LATEST):
        raise DomainError(ErrorCode.INVALID, "2000年から2100年までの日付を指定してください。", "from")
    if last < first:
        raise DomainError(ErrorCode.INVALID, "終了日は開始日以降にしてください。", "to")
    if (last - first).days + 1 > max_days:
        raise DomainError(ErrorCode.INVALID, f"期間は{max_days}日以内にしてください。", "to")
