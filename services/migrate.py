"""Run Alembic migrations from code (the CLI, the app's first start and the tests)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy.ext.asyncio import AsyncEngine

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

    async with engine.begin() as conn:
        return await conn.run_sync(_run)
