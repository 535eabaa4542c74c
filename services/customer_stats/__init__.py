"""Derived customer statistics, recomputed from reservations (one rule, one place).

Every service that changes a reservation's customer or status calls
:func:`refresh_customer_stats`; nothing else writes these columns. Every writer of a
caution or blacklist entry calls :func:`refresh_customer_flags` the same way, and the
figures check (:mod:`.check`, the ``check-figures`` command) recomputes every figure from the raw
rows a second, independent way and compares; it compares the stored flags with
:func:`flags_from_entries`.

- visits: VISITED reservations + pre_system_visit_count
- reservations: every reservation of the customer
- cancels: cancellations the customer caused (before the deadline, late, no-show);
  store-fault cancels do not count

It reads and writes under ``services.locking.lock_customers``: a concurrent writer of the
same customer waits until this transaction ends, then counts what it committed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone

from dataclasses import dataclass

from sqlalchemy import and_, bindparam, case, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import BlacklistEntry, CancelKind, Caution, Customer, Reservation, ReservationMenu, ReservationStatus
from services.locking import lock_customers

CUSTOMER_CANCEL = and_(
    Reservation.status.in_([ReservationStatus.CANCELLED, ReservationStatus.CANCEL_FEE_UNPAID]),
    or_(Reservation.cancel_kind.is_(None), Reservation.cancel_kind != CancelKind.STORE),
)


async def refresh_customer_stats(session: AsyncSession, customer_ids: Iterable[int]) -> None:
    ids = sorted(set(customer_ids))
    # The session does not autoflush: the caller's pending reservation changes must be counted.
    await session.flush()
    await lock_customers(session, ids)
    for start in range(0, len(ids), 500):
        await _refresh_batch(session, ids[start:start + 500])


async def _refresh_batch(session: AsyncSession, ids: list[int]) -> None:
    visited = Reservation.status == ReservationStatus.VISITED
    visit_time = func.coalesce(Reservation.visited_at, Reservation.start_at)
    rows = (await session.execute(
        select(
            Reservation.customer_id,
            func.count().label("reservations"),
            func.sum(case((visited, 1), else_=0)).label("visits"),
            func.sum(case((CUSTOMER_CANCEL, 1), else_=0)).label("cancels"),
            func.max(case((Reservation.is_late_cancel, 1), else_=0)).label("late"),
            func.max(case((Reservation.status == ReservationStatus.CANCEL_FEE_UNPAID, 1), else_=0)).label("unpaid"),
            func.min(case((visited, visit_time))).label("first_visit"),
            func.max(case((visited, visit_time))).label("last_visit"),
        )
        .where(Reservation.customer_id.in_(ids))
        .group_by(Reservation.customer_id)
    )).all()
    stats = {r.customer_id: r for r in rows}
    last_menus = await _last_menus(session, ids)
    _expire_figures(session, set(ids))
    customers = (await session.scalars(select(Customer).where(Customer.id.in_(ids)))).all()
    for customer in customers:
        r = stats.get(customer.id)
        visits = int(r.visits or 0) if r else 0
        customer.reservation_count = int(r.reservations) if r else 0
        customer.visit_count = visits + (customer.pre_system_visit_count or 0)
        customer.cancel_count = int(r.cancels or 0) if r else 0
        customer.has_late_cancel = bool(r and r.late)
        customer.has_unpaid_cancel_fee = bool(r and r.unpaid)
        customer.first_visit_at = _aware(r.first_visit) if r else None
        customer.last_visit_at = _aware(r.last_visit) if r else None
        customer.last_menu_id = last_menus.get(customer.id)
        if visits >= 2 and customer.first_visit_at and customer.last_visit_at:
            span = (customer.last_visit_at - customer.first_visit_at).total_seconds() / 86400
            customer.average_visit_interval_days = round(span / (visits - 1), 2)
        else:
            customer.average_visit_interval_days = None
    await session.flush()


#: What this module writes, plus what it reads from the customer row.
FIGURES = ("reservation_count", "visit_count", "cancel_count", "has_late_cancel", "has_unpaid_cancel_fee",
           "first_visit_at", "last_visit_at", "last_menu_id", "average_visit_interval_days",
           "pre_system_visit_count")


def _expire_figures(session: AsyncSession, ids: set[int]) -> None:
    """Forget figures loaded before the lock: another writer may have committed since.

    The next select re-reads them, so an UPDATE is sent whenever the new figure differs
    from what is stored now (not from a stale copy that happens to be equal)."""
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Customer) and obj.id in ids:
            session.expire(obj, FIGURES)


async def _last_menus(session: AsyncSession, ids: list[int]) -> dict[int, int]:
    """The first menu of each customer's latest visited reservation.

    Two indexed steps (the customer's reservations, then that reservation's menus) rather than
    one join, which SQLite's planner may drive from the menus table and scan whole.
    """
    # Rows are read by the customer index and filtered here: with "status = VISITED" in SQL the
    # planner may pick the status index, whose VISITED range is most of the table.
    rows = await session.execute(
        select(Reservation.customer_id, Reservation.id, Reservation.status, Reservation.visited_at,
               Reservation.start_at).where(Reservation.customer_id.in_(ids)))
    best: dict[int, tuple[datetime, int]] = {}
    for customer_id, reservation_id, status, visited_at, start_at in rows:
        if status == ReservationStatus.VISITED:
            key = ((visited_at or start_at), reservation_id)
            if customer_id not in best or key > best[customer_id]:
                best[customer_id] = key
    latest = {reservation_id: customer_id for customer_id, (_, reservation_id) in best.items()}
    if not latest:
        return {}
    menus: dict[int, int] = {}
    rows = await session.execute(
        select(ReservationMenu.reservation_id, ReservationMenu.menu_id)
        .where(ReservationMenu.reservation_id.in_(list(latest))).order_by(ReservationMenu.id))
    for reservation_id, menu_id in rows:
        menus.setdefault(latest[reservation_id], menu_id)
    return menus


def _aware(value: datetime | str | None) -> datetime | None:
    """Aggregates bypass the column type on SQLite and come back as naive text/datetimes."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


# --------------------------------------------------------------------------- caution / blacklist flags


@dataclass(frozen=True)
class CustomerFlags:
    is_caution: bool = False
    has_blacklist_entry: bool = False


#: The stored flag columns, in the order of :class:`CustomerFlags`.
FLAGS = ("is_caution", "has_blacklist_entry")


async def flags_from_entries(session: AsyncSession, customer_ids: Iterable[int]) -> dict[int, CustomerFlags]:
    """What each customer's flags should be: whether it has its own caution / blacklist entry.

    Customers without an entry are absent (their flags are both false). The one definition of the
    flags: the writer stores it, the figures check compares the stored columns with it.
    """
    ids = sorted(set(customer_ids))
    caution: set[int] = set()
    listed: set[int] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        caution.update(await session.scalars(select(Caution.customer_id).where(Caution.customer_id.in_(chunk))))
        listed.update(await session.scalars(
            select(BlacklistEntry.customer_id).where(BlacklistEntry.customer_id.in_(chunk))))
    return {i: CustomerFlags(i in caution, i in listed) for i in sorted(caution | listed)}


async def refresh_customer_flags(session: AsyncSession, customer_ids: Iterable[int]) -> None:
    """Store each customer's flags from its entries, under the customer lock, in the caller's transaction.

    Called after a caution or blacklist entry is added or removed (flushed or pending): a
    concurrent writer of the same customer waits for the lock and then reads what this one
    committed, so two adds / removes cannot leave a flag wrong.
    """
    ids = sorted(set(customer_ids))
    if not ids:
        return
    await session.flush()
    await lock_customers(session, ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        expected = await flags_from_entries(session, chunk)
        stored = await session.execute(
            select(Customer.id, Customer.is_caution, Customer.has_blacklist_entry).where(Customer.id.in_(chunk)))
        changed = [{"customer_id": i, "caution": want.is_caution, "listed": want.has_blacklist_entry}
                   for i, caution, listed in stored
                   if (want := expected.get(i, CustomerFlags())) != CustomerFlags(bool(caution), bool(listed))]
        if changed:
            await session.execute(
                update(Customer.__table__).where(Customer.__table__.c.id == bindparam("customer_id"))
                .values(is_caution=bindparam("caution"), has_blacklist_entry=bindparam("listed")),
                changed)
    # Loaded customers show the new flags on their next access.
    wanted = set(ids)
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Customer) and obj.id in wanted:
            session.expire(obj, FLAGS)
