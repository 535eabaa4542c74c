"""A small salon for booking tests: accounts, customers, stylists, menus and store settings."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from models import BlacklistEntry, Caution, Customer, Menu, StaffMember, StaffRole
from models.db import Database
from services import auth, flags
from services import customers as customer_service
from services.actor import Actor
from services.booking import BookingRequest, create_reservation
from services.store import get_store_settings
from tests.factories import booked_on

_serial = itertools.count(1)
NOW = datetime.now(UTC).replace(microsecond=0)


def later(hours: float = 72) -> datetime:
    """A start time ``hours`` from now, on the hour (well clear of the default 24 h deadline)."""
    return NOW.replace(minute=0, second=0) + timedelta(hours=hours)


@dataclass
class World:
    db: Database
    staff: Actor = field(init=False)
    manager: Actor = field(init=False)
    stylists: list[StaffMember] = field(default_factory=list)
    menus: list[Menu] = field(default_factory=list)

    async def build(self, *, use_prepayment: bool = False, fee_percent: int = 50, fixed_fee: int = 0,
                    deadline_hours: int = 24) -> World:
        async with self.db.transaction() as s:
            accounts = []
            for login, role in (("staff", StaffRole.STAFF), ("manager", StaffRole.MANAGER)):
                accounts.append(await auth.create_staff_account(
                    s, login_id=f"{login}{next(_serial)}", password="password-123", display_name=login,
                    role=role))
            self.staff = Actor.staff(accounts[0].id, StaffRole.STAFF, "staff")
            self.manager = Actor.staff(accounts[1].id, StaffRole.MANAGER, "manager")
            settings = await get_store_settings(s)
            settings.use_prepayment, settings.cancel_fee_percent = use_prepayment, fee_percent
            settings.cancel_fee_fixed_yen, settings.cancel_deadline_hours = fixed_fee, deadline_hours
            self.stylists = [StaffMember(name="佐藤"), StaffMember(name="鈴木"),
                             StaffMember(name="退職", active=False)]
            self.menus = [Menu(name="カット", price=5000, duration_minutes=60),
                          Menu(name="カラー", price=8000, duration_minutes=90),
                          Menu(name="終了メニュー", price=3000, active=False),
                          Menu(name="無料相談", price=0, duration_minutes=30)]
            s.add_all(self.stylists + self.menus)
        return self

    async def customer(self, **overrides: Any) -> Customer:
        n = next(_serial)
        data = {"last_name": "山田", "first_name": "花子", "last_name_kana": "ヤマダ", "first_name_kana": "ハナコ",
                "phone": f"0801111{n:04d}", "email": f"hanako{n}@example.jp", **overrides}
        async with self.db.transaction() as s:
            return await customer_service.create_customer(s, data, self.manager)

    async def flag(self, customer: Customer, model: type[Caution] | type[BlacklistEntry], memo: str) -> None:
        """A caution or blacklist entry, through the service that also stores the customer's flag."""
        kind = flags.CAUTION if model is Caution else flags.BLACKLIST
        async with self.db.transaction() as s:
            await flags.add_flag(s, kind, customer.id, memo, self.manager)

    def request(self, customer: Customer, *, hours: float = 72, stylist: int | None = 0,
                menus: tuple[int, ...] = (0,), **kw: Any) -> BookingRequest:
        return BookingRequest(
            customer_id=customer.id, start_at=later(hours),
            staff_member_id=None if stylist is None else self.stylists[stylist].id,
            menu_ids=[self.menus[i].id for i in menus], **kw)

    async def book(self, customer: Customer, actor: Actor | None = None, **kw: Any):
        """Book now; a start already past is booked as of three days before it (when it was made)."""
        request = self.request(customer, **kw)
        async with self.db.transaction() as s:
            return (await create_reservation(s, request, actor or self.staff, now=booked_on(request.start_at))
                    ).reservation

    async def run(self, op, *args: Any, **kw: Any):
        """A service call in its own transaction."""
        async with self.db.transaction() as s:
            return await op(s, *args, **kw)

    async def get(self, model: type, id_: int):
        async with self.db.sessionmaker() as s:
            return await s.get(model, id_)
