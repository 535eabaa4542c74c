"""services.tickets: selling a ticket, changing its expiry (recorded), no refund, the holders' states."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import select

from models import AuditLog, StaffRole, TicketExpiryChange, TicketMenu, TicketPurchase, TicketUse
from services import tickets
from services.actor import Actor
from services.errors import DomainError, ErrorCode
from services.japan_time import JAPAN
from tests.factories import SYSTEM, add_customer, add_menu, add_reservation, count_rows

STAFF = Actor.staff(None, StaffRole.STAFF, "スタイリスト")  # type: ignore[arg-type]


async def _menu(db, **fields) -> TicketMenu:
    async with db.transaction() as session:
        menu = TicketMenu(**{"name": "カット回数券5回", "price": 22000, "validity_days": 180, "uses": 5, **fields})
        session.add(menu)
    return menu


async def _sell(db, customer_id, menu_id, on=None, actor=STAFF):
    async with db.transaction() as session:
        return await tickets.purchase_ticket(session, customer_id, menu_id, on, actor)


def _codes(error: DomainError) -> set[tuple[str | None, ErrorCode]]:
    return {(e.field, e.code) for e in error.errors}


async def test_a_sale_takes_uses_expiry_and_price_from_the_menu(db):
    customer = await add_customer(db)
    menu = await _menu(db)
    sold_on = tickets.today() - timedelta(days=3)
    purchase = await _sell(db, customer.id, menu.id, sold_on)
    assert (purchase.total_uses, purchase.used_count, purchase.price_paid) == (5, 0, 22000)
    assert purchase.expires_on == sold_on + timedelta(days=179)  # 180 days counting the day of purchase
    async with db.transaction() as session:  # a later price change does not touch what was sold
        (await session.get(TicketMenu, menu.id)).price = 25000
    async with db.sessionmaker() as session:
        assert (await session.get(TicketPurchase, purchase.id)).price_paid == 22000
        log = await session.scalar(select(AuditLog).where(AuditLog.entity == "ticket_purchase"))
    assert log.action == "create" and log.changes["price_paid"] == [None, 22000]


async def test_a_bad_sale_says_every_problem_and_writes_nothing(db):
    menu = await _menu(db, active=False)
    with pytest.raises(DomainError) as refused:
        await _sell(db, 999_999, menu.id, tickets.today() + timedelta(days=1))
    assert _codes(refused.value) == {("purchased_on", ErrorCode.INVALID_DATE), ("customer_id", ErrorCode.NOT_FOUND),
                                     ("ticket_menu_id", ErrorCode.INVALID)}
    assert "販売を終了しています" in str(refused.value.errors[-1].message)
    assert await count_rows(db, TicketPurchase) == 0


async def test_a_customer_cannot_sell_themselves_a_ticket(db):
    customer = await add_customer(db)
    menu = await _menu(db)
    with pytest.raises(DomainError) as refused:
        await _sell(db, customer.id, menu.id, actor=Actor.customer(customer.id))
    assert refused.value.errors[0].code is ErrorCode.PERMISSION_DENIED
    assert await count_rows(db, TicketPurchase) == 0


async def _booked_with(db, customer, purchase, days_ahead: int):
    cut = await add_menu(db, f"カット{days_ahead}")
    start = datetime.combine(tickets.today() + timedelta(days=days_ahead), time(11), JAPAN)
    reservation = await add_reservation(db, customer, start, [cut])
    async with db.transaction() as session:
        session.add(TicketUse(purchase_id=purchase.id, reservation_id=reservation.id, uses=1))
    return start.date()


async def test_the_expiry_change_is_recorded_and_never_before_a_booked_day(db):
    customer = await add_customer(db)
    menu = await _menu(db, validity_days=30)
    purchase = await _sell(db, customer.id, menu.id)
    booked = await _booked_with(db, customer, purchase, days_ahead=20)
    async with db.transaction() as session:
        with pytest.raises(DomainError) as refused:
            await tickets.change_ticket_expiry(session, purchase.id, booked - timedelta(days=1), "短縮", STAFF)
    assert _codes(refused.value) == {("expires_on", ErrorCode.TICKET_BOOKED_AFTER)}
    assert f"{booked.month}月{booked.day}日にこの回数券で予約がある" in refused.value.errors[0].message
    old = purchase.expires_on
    async with db.transaction() as session:
        changed = await tickets.change_ticket_expiry(session, purchase.id, old + timedelta(days=30), " 延長のご依頼 ",
                                                     STAFF)
    assert changed.expires_on == old + timedelta(days=30)
    async with db.sessionmaker() as session:
        change = await session.scalar(select(TicketExpiryChange))
        log = await session.scalar(select(AuditLog).where(AuditLog.action == "change_expiry"))
    assert (change.old_expires_on, change.new_expires_on, change.reason) == (old, old + timedelta(days=30), "延長のご依頼")
    assert log.changes["expires_on"] == [old.isoformat(), (old + timedelta(days=30)).isoformat()]


@pytest.mark.parametrize(("shift", "code"), [(0, ErrorCode.INVALID), (-1, ErrorCode.INVALID_DATE),
                                             (366 * 10 + 1, ErrorCode.INVALID_DATE)])
async def test_an_impossible_expiry_is_refused(db, shift, code):
    customer = await add_customer(db)
    purchase = await _sell(db, customer.id, (await _menu(db, validity_days=1)).id)
    day = purchase.purchased_on + timedelta(days=shift)
    async with db.transaction() as session:
        with pytest.raises(DomainError) as refused:
            await tickets.change_ticket_expiry(session, purchase.id, day, None, STAFF)
    assert refused.value.errors[0].code is code
    assert await count_rows(db, TicketExpiryChange) == 0


async def test_no_refund_a_used_purchase_cannot_be_deleted(db):
    customer = await add_customer(db)
    menu = await _menu(db)
    used = await _sell(db, customer.id, menu.id)
    await _booked_with(db, customer, used, days_ahead=3)
    unused = await _sell(db, customer.id, menu.id)
    async with db.transaction() as session:
        with pytest.raises(DomainError) as refused:
            await tickets.delete_purchase(session, used.id, SYSTEM)
    assert refused.value.errors[0].code is ErrorCode.NO_REFUND
    async with db.transaction() as session:
        with pytest.raises(DomainError) as not_manager:
            await tickets.delete_purchase(session, unused.id, STAFF)
    assert not_manager.value.errors[0].code is ErrorCode.PERMISSION_DENIED
    async with db.transaction() as session:
        await tickets.delete_purchase(session, unused.id, SYSTEM)
    assert await count_rows(db, TicketPurchase) == 1


async def test_each_purchase_is_in_exactly_one_state(db):
    customer = await add_customer(db)
    menu = await _menu(db, validity_days=10, uses=2)
    day = tickets.today()
    active = await _sell(db, customer.id, menu.id, day)
    expired = await _sell(db, customer.id, menu.id, day - timedelta(days=20))
    used_up = await _sell(db, customer.id, menu.id, day)
    async with db.transaction() as session:
        (await session.get(TicketPurchase, used_up.id)).used_count = 2
    async with db.sessionmaker() as session:
        def ids(clause):
            return session.scalars(select(TicketPurchase.id).where(clause).order_by(TicketPurchase.id))
        assert list(await ids(tickets.state_clause(tickets.TicketState.ACTIVE, day))) == [active.id]
        assert list(await ids(tickets.state_clause(tickets.TicketState.EXPIRED, day))) == [expired.id]
        assert list(await ids(tickets.state_clause(tickets.TicketState.USED_UP, day))) == [used_up.id]
        assert list(await ids(tickets.expiring_clause(day, day + timedelta(days=9)))) == [active.id]
        assert list(await ids(tickets.expiring_clause(day, day + timedelta(days=8)))) == []
