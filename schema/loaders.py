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

from sqlalchemy import Select, select
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
