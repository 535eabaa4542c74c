"""Givens for GraphQL tests: customers, masters and reservations written through the services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from models import (
    AuditLog,
    BlacklistEntry,
    Caution,
    Customer,
    FreeItem,
    FreeItemChoice,
    InflowRoute,
    Menu,
    Occupation,
    Reservation,
    ReservationChannel,
    ReservationMenu,
    ReservationStatus,
    StaffMember,
)
from models.db import Database
from services import auth
from services.customer_stats import refresh_customer_flags, refresh_customer_stats
from tests import factories


async def audit_rows(db: Database, action: str) -> list[AuditLog]:
    async with db.sessionmaker() as session:
        return list(
            (
                await session.scalars(
                    select(AuditLog)
                    .where(AuditLog.entity == "customer", AuditLog.action == action)
                    .order_by(AuditLog.id)
                )
            ).all()
        )


@dataclass
class Given:
    """Writes the state a test starts from, through the services where they exist."""

    db: Database

    async def customer(self, **overrides: Any) -> Customer:
        return await factories.add_customer(self.db, **overrides)

    async def customer_token(self, customer: Customer) -> str:
        async with self.db.transaction() as session:
            token, _ = await auth.issue_customer_token(session, customer)
        return token

    async def rows(self, *objects: Any) -> None:
        async with self.db.transaction() as session:
            session.add_all(objects)
            # Caution / blacklist entries written directly: store the customers' flags as their writer does.
            await refresh_customer_flags(session, [o.customer_id for o in objects
                                                   if isinstance(o, (Caution, BlacklistEntry))])

    async def menu(self, name: str, **kw: Any) -> Menu:
        return await factories.add_menu(self.db, name, **kw)

    async def staff_member(self, name: str, **kw: Any) -> StaffMember:
        return await factories.add_staff_member(self.db, name, **kw)

    async def occupation(self, name: str, **kw: Any) -> Occupation:
        occupation = Occupation(name=name, **kw)
        await self.rows(occupation)
        return occupation

    async def inflow_route(self, name: str, **kw: Any) -> InflowRoute:
        route = InflowRoute(name=name, **kw)
        await self.rows(route)
        return route

    async def free_item(self, position: int, name: str, choices: list[str]) -> FreeItem:
        item = FreeItem(
            position=position,
            name=name,
            choices=[FreeItemChoice(name=c, sort_order=i) for i, c in enumerate(choices)],
        )
        await self.rows(item)
        return item

    async def choices_of(self, item: FreeItem) -> list[FreeItemChoice]:
        async with self.db.sessionmaker() as session:
            return list(
                (
                    await session.scalars(
                        select(FreeItemChoice)
                        .where(FreeItemChoice.free_item_id == item.id)
                        .order_by(FreeItemChoice.sort_order)
                    )
                ).all()
            )

    async def visit(
        self,
        customer: Customer,
        *,
        menu: Menu,
        staff: StaffMember | None = None,
        days_ago: int = 10,
        status: ReservationStatus = ReservationStatus.VISITED,
        start_at: datetime | None = None,
    ) -> Reservation:
        """A reservation (visited by default; ``days_ago`` or at ``start_at``), with the customer's
        statistics refreshed."""
        start = start_at or datetime.now(UTC).replace(microsecond=0) - timedelta(days=days_ago)
        async with self.db.transaction() as session:
            reservation = Reservation(
                customer_id=customer.id,
                staff_member_id=staff.id if staff else None,
                start_at=start,
                end_at=start + timedelta(hours=1),
                channel=ReservationChannel.ADMIN,
                status=status,
                visited_at=start if status == ReservationStatus.VISITED else None,
                items=[ReservationMenu(menu_id=menu.id, price=menu.price)],
            )
            session.add(reservation)
            await session.flush()
            await refresh_customer_stats(session, [customer.id])
        return reservation


@pytest.fixture
def given(db: Database) -> Given:
    return Given(db)
