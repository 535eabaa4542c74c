"""予約表: one column per stylist, the day's reservations by time, ❗ on caution customers."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest

from admin.display import JST
from admin.day_sheet import parse_day
from models import (
    BlacklistEntry,
    Caution,
    Menu,
    Reservation,
    ReservationChannel,
    ReservationMenu,
    ReservationStatus,
    StaffMember,
)
from services import customers as customer_service
from services.actor import Actor
from services.customer_stats import refresh_customer_flags

DAY = date(2026, 4, 1)


def at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=JST)


@pytest.fixture
async def sheet(db):
    async with db.transaction() as s:
        menu = Menu(name="カット", price=5500)
        takahashi = StaffMember(name="高橋", display_order=1)
        sato = StaffMember(name="佐藤", display_order=2)
        gone = StaffMember(name="退職者", active=False, display_order=3)
        s.add_all([menu, takahashi, sato, gone])
        await s.flush()
        hanako = await customer_service.create_customer(s, {
            "last_name": "山田", "first_name": "花子", "last_name_kana": "ヤマダ", "first_name_kana": "ハナコ",
            "phone": "09012345678", "email": "hanako@example.jp"}, Actor.system())
        ichiro = await customer_service.create_customer(s, {
            "last_name": "鈴木", "first_name": "一郎", "last_name_kana": "スズキ", "first_name_kana": "イチロウ",
            "phone": "09011112222", "email": "ichiro@example.jp"}, Actor.system())
        s.add_all([Caution(customer_id=hanako.id, memo="遅刻が多い"),
                   BlacklistEntry(customer_id=ichiro.id, memo="無断キャンセル")])
        await refresh_customer_flags(s, [hanako.id, ichiro.id])  # stored flags, as their writer keeps them

        def booking(customer, staff, start, status=ReservationStatus.BOOKED, **kw):
            return Reservation(customer_id=customer.id if customer else None, staff_member_id=staff.id if staff else None,
                               start_at=start, end_at=start + timedelta(hours=1), channel=ReservationChannel.ADMIN,
                               status=status, items=[ReservationMenu(menu_id=menu.id, price=5500)], **kw)

        s.add_all([
            booking(hanako, takahashi, at(14)),
            booking(ichiro, takahashi, at(10, 30)),
            booking(None, None, at(11), guest_name="飛び込み客"),
            booking(hanako, sato, at(16), status=ReservationStatus.CANCELLED),
            booking(hanako, sato, at(10, day=DAY + timedelta(days=1))),
            booking(None, None, at(0, 30), guest_name="深夜"),  # 00:30 in Japan is the previous UTC day
        ])
    return {"hanako": hanako}


def columns(html: str) -> dict[str, list[str]]:
    found = {}
    for section in re.findall(r'<section class="day-sheet-column">(.*?)</section>', html, re.S):
        title = re.search(r'<h4 class="day-sheet-staff">([^<]*)<', section).group(1).strip()
        found[title] = re.findall(r'<div class="day-sheet-time">([^<]*)</div>', section)
    return found


async def test_one_column_per_stylist_cards_by_time_and_marks(staff, sheet):
    page = await staff.get("/admin/day-sheet", params={"date": "2026-04-01"})
    assert page.status_code == 200
    assert "予約表 2026年04月01日（水）" in page.text
    assert columns(page.text) == {"高橋": ["10:30〜11:30", "14:00〜15:00"], "佐藤": [],
                                  "担当なし": ["00:30〜01:30", "11:00〜12:00"]}
    assert re.search(r'<span class="text-danger" title="遅刻が多い">❗</span> 山田 花子 様', page.text)
    assert "飛び込み客（非会員）" in page.text
    assert '<span class="text-danger" title="ブラックリスト">⛔</span>' in page.text
    page = await staff.get("/admin/day-sheet", params={"date": "2026-04-01", "cancelled": "1"})
    assert columns(page.text)["佐藤"] == ["16:00〜17:00"]
    assert "is-cancelled" in page.text


@pytest.mark.parametrize(("text", "expected", "message"), [
    ("2026-04-01", DAY, None),
    ("", date(2026, 1, 2), None),
    ("2026/04/01", date(2026, 1, 2), "日付の形式が正しくありません（例: 2026-04-01）。今日の予約表を表示しています。"),
    ("1999-12-31", date(2026, 1, 2), "2000年から2100年までの日付を指定してください。今日の予約表を表示しています。"),
    ("x" * 10_000, date(2026, 1, 2), "日付の形式が正しくありません（例: 2026-04-01）。今日の予約表を表示しています。"),
])
def test_parse_day(text, expected, message):
    assert parse_day(text, date(2026, 1, 2)) == (expected, message)


async def test_a_bad_date_shows_today_with_a_message(staff, sheet):
    page = await staff.get("/admin/day-sheet", params={"date": "昨日"})
    assert page.status_code == 200
    assert "日付の形式が正しくありません" in page.text


async def test_logged_out_users_are_sent_to_login(browser):
    response = await browser.get("/admin/day-sheet")
    assert response.status_code in (302, 303)
    assert "/admin/login" in response.headers["location"]
