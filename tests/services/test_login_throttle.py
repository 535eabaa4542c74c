"""The login throttle's rules: keys, delays, and counting that concurrent guesses cannot slip past."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select

from models import LoginThrottle
from services import login_throttle
from services.config import Settings, get_settings
from services.errors import DomainError, ErrorCode


@pytest.mark.parametrize(("address", "counted_as"), [
    ("203.0.113.7", "203.0.113.7"),
    ("::ffff:203.0.113.7", "203.0.113.7"),
    ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
    ("2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"),  # one host holds a whole /64
    (None, "unknown"),
    ("", "unknown"),
    ("not-an-ip" * 20, ("not-an-ip" * 20)[:64]),
])
def test_addresses_are_counted_by_host(address, counted_as):
    assert login_throttle.normalize_address(address) == counted_as


def test_login_ids_are_stored_only_hashed():
    keys = login_throttle.AttemptKeys.of("yamada", "203.0.113.7")
    assert "yamada" not in keys.by_id + keys.by_pair
    assert keys.by_id != login_throttle.AttemptKeys.of("Yamada", "203.0.113.7").by_id


@pytest.mark.parametrize(("failures", "seconds"), [
    (4, None), (5, 60), (6, 120), (7, 240), (8, 480), (9, 900), (10, 900), (500, 900)])
def test_the_delay_doubles_up_to_the_longest(failures, seconds):
    settings = Settings(login_delay_seconds=60, login_max_delay_minutes=15)
    expected = None if seconds is None else timedelta(seconds=seconds)
    assert login_throttle.delay_after(failures, 5, settings) == expected


async def test_concurrent_guesses_cannot_slip_past_the_limit(db):
    free = get_settings().login_free_failures_per_id
    keys = login_throttle.AttemptKeys.of("yamada", "203.0.113.7")
    at = login_throttle.now()

    async def attempt() -> str:
        try:
            await login_throttle.admit(db, keys, at)
        except DomainError as exc:
            return exc.code.value
        return "admitted"

    answers = await asyncio.gather(*(attempt() for _ in range(free + 5)))

    assert answers.count("admitted") == free
    assert answers.count(ErrorCode.TOO_MANY_REQUESTS.value) == 5
    async with db.sessionmaker() as session:
        row = await session.get(LoginThrottle, keys.by_id)
    assert row.failures == free  # refused attempts are not counted
    assert row.blocked_until == at + timedelta(seconds=get_settings().login_delay_seconds)


async def test_a_refused_attempt_counts_nothing_on_any_key(db):
    settings = get_settings()
    keys = login_throttle.AttemptKeys.of("yamada", "203.0.113.7")
    other_address = login_throttle.AttemptKeys.of("yamada", "203.0.113.8")
    at = login_throttle.now()
    for _ in range(settings.login_free_failures_per_id):
        await login_throttle.admit(db, keys, at)

    with pytest.raises(DomainError):
        await login_throttle.admit(db, other_address, at)  # refused by the ID's counter

    async with db.sessionmaker() as session:
        rows = {row.key: row.failures for row in await session.scalars(select(LoginThrottle))}
    assert other_address.by_address not in rows and other_address.by_pair not in rows


async def test_clearing_a_login_lifts_its_addresses_too_but_keeps_familiarity(db):
    settings = get_settings()
    keys = login_throttle.AttemptKeys.of("yamada", "203.0.113.7")
    at = login_throttle.now()
    await login_throttle.admit(db, keys, at)
    async with db.transaction() as session:
        await login_throttle.succeeded(session, keys, at)
    for n in range(settings.login_free_failures_per_address):
        await login_throttle.admit(db, login_throttle.AttemptKeys.of(f"x{n}", "203.0.113.7"), at)
    with pytest.raises(DomainError):
        await login_throttle.admit(db, keys, at)  # the address is past its limit

    async with db.transaction() as session:
        assert await login_throttle.clear_for_login(session, "yamada") >= 1

    await login_throttle.admit(db, keys, at)
    async with db.sessionmaker() as session:
        assert (await session.get(LoginThrottle, keys.by_pair)).last_success_at == at


def test_the_command_line_lifts_the_limits_when_no_manager_can(tmp_path, monkeypatch, capsys):
    import cli
    from models.db import Database

    url = f"sqlite+aiosqlite:///{tmp_path / 'salon.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    keys = login_throttle.AttemptKeys.of("admin", "203.0.113.7")

    async def attempts(n: int) -> list[str]:
        db = Database(url)
        answers = []
        try:
            for _ in range(n):
                try:
                    await login_throttle.admit(db, keys, login_throttle.now())
                    answers.append("admitted")
                except DomainError as exc:
                    answers.append(exc.code.value)
        finally:
            await db.dispose()
        return answers

    try:
        cli.main(["migrate"])
        free = get_settings().login_free_failures_per_id
        assert asyncio.run(attempts(free + 1))[-1] == "TOO_MANY_REQUESTS"

        assert cli.main(["clear-login-limits", "admin"]) == 0

        assert "login limits on 'admin' lifted" in capsys.readouterr().out
        assert asyncio.run(attempts(1)) == ["admitted"]
    finally:
        get_settings.cache_clear()


async def test_old_counters_are_forgotten_but_familiar_addresses_kept(db):
    settings = get_settings()
    at = login_throttle.now()
    familiar = login_throttle.AttemptKeys.of("yamada", "192.0.2.10")
    stranger = login_throttle.AttemptKeys.of("nobody", "203.0.113.7")
    await login_throttle.admit(db, familiar, at)
    async with db.transaction() as session:
        await login_throttle.succeeded(session, familiar, at)
    await login_throttle.admit(db, stranger, at)
    later = at + timedelta(minutes=settings.login_failure_memory_minutes, seconds=1)

    async with db.transaction() as session:
        await login_throttle.forget_old(session, later)

    async with db.sessionmaker() as session:
        keys = set(await session.scalars(select(LoginThrottle.key)))
    assert keys == {familiar.by_pair}  # only the record that the owner logged in from there
