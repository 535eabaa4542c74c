"""店舗設定: prepayment cannot be switched off while reservations sit in a prepayment-only status."""

from __future__ import annotations

from models import Reservation, ReservationStatus, StoreSetting
from services import booking
from services.actor import Actor
from tests.booking_world import World

FORM = {"store_name": "サロン", "cancel_deadline_hours": "24", "cancel_fee_percent": "50",
        "cancel_fee_fixed_yen": "0", "placeholder_email_domain": "leporto.com", "customer_no_prefix": "",
        "customer_no_digits": "6", "customer_no_next": "1", "slot_minutes": "30", "booking_horizon_days": "60",
        "booking_notice_minutes": "120", "hold_minutes": "10"}


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


STATUSES = "{ reservationStatuses { value label offered } }"


async def test_finished_prepayment_reservations_do_not_keep_prepayment_on(manager, db, gql):
    """A store-cancelled prepaid booking (final) and a prepaid one that was visited are history: the
    switch turns off, they keep their status, and reservationStatuses names the old status as not offered.
    A prepaid booking still to come blocks the switch, with the statuses named."""
    world = await World(db).build(use_prepayment=True)
    customer = await world.customer()
    cancelled = await world.book(customer, Actor.customer(customer.id), hours=100)
    await world.run(booking.cancel_by_store, cancelled.id, world.staff)
    prepaid = await world.book(customer, Actor.customer(customer.id), hours=200)
    await world.run(booking.record_prepayment, prepaid.id, world.staff)

    refused = await manager.submit("/admin/store-setting/edit/1", FORM)
    assert refused.status_code == 400
    assert ("事前決済未払い・事前決済支払い済み（来店前）の予約が1件あるため、事前決済機能をオフにできません。"
            in refused.text)
    async with db.sessionmaker() as session:
        assert (await session.get(StoreSetting, 1)).use_prepayment is True

    await world.run(booking.mark_visited, prepaid.id, world.staff)
    ok = await manager.submit("/admin/store-setting/edit/1", FORM)
    assert ok.status_code == 302, ok.text
    async with db.sessionmaker() as session:
        assert (await session.get(StoreSetting, 1)).use_prepayment is False
        kept = await session.get(Reservation, cancelled.id)
        assert kept.status == ReservationStatus.STORE_CANCELLED_PREPAID
    statuses = (await gql(STATUSES))["reservationStatuses"]
    assert [(s["label"], s["offered"]) for s in statuses] == [
        ("仮予約中", True), ("予約中来店前", True), ("来店済み", True), ("キャンセル料未払い", True),
        ("キャンセル", True), ("事前決済店舗都合キャンセル", False)]
    shown = await manager.get(f"/admin/reservation/details/{cancelled.id}")
    assert "事前決済店舗都合キャンセル" in shown.text
