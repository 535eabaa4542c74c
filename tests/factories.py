"""Test data, made in one place: customers go through the service, as every door registers them.

``customer_data()`` is a valid full registration whose phone and e-mail differ on every call;
``add_customer(db, **fields)`` registers one in its own committed transaction, or inside the
caller's when given a session.
"""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from models import Customer
from models.db import Database
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
    if isinstance(target, AsyncSession):
        return await customer_service.create_customer(target, customer_data(**fields), actor)
    async with target.transaction() as session:
        return await customer_service.create_customer(session, customer_data(**fields), actor)
