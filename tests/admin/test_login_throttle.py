"""The admin login form slows down failures per client address and per ID, like the GraphQL door."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest

from models import StaffRole
from services.config import get_settings
from tests.admin.conftest import BASE_URL
from tests.admin.helpers import PASSWORD, AdminClient, create_account

CSRF = re.compile(r'(name="csrf_token" value|name="csrf-token" content)="[^"]+"')
WAIT = "ログインの失敗が続いたため、しばらくログインできません。1分ほど待ってからもう一度お試しください。"


def page(response: httpx.Response, login_id: str) -> str:
    """The page without what differs by design: the session's CSRF token and the echoed login ID."""
    return CSRF.sub("", response.text).replace(f'value="{login_id}"', "")


@pytest.fixture
async def from_address(app) -> AsyncIterator:
    clients: list[httpx.AsyncClient] = []

    async def make(address: str) -> AdminClient:
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(address, 50000)),
                                 base_url=BASE_URL)
        clients.append(http)
        return AdminClient(http)

    yield make
    for http in clients:
        await http.aclose()


async def test_failures_from_one_address_slow_that_address_down(from_address, db):
    await create_account(db, "yamada", StaffRole.STAFF)
    attacker = await from_address("203.0.113.7")
    for n in range(get_settings().login_free_failures_per_address):
        assert (await attacker.login(f"guess-{n}", "wrong")).status_code == 400

    refused = await attacker.login("yamada", PASSWORD)

    assert refused.status_code == 429
    assert WAIT in refused.text
    assert (await attacker.get("/admin/customer/list")).status_code == 302
    assert (await (await from_address("198.51.100.20")).login("yamada", PASSWORD)).status_code == 302


async def test_known_and_unknown_ids_get_the_same_answer(from_address, db):
    await create_account(db, "yamada", StaffRole.STAFF)
    known, unknown = await from_address("203.0.113.7"), await from_address("203.0.113.8")

    for _ in range(get_settings().login_free_failures_per_id + 2):
        a, b = await known.login("yamada", "wrong"), await unknown.login("nobody-here", "wrong")
        assert a.status_code == b.status_code
        assert page(a, "yamada") == page(b, "nobody-here")

    assert a.status_code == 429 and WAIT in a.text


async def test_an_attack_does_not_keep_the_owner_out_at_the_salon(from_address, db):
    await create_account(db, "yamada", StaffRole.STAFF)
    salon = await from_address("192.0.2.10")
    assert (await salon.login("yamada")).status_code == 302
    attacker = await from_address("203.0.113.7")
    for n in range(get_settings().login_free_failures_per_id + 3):
        await attacker.login("yamada", f"guess-{n}")

    assert (await salon.login("yamada")).status_code == 302
    assert (await attacker.login("yamada")).status_code == 429
