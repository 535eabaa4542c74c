"""Opening hours and shifts per day, for a range of days read at once.

A store with no opening hours at all has not set its calendar up: it is open around the clock
every day (so a new salon books as it did before it had a calendar). Once any weekday has a row,
a weekday without hours is 定休日. A dated exception (臨時休業, 特別営業 with its own hours) wins
over the weekday. A stylist with neither a weekly pattern nor a dated shift works whenever the
store is open; one with a pattern works on its days only, and a dated shift (休み or other hours)
wins over the pattern.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    BusinessHours,
    CalendarDayKind,
    CalendarException,
    StaffMember,
    StaffShift,
    StaffShiftException,
)
from services.japan_time import JAPAN

WEEKDAYS = ("月", "火", "水", "木", "金", "土", "日")
Period = tuple[datetime, datetime]


def at(day: date, clock: time) -> datetime:
    """``clock`` on ``day`` in Japan, as an aware datetime."""
    return datetime.combine(day, clock, JAPAN)


@dataclass(frozen=True)
class DayHours:
    """The store on one day: open from ``opens`` to ``closes`` (Japan time), or closed with why."""

    day: date
    opens: datetime | None
    closes: datetime | None
    #: 定休日, 臨時休業 (closed) or 特別営業 (open on its own hours); None on an ordinary day.
    mark: str | None = None
    note: str = ""

    @property
    def closed(self) -> bool:
        return self.opens is None


@dataclass
class Calendar:
    """Hours and shifts from ``first`` to ``last`` (inclusive): answers per day without the database."""

    first: date
    last: date
    weekly: dict[int, BusinessHours]
    exceptions: dict[date, CalendarException]
    staff: dict[int, StaffMember]
    patterns: dict[int, dict[int, StaffShift]] = field(default_factory=dict)
    dated: dict[tuple[int, date], StaffShiftException] = field(default_factory=dict)

    @property
    def configured(self) -> bool:
        return bool(self.weekly)

    def days(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range((self.last - self.first).days + 1)]

    def hours(self, day: date) -> DayHours:
        exception = self.exceptions.get(day)
        if exception is not None:
            if exception.kind == CalendarDayKind.CLOSED:
                return DayHours(day, None, None, CalendarDayKind.CLOSED.label, exception.note)
            assert exception.opens_at is not None and exception.closes_at is not None
            return DayHours(day, at(day, exception.opens_at), at(day, exception.closes_at),
                            CalendarDayKind.SPECIAL.label, exception.note)
        if not self.weekly:
            return DayHours(day, at(day, time(0)), at(day + timedelta(days=1), time(0)))
        row = self.weekly.get(day.weekday())
        if row is None or row.opens_at is None or row.closes_at is None:
            return DayHours(day, None, None, "定休日")
        return DayHours(day, at(day, row.opens_at), at(day, row.closes_at))

    def shift(self, staff_id: int, day: date) -> Period | None:
        """When the stylist works that day (None: お休み), clipped to nothing: the store's hours
        are checked on their own."""
        dated = self.dated.get((staff_id, day))
        if dated is not None:
            if dated.starts_at is None or dated.ends_at is None:
                return None
            return at(day, dated.starts_at), at(day, dated.ends_at)
        pattern = self.patterns.get(staff_id)
        if not pattern:
            store = self.hours(day)
            return None if store.opens is None or store.closes is None else (store.opens, store.closes)
        row = pattern.get(day.weekday())
        return None if row is None else (at(day, row.starts_at), at(day, row.ends_at))

    def working(self, day: date) -> list[int]:
        """The active stylists with a shift that day, in display order."""
        return [s for s in self.staff if self.shift(s, day) is not None]


async def load_calendar(session: AsyncSession, first: date, last: date) -> Calendar:
    """The calendar of ``first``..``last``: five statements whatever the range."""
    weekly = {r.weekday: r for r in (await session.scalars(select(BusinessHours))).all()}
    exceptions = {r.day: r for r in (await session.scalars(
        select(CalendarException).where(CalendarException.day.between(first, last)))).all()}
    staff = {s.id: s for s in (await session.scalars(
        select(StaffMember).where(StaffMember.active.is_(True))
        .order_by(StaffMember.display_order, StaffMember.id))).all()}
    patterns: dict[int, dict[int, StaffShift]] = {}
    for row in (await session.scalars(select(StaffShift))).all():
        patterns.setdefault(row.staff_member_id, {})[row.weekday] = row
    dated = {(r.staff_member_id, r.day): r for r in (await session.scalars(
        select(StaffShiftException).where(StaffShiftException.day.between(first, last)))).all()}
    return Calendar(first, last, weekly, exceptions, staff, patterns, dated)
