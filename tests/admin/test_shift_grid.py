"""出勤表: a manager fills in the weekly pattern and one week, copies the previous week; staff only look."""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import select

from models import BusinessHours, StaffShift, StaffShiftException
from services.calendar.shifts import week_cells
from tests.factories import add_staff_member, count_rows

WEEK = date(2026, 12, 14)  # a Monday


def _cells(staff_id: int, hours: list[tuple[str, str]]) -> dict[str, str]:
    form = {}
    for i, (start, end) in enumerate(hours):
        form[f"s-{staff_id}-{i}"], form[f"e-{staff_id}-{i}"] = start, end
    return form


async def _salon(db):
    async with db.transaction() as s:
        s.add_all([BusinessHours(weekday=d, opens_at=time(10), closes_at=time(19)) for d in (0, 2, 3, 4, 5, 6)]
                  + [BusinessHours(weekday=1)])
    return await add_staff_member(db, "田中")


async def _week(db, monday: date):
    async with db.sessionmaker() as s:
        _, cells = await week_cells(s, monday)
    return [c.hours for c in cells]


async def test_a_manager_sets_the_pattern_then_a_day_off_in_one_week(manager, db):
    tanaka = await _salon(db)
    week = [("10:00", "19:00"), ("", ""), ("10:00", "19:00"), ("10:00", "15:00"), ("", ""), ("09:00", "18:00"),
            ("10:00", "19:00")]
    saved = await manager.submit("/admin/shifts?mode=pattern", _cells(tanaka.id, week))
    assert saved.status_code == 303, saved.text
    assert await count_rows(db, StaffShift) == 5
    grid = await manager.get(f"/admin/shifts?week={WEEK.isoformat()}")
    assert "12/17（木）" in grid.text and 'value="15:00"' in grid.text
    off_on_wednesday = list(week)
    off_on_wednesday[2] = ("", "")
    saved = await manager.submit(f"/admin/shifts?week={WEEK.isoformat()}", _cells(tanaka.id, off_on_wednesday))
    assert saved.status_code == 303, saved.text
    async with db.sessionmaker() as s:
        rows = (await s.scalars(select(StaffShiftException))).all()
    assert [(r.day, r.starts_at) for r in rows] == [(date(2026, 12, 16), None)]  # only what differs
    assert (await _week(db, WEEK))[2] is None and (await _week(db, date(2026, 12, 21)))[2] == (time(10), time(19))


async def test_copy_from_the_previous_week(manager, db):
    tanaka = await _salon(db)
    odd = [("11:00", "16:00"), ("", ""), ("", ""), ("10:00", "19:00"), ("10:00", "19:00"), ("10:00", "19:00"),
           ("", "")]
    assert (await manager.submit(f"/admin/shifts?week={WEEK.isoformat()}", _cells(tanaka.id, odd))).status_code == 303
    copied = await manager.submit("/admin/shifts?week=2026-12-21", {"copy": "1"})
    assert copied.status_code == 303, copied.text
    assert await _week(db, date(2026, 12, 21)) == await _week(db, WEEK)
    assert (await _week(db, WEEK))[0] == (time(11), time(16))


async def test_bad_times_are_refused_in_japanese_and_nothing_is_written(manager, staff, db):
    tanaka = await _salon(db)
    for form, message in (({"s-%d-0" % tanaka.id: "19:00", "e-%d-0" % tanaka.id: "10:00"},
                           "田中さんの12月14日: 退勤は出勤より後にしてください。"),
                          ({"s-%d-0" % tanaka.id: "10:00", "e-%d-0" % tanaka.id: ""},
                           "出勤と退勤を両方入力してください"),
                          ({"s-%d-0" % tanaka.id: "25:99", "e-%d-0" % tanaka.id: "26:00"},
                           "時刻は「10:00」の形で入力してください。")):
        refused = await manager.submit(f"/admin/shifts?week={WEEK.isoformat()}", form)
        assert refused.status_code == 400 and message in refused.text
    assert await count_rows(db, StaffShiftException) == 0
    assert (await staff.get("/admin/shifts")).status_code == 200
    refused = await staff.submit("/admin/shifts?mode=pattern", _cells(tanaka.id, [("10:00", "19:00")] * 7))
    assert refused.status_code == 403 and await count_rows(db, StaffShift) == 0
