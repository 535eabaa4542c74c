"""Test data, made in one place: customers and reservations go through their services, as every
door makes them; masters (menus, stylists) are rows.

``customer_data()`` is a valid full registration whose phone and e-mail differ on every call;
``add_customer(db, **fields)`` registers one in its own committed transaction, or inside the
caller's when given a session. ``add_menu``, ``add_staff_member`` and ``add_reservation`` work the
same way; ``count_rows(db, Model, *where)`` is the one row count of the tests.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Customer, Menu, Reservation, StaffMember
from models.db import Database
from services import booking
from services import customers as customer_service
from services.actor import Actor

SYSTEM = Actor.system("test")
_serial = itertools.count(1)


def customer_data(**overrides: Any) -> dict[str, Any]:
    """A valid full registration; phone and e-mail differ on every call."""
    n = next(_serial)
    return {
        "last_name": "山田",
        "first_name": "太郎",
        "last_name_kana": "ヤマダ",
        "first_name_kana": "タロウ",
        "phone": f"0901234{n:04d}",
        "email": f"taro{n}@example.jp",
        **overrides,
    }


async def add_customer(target: Database | AsyncSession, /, *, actor: Actor = SYSTEM, **fields: Any) -> Customer:
    """Register a customer through ``services.customers`` (``fields`` override :func:`customer_data`)."""
    async with _session(target) as session:
        return await customer_service.create_customer(session, customer_data(**fields), actor)


@asynccontextmanager
async def _session(target: Database | AsyncSession) -> AsyncIterator[AsyncSession]:
    """The caller's session, or a committed write transaction of its own."""
    if isinstance(target, AsyncSession):
        yield target
        return
    async with target.transaction() as session:
        yield session


async def add_menu(target: Database | AsyncSession, /, name: str = "カット", **fields: Any) -> Menu:
    """A menu (5,000円, 60 minutes unless ``fields`` say otherwise)."""
    menu = Menu(name=name, **{"price": 5000, "duration_minutes": 60, **fields})
    async with _session(target) as session:
        session.add(menu)
        await session.flush()
    return menu


async def add_staff_member(target: Database | AsyncSession, /, name: str = "佐藤", **fields: Any) -> StaffMember:
    """A stylist (in the roster unless ``active=False``)."""
    member = StaffMember(name=name, **fields)
    async with _session(target) as session:
        session.add(member)
        await session.flush()
    return member


def booked_on(start_at: datetime | None) -> datetime | None:
    """When a test's reservation was made: now, or three days before a start already past (nothing
    still to come is created in the past)."""
    if start_at is None or start_at > datetime.now(UTC):
        return None
    return start_at - timedelta(days=3)


async def add_reservation(target: Database | AsyncSession, /, customer: Customer, start_at: datetime,
                          menus: list[Menu], *, staff_member: StaffMember | None = None,
                          actor: Actor = SYSTEM, **fields: Any) -> Reservation:
    """A booking through ``services.booking`` (the figures and the audit row follow, as in production)."""
    request = booking.BookingRequest(customer_id=customer.id, start_at=start_at, menu_ids=[m.id for m in menus],
                                     staff_member_id=staff_member.id if staff_member else None, **fields)
    async with _session(target) as session:
        return (await booking.create_reservation(session, request, actor, now=booked_on(start_at))).reservation


async def count_rows(db: Database, model: Any = Customer, *where: Any) -> int:
    """How many rows of ``model`` (matching ``where``) are committed."""
    async with db.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)))
