"""Per-request dataloaders: every relationship and derived list is one query per field, not per row.

Each batch opens its own short session from the :class:`~models.db.Database`
(Strawberry resolves sibling fields concurrently, and an ``AsyncSession`` must
not be shared between them). Objects come back detached with their columns
loaded; relationships stay ``lazy="raise"`` and are only reached through here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from strawberry.dataloader import DataLoader

from models import (
    BlacklistEntry,
    Caution,
    Customer,
    CustomerAttribute,
    CustomerFreeItemValue,
    FirstVisitMotive,
    FreeItem,
    FreeItemChoice,
    InflowRoute,
    Menu,
    Occupation,
    Referral,
    Reservation,
    ReservationMenu,
    StaffMember,
    customer_inflow_routes,
)
from models.db import Database
from services.flags import find_blacklist_matches

M = TypeVar("M")


class Loaders:
    """The dataloaders of one request (created in ``get_context``; caches live as long as it)."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self.customer = self._by_id(Customer)
        self.occupation = self._by_id(Occupation)
        self.first_visit_motive = self._by_id(FirstVisitMotive)
        self.menu = self._by_id(Menu)
        self.staff_member = self._by_id(StaffMember)
        self.free_item = self._by_id(FreeItem)
        self.free_item_choice = self._by_id(FreeItemChoice)
        self.caution_by_customer = self._one_by(Caution, Caution.customer_id)
        self.blacklist_by_customer = self._one_by(BlacklistEntry, BlacklistEntry.customer_id)
        self.blacklist_match_by_customer = self._loader(self._blacklist_matches)
        self.attributes_by_customer = self._many_by(
            select(CustomerAttribute.customer_id, CustomerAttribute.value).order_by(CustomerAttribute.id)
        )
        self.free_item_values_by_customer = self._many_by(
            select(CustomerFreeItemValue.customer_id, CustomerFreeItemValue)
            .join(FreeItem, FreeItem.id == CustomerFreeItemValue.free_item_id)
            .order_by(FreeItem.position)
        )
        self.inflow_routes_by_customer = self._many_by(
            select(customer_inflow_routes.c.customer_id, InflowRoute)
            .join(InflowRoute, InflowRoute.id == customer_inflow_routes.c.inflow_route_id)
            .order_by(InflowRoute.sort_order, InflowRoute.id)
        )
        self.choices_by_free_item = self._many_by(
            select(FreeItemChoice.free_item_id, FreeItemChoice).order_by(
                FreeItemChoice.sort_order, FreeItemChoice.id
            )
        )
        self.referrals_by_referred = self._many_by(
            select(Referral.referred_id, Referral).order_by(Referral.created_at, Referral.id)
        )
        self.menu_lines_by_reservation = self._many_by(
            select(ReservationMenu.reservation_id, ReservationMenu).order_by(ReservationMenu.id)
        )
        self.reservation_count_by_customer = self._count_by(Reservation.customer_id)
        self.reservation_page_by_customer = self._page_by_customer()
        self.referrals_by_referrer = self._many_by(
            select(Referral.referrer_id, Referral).order_by(Referral.created_at, Referral.id)
        )

    async def _blacklist_matches(self, keys: Sequence[int]) -> list[Any]:
        async with self._db.sessionmaker() as session:
            found = await find_blacklist_matches(session, keys)
        return [found.get(key) for key in keys]

    def _loader(self, batch: Callable[[Sequence[int]], Awaitable[list[Any]]]) -> DataLoader[int, Any]:
        return DataLoader(load_fn=batch)

    def _by_id(self, model: type[M]) -> DataLoader[int, M | None]:
        """``load(id)`` → the row or None."""

        async def batch(keys: Sequence[int]) -> list[M | None]:
            async with self._db.sessionmaker() as session:
                rows = (await session.scalars(select(model).where(model.id.in_(keys)))).all()  # type: ignore[attr-defined]
            found = {row.id: row for row in rows}  # type: ignore[attr-defined]
            return [found.get(key) for key in keys]

        return self._loader(batch)

    def _one_by(self, model: type[M], column: Any) -> DataLoader[int, M | None]:
        """``load(key)`` → the one row whose ``column`` equals key, or None."""

        async def batch(keys: Sequence[int]) -> list[M | None]:
            async with self._db.sessionmaker() as session:
                rows = (await session.scalars(select(model).where(column.in_(keys)))).all()
            found = {getattr(row, column.key): row for row in rows}
            return [found.get(key) for key in keys]

        return self._loader(batch)

    def _count_by(self, column: Any) -> DataLoader[int, int]:
        """``load(key)`` → how many rows have ``column`` equal to key."""

        async def batch(keys: Sequence[int]) -> list[int]:
            async with self._db.sessionmaker() as session:
                rows = (await session.execute(
                    select(column, func.count()).where(column.in_(keys)).group_by(column))).all()
            found = dict(rows)
            return [int(found.get(key, 0)) for key in keys]

        return self._loader(batch)

    def _page_by_customer(self) -> DataLoader[tuple[int, int, int], list[Reservation]]:
        """``load((customer_id, offset, limit))`` → that page of the customer's reservations, newest first.

        One query per distinct (offset, limit) for all customers of a list (a window per customer).
        """

        async def batch(keys: Sequence[tuple[int, int, int]]) -> list[list[Reservation]]:
            pages: dict[tuple[int, int], list[int]] = defaultdict(list)
            for customer_id, offset, limit in keys:
                pages[(offset, limit)].append(customer_id)
            found: dict[tuple[int, int, int], list[Reservation]] = defaultdict(list)
            async with self._db.sessionmaker() as session:
                for (offset, limit), ids in pages.items():
                    rank = func.row_number().over(partition_by=Reservation.customer_id,
                                                  order_by=(Reservation.start_at.desc(), Reservation.id.desc()))
                    ranked = select(Reservation.id, rank.label("rn")).where(
                        Reservation.customer_id.in_(ids)).subquery()
                    rows = (await session.execute(
                        select(Reservation, ranked.c.rn).join(ranked, ranked.c.id == Reservation.id)
                        .where(ranked.c.rn > offset, ranked.c.rn <= offset + limit).order_by(ranked.c.rn)
                    )).all()
                    for reservation, _ in rows:
                        found[(reservation.customer_id, offset, limit)].append(reservation)
            return [found.get(key, []) for key in keys]

        return self._loader(batch)

    def _many_by(self, query: Select[Any]) -> DataLoader[int, list[Any]]:
        """``load(key)`` → the second column of every row whose first column equals key, in query order."""
        key_column = query.selected_columns[0]

        async def batch(keys: Sequence[int]) -> list[list[Any]]:
            async with self._db.sessionmaker() as session:
                rows = (await session.execute(query.where(key_column.in_(keys)))).all()
            grouped: dict[int, list[Any]] = defaultdict(list)
            for key, value in rows:
                grouped[key].append(value)
            return [grouped.get(key, []) for key in keys]

        return self._loader(batch)
