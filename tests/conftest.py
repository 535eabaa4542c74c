"""Test fixtures: every database test runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL.

Each backend's schema is built once with Alembic (as in production); every test
starts from empty tables.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from argon2 import PasswordHasher
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

import models
from models import StaffRole
from models.db import Database
from services import auth
from services.actor import Actor
from services.migrate import upgrade

#: argon2 at its lowest cost: a hash in well under a millisecond instead of ~0.2 s of CPU.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
CHEAP_DUMMY_HASH = CHEAP_HASHER.hash("not a password of anyone")

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


def _url(backend: str, tmp: Path) -> str:
    if backend == "sqlite":
        return f"sqlite+aiosqlite:///{tmp / 'test.db'}"
    url = os.environ["TEST_DATABASE_URL"]
    if url.startswith("postgresql://"):
        url = url.replace("postgresql://", "postgresql+asyncpg://", 1)
    return url


async def _reset_schema(db: Database) -> None:
    async with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    await upgrade(db.engine)


def pytest_configure(config) -> None:
    config.addinivalue_line(
        "markers", "real_password_hashing: keep argon2's production cost (tests about hashing itself)")


@pytest.fixture(autouse=True)
def cheap_password_hashing(request, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test not about hashing hashes cheaply: at production cost the admin and login tests
    spent most of their time in argon2. Mark a test ``real_password_hashing`` to keep the real cost."""
    if request.node.get_closest_marker("real_password_hashing"):
        return
    monkeypatch.setattr(auth, "_hasher", CHEAP_HASHER)
    monkeypatch.setattr(auth, "_DUMMY_HASH", CHEAP_DUMMY_HASH, raising=False)


@pytest.fixture(scope="session", params=BACKENDS)
async def database(request, tmp_path_factory) -> AsyncIterator[Database]:
    url = _url(request.param, tmp_path_factory.mktemp(request.param))
    db = Database(url)
    await _reset_schema(db)
    yield db
    await db.dispose()


async def truncate_all(db: Database) -> None:
    tables = [t.name for t in models.Base.metadata.sorted_tables] + ["alembic_version"]
    async with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            names = ", ".join(t for t in tables if t != "alembic_version")
            await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for name in reversed([t for t in tables if t != "alembic_version"]):
                await conn.execute(text(f"DELETE FROM {name}"))


@pytest.fixture
async def db(database: Database) -> AsyncIterator[Database]:
    """An empty database (all tables truncated after the test)."""
    yield database
    await truncate_all(database)


@pytest.fixture
async def session(db: Database) -> AsyncIterator[AsyncSession]:
    """A session for service tests; the test commits what it wants to persist.

    Its transactions are write transactions (BEGIN IMMEDIATE on SQLite), as the doors open
    them for services: ``services.locking`` refuses to lock customers in any other."""
    async with db.write_sessionmaker() as s:
        yield s


@pytest.fixture
def system_actor() -> Actor:
    return Actor.system("test")


@pytest.fixture
async def app(db: Database):
    from server import create_app

    return create_app(database=db, run_migrations=False)


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


async def _account_token(db: Database, login_id: str, role: StaffRole) -> str:
    async with db.transaction() as s:
        account = await auth.create_staff_account(
            s, login_id=login_id, password="password-123", display_name=login_id, role=role)
        token, _ = await auth.issue_staff_token(s, account)
    return token


@pytest.fixture
async def manager_token(db: Database) -> str:
    return await _account_token(db, "manager", StaffRole.MANAGER)


@pytest.fixture
async def staff_token(db: Database) -> str:
    return await _account_token(db, "staff", StaffRole.STAFF)


@pytest.fixture
async def site_secret(db: Database) -> str:
    """A live site credential of the reservation site's server (サイト連携キー)."""
    from services import api_clients

    async with db.transaction() as s:
        _client, secret = await api_clients.create_api_client(s, "予約サイト", Actor.system("test"))
    return secret


class GraphQLClient:
    """Posts GraphQL documents over HTTP, as a frontend would."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def __call__(self, query: str, variables: dict | None = None, *, token: str | None = None,
                       site: str | None = None, expect_errors: bool = False) -> dict:
        """``token``: a bearer token; ``site``: a site credential's secret (サイト連携キー)."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if site:
            headers = {"Authorization": f"ApiClient {site}"}
        response = await self.client.post("/graphql", json={"query": query, "variables": variables or {}},
                                          headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        if not expect_errors:
            assert not body.get("errors"), body["errors"]
        return body if expect_errors else body["data"]


@pytest.fixture
def gql(client: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(client)


class ThrottleClock:
    """The login throttle's clock, moved by tests instead of waiting minutes."""

    def __init__(self) -> None:
        from datetime import UTC, datetime

        self.at = datetime.now(UTC)

    def advance(self, delta) -> None:
        self.at += delta


@pytest.fixture
def clock(monkeypatch) -> ThrottleClock:
    from services import login_throttle

    clock = ThrottleClock()
    monkeypatch.setattr(login_throttle, "now", lambda: clock.at)
    return clock
