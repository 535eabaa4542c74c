"""One locking rule for a customer's figures, tickets and merges.

Every writer of a customer's derived figures (``customer_stats``), ticket balances or a
merge calls :func:`lock_customers` before it reads what it will write, in the transaction
that writes it. Two concurrent writers of one customer are then serialised: the second
reads only after the first has committed, so neither overwrites the other's figures.

- PostgreSQL: ``SELECT id FROM customers WHERE id IN (...) ORDER BY id FOR NO KEY UPDATE``;
  ids are sorted so that two transactions locking overlapping sets never deadlock. ``NO KEY``
  because inserting a reservation (or any row referencing the customer) takes a KEY SHARE
  lock on the customer: a plain ``FOR UPDATE`` after such an insert deadlocks two writers
  that both inserted first. ``NO KEY UPDATE`` still excludes every other writer, and is the
  lock PostgreSQL itself takes to update a customer row.
- SQLite locks the whole database for writing: the transaction must have begun with
  ``BEGIN IMMEDIATE`` (``db.transaction()``, see ``models.db``), which already holds the
  write lock. A deferred transaction cannot take it safely later (SQLite refuses to upgrade
  a snapshot another writer has moved past), so calling this inside one is a programming
  error and raises at once rather than failing under load.

The lock lasts until the transaction ends; locking the same customers twice is harmless.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from models import Customer
from models.db import WRITE_BEGUN
from services.errors import DomainError, ErrorCode

#: Ids per statement (far below every driver's bind-parameter limit).
CHUNK = 500


class NotAWriteTransaction(RuntimeError):
    """lock_customers was called on SQLite outside a write (BEGIN IMMEDIATE) transaction."""


async def lock_customers(session: AsyncSession, ids: Iterable[int]) -> None:
    """Hold the write lock of these customers until the transaction ends."""
    ordered = sorted({int(i) for i in ids})
    if not ordered:
        return
    connection = await session.connection()
    if connection.dialect.name == "sqlite":
        if not connection.info.get(WRITE_BEGUN):
            raise NotAWriteTransaction(
                "lock_customers needs a write transaction: open it with db.transaction() "
                "(BEGIN IMMEDIATE on SQLite), not a plain session")
        return
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start:start + CHUNK]
        await session.execute(
            select(Customer.id).where(Customer.id.in_(chunk)).order_by(Customer.id)
            .with_for_update(key_share=True))


# --------------------------------------------------------------------------- a concurrent write won

CONFLICT_MESSAGE = "他の操作と同時に変更されました。もう一度お試しください。"
#: PostgreSQL: serialization_failure, deadlock_detected, lock_not_available (lock_timeout / NOWAIT).
_CONFLICT_SQLSTATES = frozenset({"40001", "40P01", "55P03"})
#: SQLite: SQLITE_BUSY and SQLITE_LOCKED (primary codes), after the busy timeout ran out.
_SQLITE_BUSY_CODES = frozenset({5, 6})


def write_conflict(exc: DBAPIError) -> DomainError | None:
    """A write the database gave up on because of a concurrent one (a deadlock, a lock wait past
    its timeout, a serialization failure, SQLite still busy after its timeout) as a DUPLICATE
    "try again" refusal; None for any other database error (a bug, a violated constraint).

    Locks serialise writers (above), so this is rare; nothing was written when it happens."""
    if isinstance(exc, IntegrityError):
        return None
    orig = exc.orig
    cause = getattr(orig, "__cause__", None)
    sqlstate = getattr(cause, "sqlstate", None) or getattr(orig, "sqlstate", None)
    if sqlstate is not None:
        conflict = sqlstate in _CONFLICT_SQLSTATES
    else:
        code = getattr(orig, "sqlite_errorcode", None)
        message = str(orig).lower()
        conflict = (code is not None and code & 0xFF in _SQLITE_BUSY_CODES) or (
            "database is locked" in message or "database table is locked" in message)
    return DomainError(ErrorCode.DUPLICATE, CONFLICT_MESSAGE) if conflict else None
