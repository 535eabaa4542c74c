"""storeCalendar: the hours per day, closed days and dated exceptions; shifts for staff only."""

from __future__ import annotations

from datetime import date, time

from models import BusinessHours, CalendarDayKind, CalendarException, StaffShift

CALENDAR = """
query($from: Date!, $to: Date!) {
  storeCalendar(from: $from, to: $to) {
    configured slotMinutes bookingHorizonDays bookingNoticeMinutes
    days { date closed mark note opensAt closesAt shifts { staffName startsAt endsAt } }
  }
}
"""


async def _salon(given):
    tanaka = await given.staff_member("田中")
    await given.rows(*[BusinessHours(weekday=d, opens_at=time(10), closes_at=time(19)) for d in (0, 2, 3, 4, 5, 6)],
                     BusinessHours(weekday=1),
                     CalendarException(day=date(2027, 1, 1), kind=CalendarDayKind.CLOSED,
                                       note="元日"),
                     StaffShift(staff_member_id=tanaka.id, weekday=0, starts_at=time(11), ends_at=time(16)))


async def test_staff_read_hours_marks_and_shifts(gql, given, staff_token):
    await _salon(given)
    found = (await gql(CALENDAR, {"from": "2026-12-28", "to": "2027-01-01"}, token=staff_token))["storeCalendar"]
    assert (found["configured"], found["slotMinutes"], found["bookingHorizonDays"],
            found["bookingNoticeMinutes"]) == (True, 30, 60, 120)
    monday, tuesday, *_, new_year = found["days"]
    assert monday["opensAt"] == "2026-12-28T10:00:00+09:00" and monday["mark"] is None
    assert monday["shifts"] == [{"staffName": "田中", "startsAt": "2026-12-28T11:00:00+09:00",
                                 "endsAt": "2026-12-28T16:00:00+09:00"}]
    assert (tuesday["closed"], tuesday["mark"], tuesday["opensAt"], tuesday["shifts"]) == (True, "定休日", None, [])
    assert (new_year["closed"], new_year["mark"], new_year["note"]) == (True, "臨時休業", "元日")


async def test_a_customer_sees_hours_without_shifts(gql, given):
    await _salon(given)
    token = await given.customer_token(await given.customer())
    days = (await gql(CALENDAR, {"from": "2026-12-28", "to": "2026-12-28"}, token=token))["storeCalendar"]["days"]
    assert days[0]["opensAt"] == "2026-12-28T10:00:00+09:00" and days[0]["shifts"] == []


async def test_a_range_is_bounded_and_an_anonymous_caller_refused(gql, staff_token):
    too_long = await gql(CALENDAR, {"from": "2026-01-01", "to": "2026-12-31"}, token=staff_token, expect_errors=True)
    assert too_long["errors"][0]["message"] == "期間は92日以内にしてください。"
    reversed_ = await gql(CALENDAR, {"from": "2026-02-01", "to": "2026-01-01"}, token=staff_token, expect_errors=True)
    assert reversed_["errors"][0]["extensions"]["code"] == "INVALID"
    anonymous = await gql(CALENDAR, {"from": "2026-01-01", "to": "2026-01-02"}, expect_errors=True)
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
