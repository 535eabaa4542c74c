"""Fixtures for the admin tests: a logged-out browser and logged-in manager / staff sessions."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from models import StaffRole
from models.db import Database
from tests.admin.helpers import AdminClient, create_account

BASE_URL = "http://testserver"


@pytest.fixture
async def browser(app) -> AsyncIterator[AdminClient]:
    """A logged-out session."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL) as http:
        yield AdminClient(http)


async def _logged_in(app, db: Database, login_id: str, role: StaffRole) -> AsyncIterator[AdminClient]:
    await create_account(db, login_id, role)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL) as http:
        client = AdminClient(http)
        response = await client.login(login_id)
        assert response.status_code == 302, response.text
        yield client


@pytest.fixture
async def manager(app, db) -> AsyncIterator[AdminClient]:
    async for client in _logged_in(app, db, "tencho", StaffRole.MANAGER):
        yield client


@pytest.fixture
async def staff(app, db) -> AsyncIterator[AdminClient]:
    async for client in _logged_in(app, db, "stylist", StaffRole.STAFF):
        yield client
