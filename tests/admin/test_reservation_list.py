"""The reservation list in the admin: ❗ on caution customers, filters by day, status, stylist and channel."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from admin.base import JST
from models import (
    BlacklistEntry,
    Caution,
    CancelKind,
    Menu,
    Reservation,
    ReservationChannel,
    ReservationMenu,
    ReservationStatus,
    StaffMember,
)
from services import customers as customer_service
from services.actor import Actor

TOMORROW = (datetime.now(JST) + timedelta(days=1)).date()


def person(n: int, last: str, kana: str) -> dict:
    return {"last_name": last, "first_name": "花子", "last_name_kana": kana, "first_name_kana": "ハナコ",
            "phone": f"0901234{n:04d}", "email": f"p{n}@example.jp"}


@pytest.fixture
async def salon(db):
    async with db.transaction() as s:
        cut = Menu(name="カット", price=5500, duration_minutes=60)
        color = Menu(name="カラー", price=8000, duration_minutes=90)
        takahashi = StaffMember(name="高橋", display_order=1)
        sato = StaffMember(name="佐藤", display_order=2)
        s.add_all([cut, color, takahashi, sato])
        await s.flush()
        system = Actor.system()
        caution = await customer_service.create_customer(s, person(1, "山田", "ヤマダ"), system)
        listed = await customer_service.create_customer(s, person(2, "黒田", "クロダ"), system)
        plain = await customer_service.create_customer(s, person(3, "青木", "アオキ"), system)
        s.add_all([Caution(customer_id=caution.id, memo="遅刻が多い"),
                   BlacklistEntry(customer_id=listed.id, memo="無断キャンセル3回")])
        start = datetime.combine(TOMORROW, datetime.min.time(), JST) + timedelta(hours=10)
        booked = Reservation(customer_id=caution.id, staff_member_id=takahashi.id, start_at=start,
                             end_at=start + timedelta(hours=1), channel=ReservationChannel.PHONE,
                             status=ReservationStatus.BOOKED, items=[ReservationMenu(menu_id=cut.id, price=5500)])
        owing = Reservation(customer_id=plain.id, staff_member_id=sato.id, start_at=start - timedelta(days=3),
                            end_at=start - timedelta(days=3, hours=-1), channel=ReservationChannel.SITE,
                            status=ReservationStatus.CANCEL_FEE_UNPAID, cancel_kind=CancelKind.LATE,
                            is_late_cancel=True, cancel_fee_yen=2750,
                            cancelled_at=start - timedelta(days=4),
                            items=[ReservationMenu(menu_id=cut.id, price=5500)])
        s.add_all([booked, owing])
    return {"cut": cut, "color": color, "takahashi": takahashi, "sato": sato, "caution": caution,
            "listed": listed, "plain": plain, "booked": booked, "owing": owing}


async def _count(db, model, *where) -> int:
    async with db.sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(model).where(*where))


def _rows(html: str) -> int:
    return len(re.findall(r"<tr[^>]*>\s*<td", html.split("<tbody>", 1)[-1]))


async def test_list_filters_and_caution_mark(staff, salon):
    page = await staff.get("/admin/reservation/list")
    assert page.status_code == 200
    assert "Reservation" not in page.text  # the view is called 予約 everywhere
    assert re.search(r'<span class="text-danger" title="遅刻が多い">❗</span> ' + salon["caution"].customer_no, page.text)
    for params, expected in [
        ({"date": TOMORROW.isoformat()}, 1), ({"date": (TOMORROW - timedelta(days=3)).isoformat()}, 1),
        ({"date": "2001-01-01"}, 0), ({"status": "CANCEL_FEE_UNPAID"}, 1), ({"staff": str(salon["takahashi"].id)}, 1),
        ({"channel": "SITE"}, 1), ({"channel": "PHONE", "staff": str(salon["sato"].id)}, 0),
    ]:
        page = await staff.get("/admin/reservation/list", params=params)
        assert page.status_code == 200, params
        assert _rows(page.text) == expected, params


@pytest.mark.parametrize("params", [{"date": "昨日"}, {"status": "NOPE"}, {"staff": "x" * 500},
                                    {"channel": "'; DROP"}, {"staff": "99999999999999999999999"}])
async def test_bad_filter_values_never_fail(staff, salon, params):
    page = await staff.get("/admin/reservation/list", params=params)
    assert page.status_code == 200
    assert _rows(page.text) == 2
    if "date" in params:
        assert "日付の形式が正しくありません" in page.text
