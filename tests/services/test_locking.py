"""services.locking: two writers of one customer's figures at once keep the figures right.

Each writer reads the customer, adds a visit and refreshes the figures in its own
transaction, the two interleaved as closely as the database allows. Without the lock,
PostgreSQL lets both count before either commits (both write 1 visit); SQLite refuses the
second writer's upgrade from read to write ("database is locked").
"""

from __future__ import annotations

import asyncio
from contextlib import suppress
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from models import Customer, Reservation, ReservationChannel, ReservationStatus
from services.customer_stats import refresh_customer_stats
from services.locking import NotAWriteTransaction, lock_customers
from tests.factories import add_customer

START = datetime(2026, 4, 1, 1, tzinfo=timezone.utc)
WRITERS = 3


async def _customer(db) -> int:
    return (await add_customer(db)).id


async def _rendezvous(arrived: list[asyncio.Event], me: int) -> None:
    """Wait (briefly) until every writer reached this point; a writer the database holds back
    (SQLite's single writer) does not arrive, hence the timeout."""
    arrived[me].set()
    with suppress(TimeoutError):
        await asyncio.wait_for(asyncio.gather(*(e.wait() for e in arrived)), 0.5)


async def _add_visit(db, customer_id: int, n: int, read: list[asyncio.Event],
                     inserted: list[asyncio.Event]) -> None:
    async with db.transaction() as session:
        await session.get(Customer, customer_id)
        await _rendezvous(read, n)
        start = START + timedelta(days=n)
        session.add(Reservation(customer_id=customer_id, start_at=start, end_at=start + timedelta(hours=1),
                                channel=ReservationChannel.ADMIN, status=ReservationStatus.VISITED))
        await session.flush()
        await _rendezvous(inserted, n)
        await refresh_customer_stats(session, [customer_id])


async def test_concurrent_writers_keep_the_figures_right(db):
    customer_id = await _customer(db)
    read = [asyncio.Event() for _ in range(WRITERS)]
    inserted = [asyncio.Event() for _ in range(WRITERS)]

    await asyncio.gather(*(_add_visit(db, customer_id, n, read, inserted) for n in range(WRITERS)))

    async with db.sessionmaker() as session:
        customer = await session.get(Customer, customer_id)
        visits = len((await session.scalars(select(Reservation.id))).all())
    assert visits == WRITERS
    assert (customer.visit_count, customer.reservation_count) == (WRITERS, WRITERS)
    assert customer.first_visit_at == START
    assert customer.last_visit_at == START + timedelta(days=WRITERS - 1)


async def test_locking_nothing_is_a_no_op(db):
    async with db.transaction(write=False) as session:
        await lock_customers(session, [])


async def test_a_read_transaction_cannot_lock_on_sqlite(db):
    customer_id = await _customer(db)
    async with db.transaction(write=False) as session:
        if db.engine.dialect.name != "sqlite":
            pytest.skip("PostgreSQL locks rows in any transaction")
        with pytest.raises(NotAWriteTransaction):
            await lock_customers(session, [customer_id])
