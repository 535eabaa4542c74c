"""The store calendar per day: weekly hours, 定休日, dated exceptions, and the stylists' shifts."""

from __future__ import annotations

from datetime import date, time

from models import BusinessHours, CalendarDayKind, CalendarException, StaffShift, StaffShiftException
from services.calendar import load_calendar
from services.calendar.hours import at
from tests.factories import add_staff_member

MONDAY = date(2026, 12, 14)
TUESDAY = date(2026, 12, 15)
WEDNESDAY = date(2026, 12, 16)


async def _week(db, *extra) -> None:
    async with db.transaction() as s:
        s.add_all([BusinessHours(weekday=d, opens_at=time(10), closes_at=time(19)) for d in (0, 2, 3, 4)]
                  + [BusinessHours(weekday=1), BusinessHours(weekday=5, opens_at=time(9), closes_at=time(18))]
                  + list(extra))


async def test_a_store_without_hours_is_open_around_the_clock(db):
    async with db.transaction() as s:
        calendar = await load_calendar(s, MONDAY, TUESDAY)
    hours = calendar.hours(TUESDAY)
    assert not calendar.configured and not hours.closed and hours.mark is None
    assert (hours.closes - hours.opens).total_seconds() == 24 * 3600


async def test_weekly_hours_closed_weekdays_and_dated_exceptions(db):
    await _week(db, CalendarException(day=WEDNESDAY, kind=CalendarDayKind.CLOSED, note="設備点検"),
                CalendarException(day=date(2026, 12, 22),
                                  kind=CalendarDayKind.SPECIAL, opens_at=time(12), closes_at=time(17)))
    async with db.transaction() as s:
        calendar = await load_calendar(s, MONDAY, date(2026, 12, 27))
    monday = calendar.hours(MONDAY)
    assert (monday.opens, monday.closes, monday.mark) == (at(MONDAY, time(10)), at(MONDAY, time(19)), None)
    assert calendar.hours(TUESDAY).closed and calendar.hours(TUESDAY).mark == "定休日"
    closure = calendar.hours(WEDNESDAY)
    assert closure.closed and (closure.mark, closure.note) == ("臨時休業", "設備点検")
    special = calendar.hours(date(2026, 12, 22))
    assert not special.closed and special.mark == "特別営業" and special.opens.hour == 12
    assert calendar.hours(date(2026, 12, 20)).mark == "定休日"  # Sunday: no row once hours are set


async def test_shifts_follow_the_pattern_then_the_dated_exception(db):
    await _week(db)
    tanaka = await add_staff_member(db, "田中")
    sato = await add_staff_member(db, "佐藤")
    async with db.transaction() as s:
        s.add_all([StaffShift(staff_member_id=tanaka.id, weekday=0, starts_at=time(10), ends_at=time(15)),
                   StaffShift(staff_member_id=tanaka.id, weekday=2, starts_at=time(12), ends_at=time(19)),
                   StaffShiftException(staff_member_id=tanaka.id, day=WEDNESDAY),
                   StaffShiftException(staff_member_id=sato.id, day=MONDAY, starts_at=time(13),
                                       ends_at=time(18))])
    async with db.transaction() as s:
        calendar = await load_calendar(s, MONDAY, WEDNESDAY)
    assert calendar.shift(tanaka.id, MONDAY) == (at(MONDAY, time(10)), at(MONDAY, time(15)))
    assert calendar.shift(tanaka.id, WEDNESDAY) is None  # 休み over the pattern
    assert calendar.shift(tanaka.id, TUESDAY) is None  # not in the pattern
    assert calendar.shift(sato.id, MONDAY) == (at(MONDAY, time(13)), at(MONDAY, time(18)))
    assert calendar.shift(sato.id, WEDNESDAY) == (at(WEDNESDAY, time(10)), at(WEDNESDAY, time(19)))  # store hours
    assert calendar.shift(sato.id, TUESDAY) is None  # the store is closed
    assert calendar.working(MONDAY) == [tanaka.id, sato.id] and calendar.working(WEDNESDAY) == [sato.id]
