"""storeCalendar: the hours per day, closed days and dated exceptions; shifts for staff only."""

from __future__ import annotations

from datetime import date, time

from models import BusinessHours, CalendarDayKind, CalendarException, StaffShift
from tests.factories import count_rows

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


UPDATE = """mutation($input: UpdateStoreCalendarInput!) { updateStoreCalendar(input: $input) {
  slotMinutes bookingHorizonDays bookingNoticeMinutes holdMinutes errors { field code message } } }"""


async def test_a_manager_sets_the_calendar_through_graphql(gql, manager_token, staff_token, db):
    weekly = [{"weekday": d, "opensAt": "10:00", "closesAt": "19:00"} for d in (0, 2, 3, 4, 5, 6)] + [{"weekday": 1}]
    out = (await gql(UPDATE, {"input": {"slotMinutes": 15, "bookingHorizonDays": 90, "bookingNoticeMinutes": 60,
                                        "holdMinutes": 5, "weeklyHours": weekly}},
                     token=manager_token))["updateStoreCalendar"]
    assert out == {"slotMinutes": 15, "bookingHorizonDays": 90, "bookingNoticeMinutes": 60, "holdMinutes": 5,
                   "errors": []}
    found = (await gql(CALENDAR, {"from": "2026-12-28", "to": "2026-12-29"}, token=staff_token))["storeCalendar"]
    assert found["days"][1]["mark"] == "定休日" and found["days"][0]["opensAt"] == "2026-12-28T10:00:00+09:00"
    refused = (await gql(UPDATE, {"input": {"slotMinutes": 20}}, token=staff_token))["updateStoreCalendar"]
    assert refused["errors"][0]["code"] == "PERMISSION_DENIED"


async def test_bad_calendar_settings_are_all_reported_and_nothing_written(gql, manager_token, db):
    bad = {"slotMinutes": 20, "bookingHorizonDays": 400, "holdMinutes": 0,
           "weeklyHours": [{"weekday": 0, "opensAt": "19:00", "closesAt": "10:00"}, {"weekday": 2, "opensAt": "25:00",
                                                                                    "closesAt": "26:00"}]}
    out = (await gql(UPDATE, {"input": bad}, token=manager_token))["updateStoreCalendar"]
    assert [e["message"] for e in out["errors"]] == [
        "予約枠の間隔は10・15・30・60分から選んでください。", "予約受付期間は1〜366日で入力してください。",
        "仮押さえの時間は1〜60分で入力してください。",
        "月曜日: 開店と閉店を両方入力し、閉店は開店より後にしてください（定休日は両方空欄）。",
        "時刻は「10:00」の形（00:00〜23:59）で入力してください。",
        "時刻は「10:00」の形（00:00〜23:59）で入力してください。"]
    assert await count_rows(db, BusinessHours) == 0
