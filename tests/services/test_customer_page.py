"""services.customer_page: what is upcoming (open and from today, Japan time) and what is history."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from services import booking
from services.customer_page import customer_page, start_of_today
from services.japan_time import JAPAN
from tests.factories import SYSTEM, add_customer, add_menu, add_reservation


def test_today_starts_at_midnight_in_japan():
    # 2026-12-07 15:30 UTC is 2026-12-08 00:30 in Japan: today is the 8th there.
    assert start_of_today(datetime(2026, 12, 7, 15, 30, tzinfo=timezone.utc)) == datetime(2026, 12, 8, tzinfo=JAPAN)


async def test_upcoming_are_open_reservations_from_today_and_the_rest_is_history(db):
    customer = await add_customer(db)
    cut = await add_menu(db, "カット", price=5500)
    start = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=2)
    kept = await add_reservation(db, customer, start, [cut])
    cancelled = await add_reservation(db, customer, start + timedelta(days=1), [cut])
    async with db.transaction() as session:
        await booking.cancel_by_store(session, cancelled.id, SYSTEM)
    async with db.sessionmaker() as session:
        page = await customer_page(session, customer.id)
        later = await customer_page(session, customer.id, now=start + timedelta(days=2))
    assert [line.id for line in page.upcoming] == [kept.id]
    assert page.upcoming[0].menus == ("カット",) and page.upcoming[0].price_yen == 5500
    assert [line.id for line in page.history] == [cancelled.id] and page.history_total == 1
    # Two days on, the kept booking (never closed) is history too, newest first.
    assert later.upcoming == [] and [line.id for line in later.history] == [cancelled.id, kept.id]
