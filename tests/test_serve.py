"""How the app is served: worker processes per database, access log off by default, and the fixed
costs kept out of every request (the collector after start-up, dataloaders nobody uses)."""

from __future__ import annotations

import gc
import os

from strawberry.dataloader import DataLoader

from resolvers.runtime.loaders import Loaders
from resolvers.runtime.reads import RequestReads

from server import worker_count
from services.config import Settings

PG = "postgresql+asyncpg://salon@127.0.0.1/salon"


def test_postgresql_gets_one_worker_per_core_by_default():
    assert worker_count(Settings(database_url=PG, web_concurrency=0)) == (os.cpu_count() or 1)


def test_web_concurrency_or_the_flag_choose_the_number_of_workers():
    assert worker_count(Settings(database_url=PG, web_concurrency=3)) == 3
    assert worker_count(Settings(database_url=PG, web_concurrency=3), requested=2) == 2


def test_sqlite_always_runs_one_process(tmp_path):
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'x.db'}", web_concurrency=4)

    assert worker_count(settings) == 1
    assert worker_count(settings, requested=4) == 1


def test_the_access_log_is_off_unless_asked_for(monkeypatch):
    monkeypatch.delenv("ACCESS_LOG", raising=False)
    assert Settings(_env_file=None).access_log is False
    monkeypatch.setenv("ACCESS_LOG", "true")
    assert Settings(_env_file=None).access_log is True


async def test_start_up_moves_what_it_built_out_of_the_collectors_sight(db):
    from server import create_app

    app = create_app(database=db, run_migrations=False)
    gc.unfreeze()
    try:
        async with app.router.lifespan_context(app):
            assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()


def test_dataloaders_are_made_on_first_use_only(db):
    loaders = Loaders(RequestReads(db))

    assert not any(isinstance(value, DataLoader) for value in vars(loaders).values())
    assert loaders.menu is loaders.menu
    assert [name for name, value in vars(loaders).items() if isinstance(value, DataLoader)] == ["menu"]
