"""Alembic builds exactly the schema the models describe, on SQLite and on PostgreSQL.

Each backend gets a database of its own (a temp SQLite file; a throwaway PostgreSQL
database on the TEST_DATABASE_URL server), so the shared test database is never touched.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import asyncpg
import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

import models
from models.base import UTCDateTime
from models.db import create_engine
from services.customer_stats.check import find_differences
from services.customer_fields.registry import FIELDS
from services.migrate import alembic_config, upgrade

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


def _server_dsn() -> str:
    """TEST_DATABASE_URL as a plain libpq DSN for asyncpg."""
    url = make_url(os.environ["TEST_DATABASE_URL"]).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


@pytest.fixture(params=BACKENDS)
async def empty_engine(request, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """An engine on a brand-new, empty database of the requested backend."""
    if request.param == "sqlite":
        engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'migrations.db'}", null_pool=True)
        yield engine
        await engine.dispose()
        return

    name = f"migrations_{uuid.uuid4().hex[:12]}"
    server = await asyncpg.connect(_server_dsn())
    try:
        await server.execute(f'CREATE DATABASE "{name}"')
        url = make_url(os.environ["TEST_DATABASE_URL"]).set(drivername="postgresql+asyncpg", database=name)
        engine = create_engine(url.render_as_string(hide_password=False), null_pool=True)
        try:
            yield engine
        finally:
            await engine.dispose()
    finally:
        await server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await server.close()


def _schema_diff(connection) -> list:
    """What `alembic revision --autogenerate` would write, with the options of migrations/env.py."""
    context = MigrationContext.configure(
        connection,
        opts={"target_metadata": models.Base.metadata, "compare_type": True, "render_as_batch": True},
    )
    return compare_metadata(context, models.Base.metadata)


def _current_heads(connection) -> tuple[str, ...]:
    return MigrationContext.configure(connection).get_current_heads()


def _user_tables(connection) -> set[str]:
    return set(inspect(connection).get_table_names()) - {"alembic_version"}


async def _downgrade_to_base(engine: AsyncEngine) -> None:
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))

    def _run(connection) -> None:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, "base")

    async with engine.begin() as conn:
        await conn.run_sync(_run)


async def _assert_matches_models(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        diff = await conn.run_sync(_schema_diff)
        heads = await conn.run_sync(_current_heads)
        tables = await conn.run_sync(_user_tables)
    assert diff == [], "migrations and models disagree (write a migration):\n" + "\n".join(map(str, diff))
    assert set(heads) == set(ScriptDirectory.from_config(alembic_config()).get_heads())
    assert tables == {t.name for t in models.Base.metadata.sorted_tables}


def test_migration_history_is_linear() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert len(script.get_heads()) == 1, f"several heads: {script.get_heads()} (merge them)"
    assert len(script.get_bases()) == 1


async def test_upgrade_builds_the_models_schema(empty_engine: AsyncEngine) -> None:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()

    assert await upgrade(empty_engine) == (None, head)

    await _assert_matches_models(empty_engine)
    assert await upgrade(empty_engine) == (head, head)  # a second run changes nothing


async def test_downgrade_to_base_and_upgrade_again(empty_engine: AsyncEngine) -> None:
    await upgrade(empty_engine)

    await _downgrade_to_base(empty_engine)

    async with empty_engine.connect() as conn:
        assert await conn.run_sync(_user_tables) == set()
        assert await conn.run_sync(_current_heads) == ()
        if empty_engine.dialect.name == "postgresql":
            leftovers = (await conn.execute(text(
                "SELECT typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
                "WHERE n.nspname = 'public' AND t.typtype = 'e'"))).scalars().all()
            assert leftovers == [], f"enum types survive the downgrade: {leftovers}"

    await upgrade(empty_engine)

    await _assert_matches_models(empty_engine)


# --------------------------------------------------------------------------- 0008: stored flags, clamped counts

#: The customers table as revision 0007 left it (the model has columns 0008 adds).
_CUSTOMERS_0007 = sa.table(
    "customers", sa.column("id", sa.Integer()), sa.column("customer_no", sa.String()),
    sa.column("last_name", sa.String()), sa.column("first_name", sa.String()), sa.column("name_key", sa.String()),
    sa.column("registered_at", UTCDateTime()), sa.column("pre_system_visit_count", sa.Integer()),
    sa.column("visit_count", sa.Integer()), sa.column("reservation_count", sa.Integer()),
    sa.column("first_visit_at", UTCDateTime()), sa.column("last_visit_at", UTCDateTime()),
)
_AT = datetime(2025, 4, 1, 1, tzinfo=timezone.utc)


def _customer_0007(id_: int, pre: int = 0, visits: int = 0, **figures) -> dict:
    return {"id": id_, "customer_no": f"{id_:06d}", "last_name": "山田", "first_name": f"{id_}号",
            "name_key": f"やまだ{id_}", "registered_at": _AT, "pre_system_visit_count": pre,
            "visit_count": pre + visits, "reservation_count": visits, "first_visit_at": None,
            "last_visit_at": None, **figures}


async def test_0008_stores_the_flags_and_clamps_huge_pre_system_visit_counts(empty_engine: AsyncEngine) -> None:
    """Customers written under 0007 get their flags from the entries, and a pre-system visit count
    above the registry's limit is clamped with visit_count lowered by as much: no figure disagrees."""
    limit = FIELDS["pre_system_visit_count"].max_value
    assert limit == 10000
    await upgrade(empty_engine, "0007")
    async with empty_engine.begin() as conn:
        await conn.execute(sa.insert(_CUSTOMERS_0007), [
            _customer_0007(1), _customer_0007(2), _customer_0007(3), _customer_0007(4),
            _customer_0007(5, pre=1_000_000, visits=1, first_visit_at=_AT, last_visit_at=_AT),
            _customer_0007(6, pre=limit), _customer_0007(7, pre=limit + 1),
        ])
        await conn.execute(sa.insert(models.Reservation.__table__).values(
            customer_id=5, start_at=_AT, end_at=_AT + timedelta(hours=1), channel=models.ReservationChannel.ADMIN,
            status=models.ReservationStatus.VISITED, visited_at=_AT))
        await conn.execute(sa.insert(models.Caution.__table__), [{"customer_id": 1, "memo": "遅刻"},
                                                                {"customer_id": 3, "memo": "遅刻"}])
        await conn.execute(sa.insert(models.BlacklistEntry.__table__), [{"customer_id": 2, "memo": "暴言"},
                                                                       {"customer_id": 3, "memo": "暴言"}])

    await upgrade(empty_engine)

    async with AsyncSession(empty_engine) as session:
        rows = {r.id: r for r in await session.execute(
            sa.select(models.Customer.id, models.Customer.is_caution, models.Customer.has_blacklist_entry,
                      models.Customer.pre_system_visit_count, models.Customer.visit_count))}
        assert {i: (r.is_caution, r.has_blacklist_entry) for i, r in rows.items()} == {
            1: (True, False), 2: (False, True), 3: (True, True), 4: (False, False),
            5: (False, False), 6: (False, False), 7: (False, False)}
        assert {i: (r.pre_system_visit_count, r.visit_count) for i, r in rows.items() if i >= 5} == {
            5: (limit, limit + 1), 6: (limit, limit), 7: (limit, limit)}
        assert await find_differences(session) == []


# --------------------------------------------------------------------------- 0009: has_blacklist_entry

async def test_0009_renames_the_own_entry_flag_and_keeps_it_both_ways(empty_engine: AsyncEngine) -> None:
    await upgrade(empty_engine, "0008")
    async with empty_engine.begin() as conn:
        await conn.execute(sa.insert(_CUSTOMERS_0007), [_customer_0007(1), _customer_0007(2)])
        await conn.execute(text("UPDATE customers SET is_blacklisted = :yes WHERE id = 2"), {"yes": True})

    await upgrade(empty_engine)
    async with empty_engine.connect() as conn:
        rows = (await conn.execute(text("SELECT id, has_blacklist_entry FROM customers ORDER BY id"))).all()
        assert [(i, bool(flag)) for i, flag in rows] == [(1, False), (2, True)]
        columns = await conn.run_sync(lambda c: [col["name"] for col in inspect(c).get_columns("customers")])
        assert "is_blacklisted" not in columns

    def _down(connection) -> None:
        cfg = alembic_config(empty_engine.url.render_as_string(hide_password=False))
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, "0008")

    async with empty_engine.begin() as conn:
        await conn.run_sync(_down)
    async with empty_engine.connect() as conn:
        rows = (await conn.execute(text("SELECT id, is_blacklisted FROM customers ORDER BY id"))).all()
        assert [(i, bool(flag)) for i, flag in rows] == [(1, False), (2, True)]


# --------------------------------------------------------------------------- rows that refer to a recreated table

async def test_an_upgrade_that_recreates_a_table_keeps_the_rows_referring_to_it(empty_engine: AsyncEngine) -> None:
    """0015 recreates ``reservations`` on SQLite (batch mode); with foreign keys enforced, dropping the
    old table would cascade to its menus, reports and ticket uses. The upgrade keeps every one."""
    await upgrade(empty_engine, "0014")
    async with empty_engine.begin() as conn:
        await conn.execute(sa.insert(_CUSTOMERS_0007), [_customer_0007(1)])
        await conn.execute(sa.insert(models.Menu.__table__).values(id=1, name="カット", price=5500,
                                                                   duration_minutes=60))
        await conn.execute(sa.insert(models.Reservation.__table__).values(
            id=1, customer_id=1, start_at=_AT, end_at=_AT + timedelta(hours=1),
            channel=models.ReservationChannel.ADMIN, status=models.ReservationStatus.VISITED, visited_at=_AT))
        await conn.execute(sa.insert(models.ReservationMenu.__table__).values(reservation_id=1, menu_id=1, price=5500))
        await conn.execute(sa.insert(models.SalesReport.__table__).values(reservation_id=1, customer_id=1,
                                                                          treatment="カット"))

    await upgrade(empty_engine)

    async with empty_engine.connect() as conn:
        counts = [(await conn.execute(sa.select(sa.func.count()).select_from(table))).scalar_one()
                  for table in (models.Reservation.__table__, models.ReservationMenu.__table__,
                                models.SalesReport.__table__)]
        assert counts == [1, 1, 1]
        if empty_engine.dialect.name == "sqlite":
            assert (await conn.exec_driver_sql("PRAGMA foreign_keys")).scalar_one() == 1
