"""Locks taken by every booking write, always in the same order: customers → stylists → reservation.

PostgreSQL: row locks (``FOR NO KEY UPDATE``: customers through ``services.locking``), so two
requests on the same customer, stylist or reservation run one after the other and the second
sees what the first wrote. ``NO KEY`` because inserting a row that references one of them takes
a KEY SHARE lock, which a plain ``FOR UPDATE`` would wait on (and deadlock with).
SQLite has one writer: the first statement of a booking write is a write, so the
transaction holds SQLite's write lock before it reads anything (the effect of
``BEGIN IMMEDIATE``); nothing is read and then written on a stale snapshot.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from models import Reservation, StaffMember
from services.errors import DomainError, ErrorCode, NotFound
from services.locking import CONFLICT_MESSAGE, lock_customers


def _is_sqlite(session: AsyncSession) -> bool:
    return session.bind.dialect.name == "sqlite"


async def begin_write(session: AsyncSession) -> None:
    """On SQLite, take the database's write lock now (a no-op write); elsewhere nothing."""
    if _is_sqlite(session):
        await session.execute(text("UPDATE store_settings SET id = id WHERE id = 1"))


async def lock_booking(session: AsyncSession, customer_ids: Iterable[int | None],
                       staff_ids: Iterable[int | None] = ()) -> None:
    await begin_write(session)
    await lock_customers(session, [i for i in customer_ids if i is not None])
    staff = sorted({i for i in staff_ids if i is not None})
    if staff and not _is_sqlite(session):
        await session.execute(
            select(StaffMember.id).where(StaffMember.id.in_(staff)).order_by(StaffMember.id)
            .with_for_update(key_share=True))


async def locked_reservation(session: AsyncSession, reservation_id: int,
                             also_staff: Iterable[int | None] = ()) -> Reservation:
    """The reservation with its customer and stylist locked, read fresh (never from the identity map).

    ``also_staff``: stylists the operation will move it to, locked in the same sorted statement as
    its current one. Locking the new stylist afterwards deadlocks two reschedules that swap
    stylists (R1 1 → 2 while R2 2 → 1: each holds its old stylist and waits for the other's)."""
    extra = [i for i in also_staff if i is not None]
    await begin_write(session)
    for _ in range(3):
        head = (await session.execute(
            select(Reservation.customer_id, Reservation.staff_member_id).where(Reservation.id == reservation_id)
        )).first()
        if head is None:
            raise NotFound("予約")
        await lock_booking(session, [head.customer_id], [head.staff_member_id, *extra])
        reservation = await session.scalar(
            select(Reservation).where(Reservation.id == reservation_id)
            .with_for_update(key_share=True).execution_options(populate_existing=True))
        if reservation is None:
            raise NotFound("予約")
        # A merge or a reschedule may have moved it between the two reads: lock the new owners too.
        if (reservation.customer_id, reservation.staff_member_id) == tuple(head):
            return reservation
    raise DomainError(ErrorCode.DUPLICATE, CONFLICT_MESSAGE)
