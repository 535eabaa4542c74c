"""The reservation list in the admin: ❗ on caution customers, filters by day, status, stylist and channel."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from models import Menu, ReservationMenu
from tests.admin.reservation_salon import TOMORROW, build_salon


@pytest.fixture
async def salon(db):
    return await build_salon(db)


def _rows(html: str) -> int:
    """Rows of reservations (not the row saying the list is empty)."""
    return len(re.findall(r"<tr(?! class=\"list-empty\")[^>]*>\s*<td", html.split("<tbody>", 1)[-1]))


async def test_list_filters_and_caution_mark(staff, salon):
    page = await staff.get("/admin/reservation/list", params={"date": TOMORROW.isoformat()})
    assert page.status_code == 200
    assert "Reservation" not in page.text  # the view is called 予約 everywhere
    assert re.search(r'<span class="text-danger" title="遅刻が多い">❗</span> ' + salon["caution"].customer_no, page.text)
    for params, expected in [
        ({"date": TOMORROW.isoformat()}, 1), ({"date": (TOMORROW - timedelta(days=3)).isoformat()}, 1),
        ({"date": "2001-01-01"}, 0), ({"date": "__all", "status": "CANCEL_FEE_UNPAID"}, 1),
        ({"date": "__all", "staff": str(salon["takahashi"].id)}, 1), ({"date": "__all", "channel": "SITE"}, 1),
        ({"date": "__all", "channel": "PHONE", "staff": str(salon["sato"].id)}, 0), ({"date": "__all"}, 2),
    ]:
        page = await staff.get("/admin/reservation/list", params=params)
        assert page.status_code == 200, params
        assert _rows(page.text) == expected, params


async def test_the_list_opens_on_today(staff, salon, db):
    """Without a day the front desk sees today's bookings (not the newest far-future ones first)."""
    from datetime import datetime

    from admin.display import JST
    from models import Reservation, ReservationChannel, ReservationStatus

    today = datetime.now(JST).date()
    async with db.transaction() as session:
        at = datetime.now(JST).replace(hour=23, minute=0, second=0, microsecond=0)
        session.add(Reservation(customer_id=salon["plain"].id, start_at=at, end_at=at + timedelta(minutes=30),
                                channel=ReservationChannel.PHONE, status=ReservationStatus.BOOKED))
    page = await staff.get("/admin/reservation/list")
    assert _rows(page.text) == 1 and "青木 花子" in page.text
    assert f"現在の条件: {today:%Y/%m/%d}（" in page.text and "（今日）" in page.text
    assert "date=__all" in page.text  # 「すべての日」
    every = await staff.get("/admin/reservation/list", params={"date": "__all"})
    assert _rows(every.text) == 3 and "現在の条件: すべての日" in every.text


async def test_chosen_day_is_shown_as_the_admin_writes_dates(staff, salon):
    page = await staff.get("/admin/reservation/list", params={"date": "2026-12-06"})
    assert "現在の条件: 2026/12/06（日）" in page.text and "現在の条件: 2026-12-06" not in page.text
    assert 'value="2026-12-06"' in page.text  # the date box itself takes the ISO form


@pytest.mark.parametrize("params", [{"date": "昨日"}, {"status": "NOPE"}, {"staff": "x" * 500},
                                    {"channel": "'; DROP"}, {"staff": "99999999999999999999999"}])
async def test_bad_filter_values_never_fail(staff, salon, params):
    page = await staff.get("/admin/reservation/list", params={"date": "__all", **params})
    assert page.status_code == 200
    assert _rows(page.text) == 2
    if "date" in params:
        assert "日付の形式が正しくありません" in page.text


async def test_long_menu_names_are_cut_with_their_full_name_as_tooltip(staff, salon, db):
    long_name = "【期間限定】髪質改善トリートメント＋カット＋カラー（ロング・リタッチ込み）プレミアムコース"
    async with db.transaction() as session:
        menu = Menu(name=long_name, price=19800, duration_minutes=120)
        session.add(menu)
        await session.flush()
        session.add(ReservationMenu(reservation_id=salon["booked"].id, menu_id=menu.id, price=19800))
    page = await staff.get("/admin/reservation/list", params={"date": TOMORROW.isoformat()})
    assert page.status_code == 200
    assert (f'<span class="list-clip d-block text-truncate" title="{long_name}">{long_name}</span>'
            in page.text)
    header = page.text.split("<thead>")[1].split("</thead>")[0]
    # The channel gives way under 1400 px; the status never does.
    assert re.search(r'<th class="d-none d-xxl-table-cell">\s*予約経路', header)
    assert re.search(r'<th>\s*<a [^>]*>予約ステータス', header)
    assert '<span class="list-wrap">予約中来店前</span>' in page.text
    # Reservations are never deleted and have no bulk action: no row checkboxes, no 操作 menu.
    assert 'id="select-all"' not in page.text and "select-box" not in page.text


async def test_the_status_filter_offers_the_statuses_the_store_uses(staff, salon, db):
    """A salon without prepayment was offered 事前決済未払い and 事前決済支払い済み as filters."""
    from sqlalchemy import update

    from models import Reservation, ReservationStatus, StoreSetting
    from services.store import get_store_settings

    def offered(html: str) -> list[str]:
        return re.findall(r"status=([A-Z_]+)", html)

    async with db.transaction() as session:
        (await get_store_settings(session)).use_prepayment = False
    without = offered((await staff.get("/admin/reservation/list")).text)
    assert "BOOKED" in without and "CANCEL_FEE_UNPAID" in without
    assert not {"PREPAYMENT_UNPAID", "PREPAID", "STORE_CANCELLED_PREPAID"} & set(without)

    async with db.transaction() as session:  # an old prepaid booking the store cancelled keeps its status
        await session.execute(update(Reservation).where(Reservation.id == salon["booked"].id)
                               .values(status=ReservationStatus.STORE_CANCELLED_PREPAID))
    remaining = offered((await staff.get("/admin/reservation/list")).text)
    assert "STORE_CANCELLED_PREPAID" in remaining and "PREPAYMENT_UNPAID" not in remaining

    async with db.transaction() as session:
        await session.execute(update(StoreSetting).values(use_prepayment=True))
    assert set(offered((await staff.get("/admin/reservation/list")).text)) >= {s.name for s in ReservationStatus}
