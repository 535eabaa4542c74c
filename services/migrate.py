"""Run Alembic migrations from code (the CLI, the app's first start and the tests)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from models.db import AUTOCOMMIT_OPTION

from services.config import ROOT


def alembic_config(url: str | None = None) -> Config:
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.attributes["configure_logger"] = False
    return cfg


def _current(connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def upgrade(engine: AsyncEngine, revision: str = "head") -> tuple[str | None, str | None]:
    """Upgrade the database behind ``engine`` to ``revision``; return (revision before, revision after)."""
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))

    def _run(connection) -> tuple[str | None, str | None]:
        before = _current(connection)
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)
        return before, _current(connection)

    if engine.dialect.name != "sqlite":
        async with engine.begin() as conn:
            return await conn.run_sync(_run)
    async with engine.connect() as conn:
        # SQLite alters a table by recreating it (batch mode): create a copy, drop the original,
        # rename. With foreign keys enforced, dropping the original cascades to the rows that refer
        # to it (a reservation's menus, reports, ticket uses). The switch only works outside a
        # transaction, so it is flipped around the migration's own transaction, and the result is
        # checked before anything else uses the connection.
        await _outside_transaction(conn, "PRAGMA foreign_keys=OFF")
        try:
            async with conn.begin():
                result = await conn.run_sync(_run)
                broken = (await conn.exec_driver_sql("PRAGMA foreign_key_check")).all()
                if broken:
                    raise RuntimeError(f"the migration left rows whose references are missing: {broken[:5]}")
        finally:
            await _outside_transaction(conn, "PRAGMA foreign_keys=ON")
        return result


async def _outside_transaction(conn: AsyncConnection, statement: str) -> None:
    """Run ``statement`` with no BEGIN around it (models.db's begin hook skips autocommit connections)."""
    await conn.execution_options(**{AUTOCOMMIT_OPTION: True})
    await conn.exec_driver_sql(statement)
    await conn.commit()
    await conn.execution_options(**{AUTOCOMMIT_OPTION: False})
