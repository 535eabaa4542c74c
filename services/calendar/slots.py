"""Free slots (SPEC §3 availableSlots): the start times at which the chosen menus fit inside the
opening hours and the shift of a stylist with no overlapping reservation.

Everything comes from a few statements for the whole range (the calendar's five, the menus, and one
range read of the occupying reservations by ``start_at``), then Python walks the days: per stylist a
sorted list of busy periods, searched with bisect, so the cost grows with the range asked and the
reservations in it, never with the store's history. The customer channel gets free times only,
the same whoever asks (its answer does not depend on the customer); staff get every step of the day
with the free stylists, and for a time that is not free why (定休日, 営業時間外, お休み, 予約あり).
"""

from __future__ import annotations

from bisect import bisect_left
from math import ceil, floor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Reservation, SlotHold
from services.actor import Actor
from services.booking.rules import MAX_DURATION, active_menus, active_staff
from services.booking.transitions import OCCUPYING_STATUSES
from services.calendar.days import check_range
from services.calendar.hours import at, load_calendar
from services.errors import DomainError
from services.store import get_store_settings

#: The range availableSlots answers at once (two months, the usual booking horizon).
MAX_SLOT_DAYS = 62
CLOSED, OUTSIDE_HOURS, OFF, BOOKED = "定休日", "営業時間外", "お休み", "予約あり"


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime
    #: The stylists free for the whole time (empty on the customer channel).
    staff_ids: tuple[int, ...] = ()
    #: Why the time is not free (staff only; None when free).
    reason: str | None = None

    @property
    def available(self) -> bool:
        return self.reason is None


@dataclass
class DaySlots:
    day: date
    closed: bool
    mark: str | None
    slots: list[Slot] = field(default_factory=list)


class _Busy:
    """Busy periods per stylist (None: a reservation without a stylist) as sorted epoch seconds:
    comparing plain numbers, not datetimes of two time zones, keeps the walk cheap."""

    def __init__(self, rows: list[tuple[int | None, datetime, datetime]]) -> None:
        periods: dict[int | None, list[tuple[float, float]]] = {}
        for staff_id, start, end in rows:
            periods.setdefault(staff_id, []).append((start.timestamp(), end.timestamp()))
        self.periods = {k: sorted(v) for k, v in periods.items()}
        self.starts = {k: [p[0] for p in v] for k, v in self.periods.items()}

    def within(self, staff_id: int | None, first: float, last: float) -> list[tuple[float, float]]:
        """The stylist's periods that can overlap [first, last)."""
        periods = self.periods.get(staff_id)
        if not periods:
            return []
        # Only periods starting before ``last`` can overlap; none lasts longer than MAX_DURATION.
        starts = self.starts[staff_id]
        high = bisect_left(starts, last)
        return [p for p in periods[bisect_left(starts, first - _MAX_SECONDS, 0, high):high] if p[1] > first]


_MAX_SECONDS = MAX_DURATION.total_seconds()


async def _busy(session: AsyncSession, first: datetime, last: datetime, now: datetime) -> _Busy:
    """The occupying reservations and the live holds (仮押さえ) of the range: two range reads."""
    rows = list(await session.execute(
        select(Reservation.staff_member_id, Reservation.start_at, Reservation.end_at)
        .where(Reservation.start_at >= first - MAX_DURATION, Reservation.start_at < last,
               Reservation.status.in_(OCCUPYING_STATUSES))))
    rows += list(await session.execute(
        select(SlotHold.staff_member_id, SlotHold.start_at, SlotHold.end_at)
        .where(SlotHold.start_at >= first - MAX_DURATION, SlotHold.start_at < last, SlotHold.expires_at > now)))
    return _Busy([(r.staff_member_id, r.start_at, r.end_at) for r in rows if r.end_at > first])


async def available_slots(session: AsyncSession, first: date, last: date, menu_ids: list[int],
                          staff_id: int | None, actor: Actor | None, now: datetime) -> list[DaySlots]:
    """The slots of ``first``..``last`` (Japan days) for the menus, with ``staff_id`` or any stylist."""
    check_range(first, last, MAX_SLOT_DAYS)
    menus, problems = await active_menus(session, menu_ids)
    problems += await active_staff(session, staff_id)
    if problems:
        raise DomainError.many(problems)
    length = timedelta(minutes=sum(m.duration_minutes for m in menus))
    settings = await get_store_settings(session)
    calendar = await load_calendar(session, first, last)
    busy = await _busy(session, at(first, datetime.min.time()), at(last + timedelta(days=1), datetime.min.time()),
                       now)
    staff = actor is not None and actor.is_staff
    earliest = now + timedelta(minutes=settings.booking_notice_minutes)
    latest = now + timedelta(days=settings.booking_horizon_days)
    step = timedelta(minutes=settings.slot_minutes)
    candidates = [staff_id] if staff_id is not None else list(calendar.staff)
    answer = []
    for day in calendar.days():
        hours = calendar.hours(day)
        result = DaySlots(day, hours.closed, hours.mark)
        answer.append(result)
        if hours.opens is None or hours.closes is None:
            continue
        shifts = {s: _seconds(calendar.shift(s, day)) for s in candidates}
        day_slots = _day(busy, shifts, staff_id is not None, hours.opens.timestamp(), hours.closes.timestamp(),
                         length.total_seconds(), step.total_seconds())
        for k, (reason, free) in enumerate(day_slots):
            start = hours.opens + k * step
            if staff:
                result.slots.append(Slot(start, start + length, free, reason))
            elif reason is None and earliest <= start <= latest:
                result.slots.append(Slot(start, start + length))
    return answer


def _seconds(period: tuple[datetime, datetime] | None) -> tuple[float, float] | None:
    return None if period is None else (period[0].timestamp(), period[1].timestamp())


def _day(busy: _Busy, shifts: dict[int, tuple[float, float] | None], named: bool, opens: float, closes: float,
         length: float, step: float) -> list[tuple[str | None, tuple[int, ...]]]:
    """Every step of one day: (why not free or None, the free stylists). Slot k starts at opens + k·step;
    a busy period (s, e) blocks the k with opens + k·step < e and opens + k·step + length > s."""
    count = ceil((closes - opens) / step)
    fits = [opens + k * step + length <= closes for k in range(count)]

    def blocked(periods: list[tuple[float, float]]) -> list[int]:
        hits = [0] * count
        for s, e in periods:
            for k in range(max(0, floor((s - length - opens) / step) + 1), min(count, ceil((e - opens) / step))):
                hits[k] += 1
        return hits

    on_shift: list[list[int]] = [[] for _ in range(count)]
    free: list[list[int]] = [[] for _ in range(count)]
    for staff_id, shift in shifts.items():
        if shift is None:
            continue
        first = max(0, ceil((shift[0] - opens) / step))
        last = min(count - 1, floor((shift[1] - length - opens) / step))
        if last < first:
            continue
        taken = blocked(busy.within(staff_id, opens + first * step, opens + last * step + length))
        for k in range(first, last + 1):
            on_shift[k].append(staff_id)
            if not taken[k]:
                free[k].append(staff_id)
    unassigned = [0] * count if named else blocked(busy.within(None, opens, closes))
    answer: list[tuple[str | None, tuple[int, ...]]] = []
    for k in range(count):
        if not fits[k]:
            answer.append((OUTSIDE_HOURS, ()))
        elif not shifts:  # a salon that lists no stylists: the hours alone (as booking does)
            answer.append((None, ()))
        elif not on_shift[k]:
            answer.append((OFF, ()))
        # A reservation without a stylist takes one of the free ones (as booking.rules.staff_time counts).
        elif not free[k] or len(free[k]) <= unassigned[k]:
            answer.append((BOOKED, ()))
        else:
            answer.append((None, tuple(free[k])))
    return answer
