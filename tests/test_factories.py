"""The factories make what production makes: a booking through the booking service counts in the
customer's figures and is audited; masters are plain rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from models import AuditLog, Customer, Menu, Reservation, StaffMember
from tests.factories import add_customer, add_menu, add_reservation, add_staff_member, count_rows


async def test_a_reservation_made_by_the_factory_is_a_real_booking(db):
    customer = await add_customer(db)
    cut, color = await add_menu(db), await add_menu(db, "カラー", price=8000, duration_minutes=90)
    stylist = await add_staff_member(db, "鈴木")
    start = (datetime.now(UTC) + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    reservation = await add_reservation(db, customer, start, [cut, color], staff_member=stylist)
    assert reservation.end_at - reservation.start_at == timedelta(minutes=150)
    assert await count_rows(db, Reservation) == 1 and await count_rows(db, Menu) == 2
    assert await count_rows(db, StaffMember, StaffMember.name == "鈴木") == 1
    assert await count_rows(db, AuditLog, AuditLog.entity == "reservation") == 1
    async with db.sessionmaker() as session:
        assert (await session.get(Customer, customer.id)).reservation_count == 1
