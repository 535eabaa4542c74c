"""Alembic builds exactly the schema the models describe, on SQLite and on PostgreSQL.

Each backend gets a database of its own (a temp SQLite file; a throwaway PostgreSQL
database on the TEST_DATABASE_URL server), so the shared test database is never touched.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

import models
from models.db import create_engine
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
