"""予約表 and the calendar: 定休日 and special days marked, each stylist's hours or お休み, the working
stylists only unless asked for all, and a closed today opening on the next open day with a note."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from admin.display import JST
from models import BusinessHours, CalendarDayKind, CalendarException, StaffMember, StaffShift, StaffShiftException

MONDAY = date(2027, 1, 4)


async def _salon(db) -> None:
    async with db.transaction() as s:
        tanaka, sato = StaffMember(name="田中", display_order=1), StaffMember(name="佐藤", display_order=2)
        s.add_all([BusinessHours(weekday=d, opens_at=time(10), closes_at=time(19)) for d in (0, 2, 3, 4, 5, 6)]
                  + [BusinessHours(weekday=1), tanaka, sato,
                     CalendarException(day=date(2027, 1, 10), kind=CalendarDayKind.SPECIAL, opens_at=time(12),
                                       closes_at=time(17), note="成人式")])
        await s.flush()
        s.add_all([StaffShift(staff_member_id=tanaka.id, weekday=0, starts_at=time(10), ends_at=time(15)),
                   StaffShiftException(staff_member_id=sato.id, day=MONDAY)])


async def test_the_closed_day_is_marked(staff, db):
    await _salon(db)
    page = (await staff.get("/admin/day-sheet?date=2027-01-05")).text
    assert "定休日：この日は休業日です。" in page and "この日に出勤するスタッフはいません。" in page


async def test_a_special_day_and_each_stylists_hours(staff, db):
    await _salon(db)
    special = (await staff.get("/admin/day-sheet?date=2027-01-10")).text
    assert "特別営業 12:00〜17:00（成人式）" in special
    monday = (await staff.get(f"/admin/day-sheet?date={MONDAY.isoformat()}")).text
    assert "出勤 10:00〜15:00" in monday and "佐藤" not in monday.split('data-testid="day-sheet"')[1]
    everyone = (await staff.get(f"/admin/day-sheet?date={MONDAY.isoformat()}&all=1")).text
    assert "お休み" in everyone and "佐藤" in everyone.split('data-testid="day-sheet"')[1]


async def test_a_closed_today_opens_on_the_next_open_day(staff, db):
    today = datetime.now(JST).date()
    async with db.transaction() as s:
        s.add_all([BusinessHours(weekday=d, opens_at=time(10), closes_at=time(19)) for d in range(7)]
                  + [CalendarException(day=today, kind=CalendarDayKind.CLOSED, note="棚卸し")])
    page = (await staff.get("/admin/day-sheet")).text
    tomorrow = today + timedelta(days=1)
    assert f"本日（{today:%m月%d日}）は臨時休業です。次の営業日 {tomorrow:%m月%d日}" in page
