"""Slowing down password guessing without locking owners out (both login doors).

Failed logins are counted in ``login_throttles``, one row per key, in the database so
that every worker process shares them:

- ``a:<address>``: the client address (IPv6 by its /64: one host holds a whole /64),
- ``p:<hash>``: that address together with the login ID typed,
- ``i:<hash>``: the login ID typed, from any address, whether or not an account has it.

Past ``free`` failures a key is blocked for a delay that doubles with each further failure
(``login_delay_seconds`` up to ``login_max_delay_minutes``); a blocked key refuses every
attempt, right password or not, without checking it, with the same TOO_MANY_REQUESTS answer
for known and unknown IDs. A counter is forgotten ``login_failure_memory_minutes`` after its
last failure. The ID key is skipped for an address where that ID logged in successfully within
``login_familiar_days``: failures sprayed from elsewhere never keep the owner out at the salon.

Every attempt is counted *before* its password is checked (an UPSERT whose WHERE refuses a
blocked row, in the gate's own transaction), so concurrent guesses each take a number and
none slips past the limit; a success gives its number back.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import case, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from models import LoginThrottle
from models.db import Database
from services.config import Settings, get_settings
from services.errors import DomainError, ErrorCode

UNKNOWN_ADDRESS = "unknown"


def now() -> datetime:
    """The throttle's clock (tests move it instead of waiting minutes)."""
    return datetime.now(timezone.utc)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def normalize_address(address: str | None) -> str:
    """The counted form of a client address: IPv4 as is, IPv6 by its /64 network."""
    if not address:
        return UNKNOWN_ADDRESS
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


@dataclass(frozen=True)
class AttemptKeys:
    login_hash: str
    address: str

    @classmethod
    def of(cls, login_id: str, address: str | None) -> AttemptKeys:
        return cls(_sha(login_id), normalize_address(address))

    @property
    def by_address(self) -> str:
        return f"a:{self.address}"

    @property
    def by_pair(self) -> str:
        return f"p:{_sha(self.login_hash + chr(10) + self.address)}"

    @property
    def by_id(self) -> str:
        return f"i:{self.login_hash}"


def delay_after(failures: int, free: int, settings: Settings) -> timedelta | None:
    """How long a key stays blocked after its ``failures``-th failure (None: not blocked)."""
    if failures < free:
        return None
    cap = settings.login_max_delay_minutes * 60
    steps = min(failures - free, 30)  # 2**30 seconds is far past any cap
    return timedelta(seconds=min(settings.login_delay_seconds * 2**steps, cap))


def too_many(wait: timedelta) -> DomainError:
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    return DomainError(
        ErrorCode.TOO_MANY_REQUESTS,
        f"ログインの失敗が続いたため、しばらくログインできません。{minutes}分ほど待ってからもう一度お試しください。")


def _insert(session: AsyncSession):
    return pg_insert if session.bind.dialect.name == "postgresql" else sqlite_insert


async def _take_number(session: AsyncSession, key: str, keys: AttemptKeys, at: datetime) -> int | None:
    """Count one attempt on ``key`` unless it is blocked; the attempt's number, or None when blocked."""
    settings = get_settings()
    table = LoginThrottle.__table__
    forget_before = at - timedelta(minutes=settings.login_failure_memory_minutes)
    stmt = _insert(session)(table).values(
        key=key, login_hash=None if key.startswith("a:") else keys.login_hash,
        address=None if key.startswith("i:") else keys.address, failures=1, last_failure_at=at)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={"failures": case((or_(table.c.last_failure_at.is_(None), table.c.last_failure_at < forget_before), 1),
                               else_=table.c.failures + 1),
              "last_failure_at": at},
        where=or_(table.c.blocked_until.is_(None), table.c.blocked_until <= at),
    ).returning(table.c.failures)
    return (await session.execute(stmt)).scalar_one_or_none()


async def _block(session: AsyncSession, key: str, failures: int, free: int, at: datetime) -> None:
    wait = delay_after(failures, free, get_settings())
    if wait is None:
        return
    until = at + wait
    await session.execute(
        update(LoginThrottle).where(LoginThrottle.key == key)
        .where(or_(LoginThrottle.blocked_until.is_(None), LoginThrottle.blocked_until < until))
        .values(blocked_until=until))


async def _wait_of(session: AsyncSession, key: str, at: datetime) -> timedelta:
    until = await session.scalar(select(LoginThrottle.blocked_until).where(LoginThrottle.key == key))
    return (until - at) if until is not None and until > at else timedelta(minutes=1)


async def _is_familiar(session: AsyncSession, keys: AttemptKeys, at: datetime) -> bool:
    since = at - timedelta(days=get_settings().login_familiar_days)
    last = await session.scalar(select(LoginThrottle.last_success_at).where(LoginThrottle.key == keys.by_pair))
    return last is not None and last > since


def _limits(settings: Settings) -> dict[str, int]:
    per_id = settings.login_free_failures_per_id
    return {"a": settings.login_free_failures_per_address, "p": per_id, "i": per_id}


async def admit(db: Database, keys: AttemptKeys, at: datetime) -> None:
    """Count this attempt on every key that applies, or refuse it (TOO_MANY_REQUESTS) and count nothing.

    Commits before the password is checked, so the count survives whatever happens next.
    """
    limits = _limits(get_settings())
    async with db.transaction() as session:  # a refusal raised inside rolls back: nothing counted
        counted = [keys.by_address, keys.by_pair]
        if not await _is_familiar(session, keys, at):
            counted.append(keys.by_id)
        for key in counted:
            number = await _take_number(session, key, keys, at)
            if number is None:
                raise too_many(await _wait_of(session, key, at))
            await _block(session, key, number, limits[key[0]], at)


async def succeeded(session: AsyncSession, keys: AttemptKeys, at: datetime) -> None:
    """The right password: its number given back, the ID's counters cleared, the address made familiar.

    The address keeps its other failures (an attacker logging in to their own account between
    guesses gains nothing); the ID's and the pair's counters start again. Rows are touched in
    the order ``admit`` takes them (address, pair, ID), so two logins never wait on each other
    in a circle.
    """
    free = get_settings().login_free_failures_per_address
    await session.execute(
        update(LoginThrottle).where(LoginThrottle.key == keys.by_address, LoginThrottle.failures > 0)
        .values(failures=LoginThrottle.failures - 1,
                blocked_until=case((LoginThrottle.failures - 1 < free, None), else_=LoginThrottle.blocked_until)))
    await session.execute(update(LoginThrottle).where(LoginThrottle.key == keys.by_pair)
                          .values(failures=0, blocked_until=None, last_success_at=at))
    await session.execute(update(LoginThrottle).where(LoginThrottle.key == keys.by_id)
                          .values(failures=0, blocked_until=None))


async def forget_old(session: AsyncSession, at: datetime) -> None:
    """Delete counters nobody needs any more (no recent failure, no wait, no familiarity).

    Rows another login is using right now are skipped (PostgreSQL ``SKIP LOCKED``), never waited for.
    """
    settings = get_settings()
    forget_before = at - timedelta(minutes=settings.login_failure_memory_minutes)
    familiar_since = at - timedelta(days=settings.login_familiar_days)
    stale = select(LoginThrottle.key).where(
        or_(LoginThrottle.last_failure_at.is_(None), LoginThrottle.last_failure_at < forget_before),
        or_(LoginThrottle.blocked_until.is_(None), LoginThrottle.blocked_until < at),
        or_(LoginThrottle.last_success_at.is_(None), LoginThrottle.last_success_at < familiar_since),
    ).with_for_update(skip_locked=True)
    await session.execute(delete(LoginThrottle).where(LoginThrottle.key.in_(stale)))


async def waiting_until(session: AsyncSession, login_ids: Iterable[str], at: datetime) -> dict[str, datetime]:
    """For the staff list: the login IDs that must wait now (from some address or any), and until when."""
    by_hash = {_sha(login_id): login_id for login_id in login_ids}
    if not by_hash:
        return {}
    rows = await session.execute(
        select(LoginThrottle.login_hash, func.max(LoginThrottle.blocked_until))
        .where(LoginThrottle.login_hash.in_(by_hash), LoginThrottle.blocked_until > at)
        .group_by(LoginThrottle.login_hash))
    return {by_hash[login_hash]: until for login_hash, until in rows}


async def clear_for_login(session: AsyncSession, login_id: str) -> int:
    """A manager's 「ログイン制限を解除」: the ID's counters and those of the addresses it was tried from.

    Familiarity (where the account logged in before) is kept. Returns how many counters were cleared.
    """
    login_hash = _sha(login_id)
    addresses = (await session.scalars(select(LoginThrottle.address).where(
        LoginThrottle.login_hash == login_hash, LoginThrottle.address.is_not(None)))).all()
    result = await session.execute(
        update(LoginThrottle).where(or_(
            LoginThrottle.login_hash == login_hash,
            LoginThrottle.key.in_([f"a:{address}" for address in set(addresses)])),
            or_(LoginThrottle.failures > 0, LoginThrottle.blocked_until.is_not(None)))
        .values(failures=0, blocked_until=None))
    return result.rowcount or 0
