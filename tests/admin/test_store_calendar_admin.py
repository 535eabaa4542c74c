"""営業時間 and 臨時休業・特別営業 in the admin: managers set them, bad hours are refused in Japanese."""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import select

from models import BusinessHours, CalendarDayKind, CalendarException
from tests.factories import count_rows


async def test_a_manager_sets_hours_and_a_closed_weekday(manager, db):
    ok = await manager.submit("/admin/business-hours/create", {"weekday": "0", "opens_at": "10:00",
                                                              "closes_at": "19:00"})
    assert ok.status_code == 302, ok.text
    closed = await manager.submit("/admin/business-hours/create", {"weekday": "1", "opens_at": "", "closes_at": ""})
    assert closed.status_code == 302, closed.text
    listing = await manager.get("/admin/business-hours/list")
    assert "月曜日" in listing.text and "10:00〜19:00" in listing.text and "定休日" in listing.text
    async with db.sessionmaker() as s:
        monday = (await s.get(BusinessHours, 1))
        assert (monday.weekday, monday.opens_at, monday.closes_at) == (0, time(10), time(19))


async def test_bad_hours_are_refused_and_nothing_is_written(manager, db):
    backwards = await manager.submit("/admin/business-hours/create", {"weekday": "2", "opens_at": "19:00",
                                                                     "closes_at": "10:00"})
    assert backwards.status_code == 400 and "閉店は開店より後にしてください" in backwards.text
    await manager.submit("/admin/business-hours/create", {"weekday": "2", "opens_at": "10:00", "closes_at": "19:00"})
    twice = await manager.submit("/admin/business-hours/create", {"weekday": "2", "opens_at": "11:00",
                                                                 "closes_at": "19:00"})
    assert twice.status_code == 400 and "この曜日の営業時間は既に登録されています。" in twice.text
    special = await manager.submit("/admin/calendar-exception/create", {"day": "2027-01-02", "kind": "SPECIAL",
                                                                       "opens_at": "", "closes_at": "", "note": ""})
    assert special.status_code == 400 and "特別営業の日は開店と閉店の時刻を入力してください。" in special.text
    assert await count_rows(db, BusinessHours) == 1 and await count_rows(db, CalendarException) == 0


async def test_a_dated_closure_and_a_special_opening(manager, db):
    for form in ({"day": "2027-01-01", "kind": "CLOSED", "opens_at": "", "closes_at": "", "note": "元日"},
                 {"day": "2027-01-03", "kind": "SPECIAL", "opens_at": "12:00", "closes_at": "17:00", "note": "初売り"}):
        response = await manager.submit("/admin/calendar-exception/create", form)
        assert response.status_code == 302, response.text
    async with db.sessionmaker() as s:
        rows = {r.day: r for r in (await s.scalars(select(CalendarException))).all()}
    assert rows[date(2027, 1, 1)].kind == CalendarDayKind.CLOSED
    assert (rows[date(2027, 1, 3)].opens_at, rows[date(2027, 1, 3)].note) == (time(12), "初売り")


async def test_staff_cannot_change_the_calendar(staff):
    assert (await staff.get("/admin/business-hours/create")).status_code == 403
    assert (await staff.get("/admin/calendar-exception/create")).status_code == 403
    assert (await staff.get("/admin/business-hours/list")).status_code == 200
