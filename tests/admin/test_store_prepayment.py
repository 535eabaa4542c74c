"""店舗設定: prepayment cannot be switched off while reservations sit in a prepayment-only status."""

from __future__ import annotations

from models import ReservationStatus, StoreSetting
from services import booking
from services.actor import Actor
from tests.booking_world import World

FORM = {"store_name": "サロン", "cancel_deadline_hours": "24", "cancel_fee_percent": "50",
        "cancel_fee_fixed_yen": "0", "placeholder_email_domain": "leporto.com", "customer_no_prefix": "",
        "customer_no_digits": "6", "customer_no_next": "1"}


async def test_prepayment_off_refused_with_how_many_then_allowed(manager, db):
    world = await World(db).build(use_prepayment=True)
    customer = await world.customer()
    r = await world.book(customer, Actor.customer(customer.id))
    assert r.status == ReservationStatus.PREPAYMENT_UNPAID
    refused = await manager.submit("/admin/store-setting/edit/1", FORM)  # use_prepayment unticked
    assert refused.status_code == 400 and "予約が1件あるため、事前決済機能をオフにできません。" in refused.text
    async with db.sessionmaker() as session:
        assert (await session.get(StoreSetting, 1)).use_prepayment is True
    await world.run(booking.cancel_by_customer, r.id, world.staff)
    ok = await manager.submit("/admin/store-setting/edit/1", FORM)
    assert ok.status_code == 302, ok.text
    async with db.sessionmaker() as session:
        assert (await session.get(StoreSetting, 1)).use_prepayment is False
