"""Reads run on the driver itself (models.driver_reads) give exactly what SQLAlchemy gives.

Every column of every table of a small demo salon (enums, UTC datetimes, dates, booleans,
JSON, numbers, texts) is read both ways and compared value for value, on each database.
"""

from __future__ import annotations

import io
from datetime import datetime, timezone

import pytest
from rich.console import Console
from sqlalchemy import bindparam, event, select

import models
from models import Customer, Reservation, ReservationStatus, driver_reads
from models.db import Database
from schema.loaders import MAX_PADDED, _keyed_by
from schema.reads import RequestReads
from schema.rows import column_keys
from services.demo import load_demo_salon

NOW = datetime(2026, 11, 24, 3, 0, tzinfo=timezone.utc)


@pytest.fixture
async def salon(db: Database) -> Database:
    await load_demo_salon(db, customers=40, seed=7, now=NOW, console=Console(file=io.StringIO()))
    return db


def _mapped_models() -> list[type]:
    return sorted({mapper.class_ for mapper in models.Base.registry.mappers}, key=lambda m: m.__name__)


async def _both_ways(db: Database, statement, parameters=None) -> tuple[list, list, int]:
    reads = RequestReads(db)
    try:
        fast = await reads.rows(statement, parameters)
        used = reads.driver_statements
    finally:
        await reads.close()
    async with db.read_engine.connect() as connection:
        slow = [tuple(row) for row in (await connection.execute(statement, parameters)).all()]
    return fast, slow, used


@pytest.mark.parametrize("model", _mapped_models(), ids=lambda m: m.__name__)
async def test_every_column_reads_the_same_on_the_driver(salon: Database, model: type) -> None:
    columns = [getattr(model, key) for key in column_keys(model)]
    statement = select(*columns).order_by(*model.__table__.primary_key.columns)
    fast, slow, used = await _both_ways(salon, statement)
    assert fast == slow
    assert [type(v) for row in fast for v in row] == [type(v) for row in slow for v in row]
    assert used == 1, "the statement ran on the driver"


async def test_the_demo_salon_has_rows_to_compare(salon: Database) -> None:
    statement = select(Reservation.start_at, Reservation.status, Customer.is_caution).join(Customer)
    fast, slow, _ = await _both_ways(salon, statement)
    assert len(fast) > 100 and fast == slow
    assert all(start.tzinfo is not None for start, _, _ in fast)


async def test_parameters_and_defaults_are_bound_through_their_types(salon: Database) -> None:
    cutoff = datetime(2026, 1, 1, tzinfo=timezone.utc)
    cutoff_parameter = bindparam("cutoff", type_=Reservation.start_at.type)
    statement = (select(Reservation.id).where(Reservation.start_at >= cutoff_parameter)
                 .where(Reservation.status != ReservationStatus.CANCELLED).order_by(Reservation.id))
    fast, slow, used = await _both_ways(salon, statement, {"cutoff": cutoff})
    assert fast == slow and fast and used == 1


async def test_a_missing_parameter_is_refused(salon: Database) -> None:
    reads = RequestReads(salon)
    try:
        with pytest.raises(KeyError, match="cutoff"):
            await reads.rows(select(Reservation.id).where(
                Reservation.start_at >= bindparam("cutoff", type_=Reservation.start_at.type)))
    finally:
        await reads.close()


@pytest.mark.parametrize("count", [1, 2, 3, 5, 17])
async def test_loader_batches_are_padded_to_a_power_of_two(salon: Database, count: int) -> None:
    async with salon.read_engine.connect() as connection:
        ids = list((await connection.execute(select(Customer.id).order_by(Customer.id).limit(count))).scalars())
    statement, parameters = _keyed_by(Customer, "id", ids, ("id", "last_name"))
    assert len(parameters) == 1 << (count - 1).bit_length()
    fast, slow, used = await _both_ways(salon, statement, parameters)
    assert sorted(fast) == sorted(slow) and sorted(row[0] for row in fast) == ids and used == 1


async def test_a_huge_batch_uses_one_expanding_in_through_sqlalchemy(salon: Database) -> None:
    ids = list(range(1, MAX_PADDED + 2))
    statement, parameters = _keyed_by(Customer, "id", ids, ("id",))
    assert driver_reads.plan(statement, salon.engine.sync_engine.dialect) is None
    fast, slow, used = await _both_ways(salon, statement, parameters)
    assert fast == slow and used == 0


async def test_statements_are_seen_by_engine_listeners(salon: Database) -> None:
    """While anything listens to the engine's statements, reads go SQLAlchemy's way: nothing unseen."""
    seen: list[str] = []

    def listener(conn, cursor, statement, parameters, context, executemany) -> None:
        seen.append(statement)

    statement = select(Customer.id).where(Customer.id == bindparam("id"))
    event.listen(salon.engine.sync_engine, "before_cursor_execute", listener)
    try:
        fast, slow, used = await _both_ways(salon, statement, {"id": 1})
    finally:
        event.remove(salon.engine.sync_engine, "before_cursor_execute", listener)
    assert used == 0 and len(seen) == 2 and fast == slow


async def test_a_broken_connection_is_discarded_not_put_back_in_the_pool(salon: Database) -> None:
    """A read on the driver that fails (here: every pooled connection closed underneath the pool, as
    when the database server restarts) discards its connection; the next reads get fresh ones.

    On a Database of its own, so that no other test draws the broken connections."""
    own = Database(salon.url)
    try:
        held = [await own.read_engine.connect() for _ in range(3)]
        for connection in held:
            await connection.sync_connection.connection.driver_connection.close()
        for connection in held:
            await connection.close()  # back in the pool, broken

        statement = select(Customer.id).where(Customer.id == bindparam("id"))
        outcomes = []
        for _ in range(6):
            reads = RequestReads(own)
            try:
                outcomes.append(await reads.rows(statement, {"id": 1}) is not None)
            except Exception:  # noqa: BLE001 - a broken connection: this read fails, the next gets another
                outcomes.append(False)
            finally:
                await reads.close()
        assert outcomes == [False, False, False, True, True, True]
    finally:
        await own.dispose()


async def test_an_orm_entity_statement_is_left_to_sqlalchemy(salon: Database) -> None:
    """``select(Model)`` is the ORM's to compile (deferred columns left out): no plan, same rows."""
    assert driver_reads.plan(select(Customer), salon.engine.sync_engine.dialect) is None
    statement = select(Customer.id, Customer.last_name).order_by(Customer.id)
    assert driver_reads.plan(statement, salon.engine.sync_engine.dialect) is not None
