"""Free-slot benchmark: ``python -m bench.slots``; not part of the app or the tests.

``services.calendar.slots.available_slots`` (what the GraphQL ``availableSlots`` field runs) for 60
days and 10 stylists, 指名なし, on a store of about 20,000 and then 200,000 reservations. The history
is spread so that every day holds the same load (6 reservations per stylist per working day), so a
flat figure means the answer costs what the 60 days hold, never what the store's past holds.

Each store is seeded straight into the tables (Core inserts, a few seconds) into
``<tmp>/salon-slots-<n>.sqlite``; ``--url`` runs on a PostgreSQL database instead, whose ``public``
schema is dropped and rebuilt for each size (use a throwaway database). Printed: the median and 95th
percentile over ``--repeat`` runs (after two warm-ups), in milliseconds, and the slots found.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time as clock
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import insert, text

from models import BusinessHours, Menu, Reservation, ReservationChannel, ReservationStatus, StaffMember, StaffShift
from models.db import Database
from services.calendar.hours import at
from services.calendar.slots import available_slots
from services.migrate import upgrade

SIZES = (20_000, 200_000)
STYLISTS = 10
PER_DAY = 4  # reservations per stylist per working day (a 60-minute free gap after each)
DAYS = 60
TODAY = date(2027, 3, 1)


async def _reset(db: Database, on_sqlite: bool) -> None:
    if not on_sqlite:
        async with db.engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    await upgrade(db.engine)


async def seed(db: Database, reservations: int) -> int:
    """The store: hours (closed Tuesdays), 10 stylists each off one weekday, a 60-minute menu, and
    ``reservations`` visits and bookings ending 60 days from TODAY. Returns the menu's id."""
    async with db.transaction() as s:
        s.add_all([BusinessHours(weekday=d, opens_at=time(10), closes_at=time(19)) for d in (0, 2, 3, 4, 5, 6)]
                  + [BusinessHours(weekday=1)])
        menu = Menu(name="カット", duration_minutes=60, price=5000)
        staff = [StaffMember(name=f"スタイリスト{i + 1}", display_order=i) for i in range(STYLISTS)]
        s.add_all([menu, *staff])
        await s.flush()
        s.add_all([StaffShift(staff_member_id=m.id, weekday=d, starts_at=time(10), ends_at=time(19))
                   for i, m in enumerate(staff) for d in range(7) if d not in (1, 2 + i % 5)])
        menu_id, staff_ids = menu.id, [m.id for m in staff]
    per_day = STYLISTS * PER_DAY
    days = -(-reservations // per_day)
    first = TODAY + timedelta(days=DAYS) - timedelta(days=days)
    rows, written = [], 0
    now = datetime.now(UTC)
    for offset in range(days):
        day = first + timedelta(days=offset)
        for staff_id in staff_ids:
            for k in range(PER_DAY):
                if written + len(rows) >= reservations:
                    break
                start = at(day, time(10 + 2 * k))
                rows.append({"guest_name": "ゲスト", "staff_member_id": staff_id, "start_at": start,
                             "end_at": start + timedelta(hours=1), "channel": ReservationChannel.PHONE,
                             "status": ReservationStatus.VISITED if day < TODAY else ReservationStatus.BOOKED,
                             "created_at": now, "updated_at": now})
        if len(rows) >= 20_000 or offset == days - 1:
            async with db.transaction() as s:
                await s.execute(insert(Reservation), rows)
            written, rows = written + len(rows), []
    async with db.engine.begin() as connection:
        await connection.execute(text("ANALYZE"))
    return menu_id


async def measure(db: Database, menu_id: int, repeat: int) -> tuple[list[float], int]:
    timings, found = [], 0
    now = at(TODAY, time(9)).astimezone(UTC)
    for round_ in range(repeat + 2):
        began = clock.perf_counter()
        async with db.transaction(write=False) as s:
            days = await available_slots(s, TODAY, TODAY + timedelta(days=DAYS - 1), [menu_id], None, None, now)
        if round_ >= 2:
            timings.append((clock.perf_counter() - began) * 1000)
        found = sum(len(d.slots) for d in days)
    return timings, found


async def run(url: str | None, repeat: int) -> None:
    for size in SIZES:
        on_sqlite = url is None
        path = Path(tempfile.gettempdir()) / f"salon-slots-{size}.sqlite"
        if on_sqlite:
            path.unlink(missing_ok=True)
        db = Database(url or f"sqlite+aiosqlite:///{path}")
        try:
            await _reset(db, on_sqlite)
            began = clock.perf_counter()
            menu_id = await seed(db, size)
            seeded = clock.perf_counter() - began
            timings, found = await measure(db, menu_id, repeat)
        finally:
            await db.dispose()
        p95 = sorted(timings)[int(len(timings) * 0.95) - 1]
        print(f"{'SQLite' if on_sqlite else 'PostgreSQL'} {size:>8,} reservations (seeded in {seeded:.0f} s): "
              f"availableSlots 60 days × {STYLISTS} stylists, {found:,} free slots — "
              f"median {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a throwaway PostgreSQL database (its public schema is rebuilt)")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    asyncio.run(run(args.url, args.repeat))


if __name__ == "__main__":
    main()
