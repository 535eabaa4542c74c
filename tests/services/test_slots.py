"""Free slots on a fixed clock: hours, closed days, dated exceptions, shifts, menus' length, reservations.

The salon of test_booking_calendar: 10:00–19:00, closed Tuesdays, 30-minute slots, 2 hours' notice,
60 days ahead; 佐藤 works Monday 10:00–15:00 and Wednesday; 鈴木 the store's hours."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from services import booking
from services.actor import Actor
from services.calendar.slots import available_slots
from services.errors import DomainError
from tests.services.test_booking_calendar import MONDAY, NOW, book, jst, salon  # noqa: F401 (fixture)

WEDNESDAY = date(2027, 1, 6)


async def slots(world, first: date, last: date | None = None, menus=(0,), stylist: int | None = None,
                actor: Actor | None = None, now: datetime = NOW):
    async with world.db.transaction() as s:
        return await available_slots(s, first, last or first, [world.menus[i].id for i in menus],
                                     None if stylist is None else world.stylists[stylist].id, actor, now)


def times(day) -> list[str]:
    return [f"{s.start:%H:%M}" for s in day.slots if s.available]


async def test_a_day_from_opening_to_the_last_start_that_fits(salon):
    [day] = await slots(salon, WEDNESDAY)
    assert times(day)[0] == "10:00" and times(day)[-1] == "18:00"  # a 60-minute cut ends by 19:00
    assert times(day) == [f"{h:02d}:{m:02d}" for h in range(10, 18) for m in (0, 30)] + ["18:00"]
    [longer] = await slots(salon, WEDNESDAY, menus=(0, 1))  # cut + colour: 150 minutes together
    assert times(longer)[-1] == "16:30"


async def test_closed_weekday_dated_closure_and_special_opening(salon):
    days = await slots(salon, date(2027, 1, 5), date(2027, 1, 12))
    by_day = {d.day: d for d in days}
    assert by_day[date(2027, 1, 5)].closed and by_day[date(2027, 1, 5)].mark == "定休日" and not by_day[date(2027, 1, 5)].slots
    assert by_day[date(2027, 1, 7)].mark == "臨時休業" and not by_day[date(2027, 1, 7)].slots
    special = by_day[date(2027, 1, 12)]
    assert special.mark == "特別営業" and times(special)[0] == "12:00" and times(special)[-1] == "16:00"


async def test_a_stylists_day_off_and_shift(salon):
    [monday] = await slots(salon, MONDAY + timedelta(days=7), stylist=0)
    assert times(monday)[0] == "10:00" and times(monday)[-1] == "14:00"  # 佐藤 leaves at 15:00
    [friday] = await slots(salon, date(2027, 1, 8), stylist=0)
    assert times(friday) == []
    [staff_view] = await slots(salon, date(2027, 1, 8), stylist=0, actor=salon.staff)
    assert {s.reason for s in staff_view.slots} == {"お休み", "営業時間外"}


async def test_a_taken_slot_and_its_cancellation(salon):
    customer = await salon.customer()
    other = await salon.customer()
    r, _ = await book(salon, customer, jst(WEDNESDAY, 11), salon.staff, stylist=0)
    await book(salon, other, jst(WEDNESDAY, 11), salon.staff, stylist=1)
    [day] = await slots(salon, WEDNESDAY)
    assert "11:00" not in times(day) and "10:30" not in times(day) and "12:00" in times(day)
    [staff_view] = await slots(salon, WEDNESDAY, actor=salon.staff)
    eleven = next(s for s in staff_view.slots if f"{s.start:%H:%M}" == "11:00")
    assert (eleven.available, eleven.reason) == (False, "予約あり")
    twelve = next(s for s in staff_view.slots if f"{s.start:%H:%M}" == "12:00")
    assert set(twelve.staff_ids) == {salon.stylists[0].id, salon.stylists[1].id}
    async with salon.db.transaction() as s:
        await booking.cancel_by_store(s, r.id, salon.staff)
    [day] = await slots(salon, WEDNESDAY)
    assert "11:00" in times(day)


async def test_the_shortest_notice_and_the_horizon(salon):
    [today] = await slots(salon, MONDAY)  # now is 09:00: nothing before 11:00
    assert times(today)[0] == "11:00"
    days = await slots(salon, date(2027, 3, 1), date(2027, 3, 10))
    assert times(days[-1]) == [] and times(days[0]) != []  # 60 days from 2027-01-04 09:00 is 03-05 09:00
    assert [d.day for d in days if times(d)][-1] == date(2027, 3, 4)


async def test_bad_requests_are_refused(salon):
    for first, last, menus in ((MONDAY, MONDAY + timedelta(days=70), (0,)), (MONDAY, MONDAY, ()),
                               (MONDAY, MONDAY, (2,))):  # too long, no menu, a retired menu
        with pytest.raises(DomainError):
            await slots(salon, first, last, menus=menus)
