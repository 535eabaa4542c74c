"""Failed logins on the GraphQL door are slowed down per client address and per login ID, with the
same answer for known and unknown IDs, and without keeping the owner out beyond the documented delay."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest

from services import auth, login_throttle
from services.config import get_settings

LOGIN = """
mutation Login($input: LoginInput!) {
  login(input: $input) { token expiresAt account { loginId } errors { field code message } }
}
"""
PASSWORD = "password-123"  # of the "staff" account of the staff_token fixture


@pytest.fixture
async def from_address(app) -> AsyncIterator:
    """``await from_address("203.0.113.7")`` → a function posting a login from that client address."""
    clients: list[httpx.AsyncClient] = []

    async def make(address: str):
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(address, 50000)),
                                 base_url="http://testserver")
        clients.append(http)

        async def login(login_id: str, password: str) -> httpx.Response:
            return await http.post("/graphql", json={
                "query": LOGIN, "variables": {"input": {"loginId": login_id, "password": password}}})

        return login

    yield make
    for http in clients:
        await http.aclose()


def payload(response: httpx.Response) -> dict:
    assert response.status_code == 200, response.text
    return response.json()["data"]["login"]


def codes(response: httpx.Response) -> list[str]:
    return [e["code"] for e in payload(response)["errors"]]


def waiting_message(minutes: int) -> str:
    return (f"ログインの失敗が続いたため、しばらくログインできません。"
            f"{minutes}分ほど待ってからもう一度お試しください。")


async def test_failures_from_one_address_slow_that_address_down(from_address, staff_token):
    free = get_settings().login_free_failures_per_address
    attacker = await from_address("203.0.113.7")
    for n in range(free):  # a different ID each time: only the address counter fills up
        assert codes(await attacker(f"guess-{n}", "wrong")) == ["INVALID_CREDENTIALS"]

    refused = payload(await attacker("staff", PASSWORD))  # even the right password, unchecked

    assert refused["token"] is None and refused["account"] is None
    assert refused["errors"] == [{"field": None, "code": "TOO_MANY_REQUESTS", "message": waiting_message(1)}]
    colleague = await from_address("198.51.100.20")
    assert payload(await colleague("staff", PASSWORD))["token"]


async def test_a_refused_attempt_checks_no_password(from_address, staff_token, monkeypatch):
    attacker = await from_address("203.0.113.7")
    for _ in range(get_settings().login_free_failures_per_id):
        await attacker("staff", "wrong")
    checks: list[str] = []
    real = auth.verify_password
    monkeypatch.setattr(auth, "verify_password", lambda h, p: checks.append(p) or real(h, p))

    assert codes(await attacker("staff", "another-guess")) == ["TOO_MANY_REQUESTS"]
    assert checks == []


async def test_known_and_unknown_ids_get_the_same_answers(from_address, staff_token):
    limit = get_settings().login_free_failures_per_id
    known, unknown = await from_address("203.0.113.7"), await from_address("203.0.113.8")

    for _ in range(limit + 2):
        a, b = await known("staff", "wrong"), await unknown("nobody-here", "wrong")
        assert (a.status_code, a.json()) == (b.status_code, b.json())

    assert codes(a) == ["TOO_MANY_REQUESTS"]
    assert a.json()["data"]["login"] == {"token": None, "expiresAt": None, "account": None,
                                         "errors": [{"field": None, "code": "TOO_MANY_REQUESTS",
                                                     "message": waiting_message(1)}]}


async def test_spraying_one_id_from_many_addresses_is_slowed_down_too(from_address, staff_token):
    for n in range(get_settings().login_free_failures_per_id):
        assert codes(await (await from_address(f"203.0.113.{n + 1}"))("staff", "wrong")) == ["INVALID_CREDENTIALS"]

    newcomer = await from_address("203.0.113.99")

    assert codes(await newcomer("staff", "yet-another-guess")) == ["TOO_MANY_REQUESTS"]


async def test_the_delay_doubles_with_each_further_failure(from_address, staff_token, clock):
    settings = get_settings()
    free = settings.login_free_failures_per_id
    attacker = await from_address("203.0.113.7")
    for _ in range(free):
        await attacker("staff", "wrong")
    first = login_throttle.delay_after(free, free, settings)
    assert first == timedelta(seconds=settings.login_delay_seconds)

    clock.advance(first)
    assert codes(await attacker("staff", "wrong")) == ["INVALID_CREDENTIALS"]
    clock.advance(first)  # the second delay is twice the first: still waiting

    assert codes(await attacker("staff", "wrong")) == ["TOO_MANY_REQUESTS"]
    clock.advance(first)
    assert codes(await attacker("staff", "wrong")) == ["INVALID_CREDENTIALS"]


async def test_an_attack_does_not_keep_the_owner_out_beyond_the_documented_delay(from_address, staff_token, clock):
    settings = get_settings()
    attacker, owner_at_home = await from_address("203.0.113.7"), await from_address("198.51.100.20")
    attempts = settings.login_free_failures_per_id + 3
    answers = [codes(await attacker("staff", f"guess-{n}")) for n in range(attempts)]
    counted = answers.count(["INVALID_CREDENTIALS"])
    assert answers[counted:] == [["TOO_MANY_REQUESTS"]] * (attempts - counted)
    assert codes(await owner_at_home("staff", PASSWORD)) == ["TOO_MANY_REQUESTS"]

    clock.advance(login_throttle.delay_after(counted, settings.login_free_failures_per_id, settings))

    assert payload(await owner_at_home("staff", PASSWORD))["token"]


async def test_the_owner_logs_in_at_once_where_they_logged_in_before(from_address, staff_token):
    salon = await from_address("192.0.2.10")
    assert payload(await salon("staff", PASSWORD))["token"]
    attacker = await from_address("203.0.113.7")
    for n in range(get_settings().login_free_failures_per_id + 3):
        await attacker("staff", f"guess-{n}")

    assert payload(await salon("staff", PASSWORD))["token"]
    assert codes(await attacker("staff", PASSWORD)) == ["TOO_MANY_REQUESTS"]


async def test_counters_are_forgotten_after_a_quiet_hour(from_address, staff_token, clock):
    settings = get_settings()
    attacker = await from_address("203.0.113.7")
    for _ in range(settings.login_free_failures_per_id - 1):
        await attacker("staff", "wrong")

    clock.advance(timedelta(minutes=settings.login_failure_memory_minutes, seconds=1))

    for _ in range(settings.login_free_failures_per_id - 1):
        assert codes(await attacker("staff", "wrong")) == ["INVALID_CREDENTIALS"]
    assert payload(await attacker("staff", PASSWORD))["token"]


async def test_a_good_login_gives_its_attempt_back(from_address, staff_token):
    settings = get_settings()
    desk = await from_address("192.0.2.10")
    for _ in range(3):
        for _ in range(settings.login_free_failures_per_id - 1):
            assert codes(await desk("staff", "typo")) == ["INVALID_CREDENTIALS"]
        assert payload(await desk("staff", PASSWORD))["token"]  # the ID's counters start again
