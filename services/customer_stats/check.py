"""The customer figures recomputed from scratch, in Python, to check the stored ones.

The package (``services.customer_stats``) keeps the figures up to date with SQL aggregates in the
transaction of every change; this module computes the same definitions (SPEC §1) a
second, independent way from the raw rows, so a forgotten refresh or a wrong
aggregate shows up as a difference (the ``check-figures`` command, the property test).
The caution / blacklist flags have a one-line definition (an own entry exists), read
from the entries by ``customer_stats.flags_from_entries``, the function their writer uses.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import CancelKind, Customer, Reservation, ReservationMenu, ReservationStatus
from services.customer_stats import FLAGS, CustomerFlags, flags_from_entries, refresh_customer_flags, \
    refresh_customer_stats

FIGURES = ("visit_count", "reservation_count", "cancel_count", "has_late_cancel", "has_unpaid_cancel_fee",
           "first_visit_at", "last_visit_at", "last_menu_id", "average_visit_interval_days", *FLAGS)
BATCH = 2000


@dataclass(frozen=True)
class Difference:
    customer_id: int
    customer_no: str
    figure: str
    stored: Any
    expected: Any

    def __str__(self) -> str:
        return f"{self.customer_no} (id {self.customer_id}) {self.figure}: stored {self.stored!r}, expected {self.expected!r}"


def expected_figures(pre_system_visits: int, reservations: list[tuple[Any, ...]],
                     menus: dict[int, list[int]]) -> dict[str, Any]:
    """The figures of one customer from its reservations ``(id, status, cancel_kind, is_late, visited_at, start_at)``."""
    visits = [r for r in reservations if r[1] == ReservationStatus.VISITED]
    times = sorted(r[4] or r[5] for r in visits)
    cancels = [r for r in reservations
               if r[1] in (ReservationStatus.CANCELLED, ReservationStatus.CANCEL_FEE_UNPAID)
               and r[2] != CancelKind.STORE]
    last = max(visits, key=lambda r: (r[4] or r[5], r[0]), default=None)
    last_menus = menus.get(last[0], []) if last else []
    interval = None
    if len(visits) >= 2:
        interval = round((times[-1] - times[0]).total_seconds() / 86400 / (len(visits) - 1), 2)
    return {
        "visit_count": len(visits) + pre_system_visits,
        "reservation_count": len(reservations),
        "cancel_count": len(cancels),
        "has_late_cancel": any(r[3] for r in reservations),
        "has_unpaid_cancel_fee": any(r[1] == ReservationStatus.CANCEL_FEE_UNPAID for r in reservations),
        "first_visit_at": times[0] if times else None,
        "last_visit_at": times[-1] if times else None,
        "last_menu_id": last_menus[0] if last_menus else None,
        "average_visit_interval_days": interval,
    }


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and abs(a - b) < 0.006
    if isinstance(a, datetime) and isinstance(b, datetime):
        return a == b
    return a == b


async def _batches(session: AsyncSession, customer_ids: list[int] | None) -> AsyncIterator[list[Customer]]:
    last = 0
    while True:
        query = select(Customer).where(Customer.id > last).order_by(Customer.id).limit(BATCH)
        if customer_ids is not None:
            query = query.where(Customer.id.in_(customer_ids))
        rows = list((await session.scalars(query)).all())
        if not rows:
            return
        yield rows
        last = rows[-1].id


async def find_differences(session: AsyncSession, customer_ids: list[int] | None = None) -> list[Difference]:
    """Every stored figure that disagrees with the from-scratch computation (all customers by default)."""
    found: list[Difference] = []
    async for customers in _batches(session, customer_ids):
        ids = [c.id for c in customers]
        rows = (await session.execute(
            select(Reservation.customer_id, Reservation.id, Reservation.status, Reservation.cancel_kind,
                   Reservation.is_late_cancel, Reservation.visited_at, Reservation.start_at)
            .where(Reservation.customer_id.in_(ids)))).all()
        by_customer: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
        visited_ids = []
        for row in rows:
            by_customer[row[0]].append(tuple(row[1:]))
            if row.status == ReservationStatus.VISITED:
                visited_ids.append(row.id)
        menus: dict[int, list[int]] = defaultdict(list)
        for start in range(0, len(visited_ids), BATCH):
            for rid, mid in (await session.execute(
                    select(ReservationMenu.reservation_id, ReservationMenu.menu_id)
                    .where(ReservationMenu.reservation_id.in_(visited_ids[start:start + BATCH]))
                    .order_by(ReservationMenu.id))).all():
                menus[rid].append(mid)
        flags = await flags_from_entries(session, ids)
        for customer in customers:
            expected = expected_figures(customer.pre_system_visit_count or 0, by_customer[customer.id], menus)
            expected.update(vars(flags.get(customer.id, CustomerFlags())))
            for name, value in expected.items():
                stored = getattr(customer, name)
                if not _same(stored, value):
                    found.append(Difference(customer.id, customer.customer_no, name, stored, value))
        session.expunge_all()
    return found


async def rewrite_figures(session: AsyncSession, customer_ids: list[int]) -> None:
    """Rewrite every stored figure of these customers (``check-figures --fix``), through their writers."""
    await refresh_customer_stats(session, customer_ids)
    await refresh_customer_flags(session, customer_ids)
