"""Customer search benchmark: ``python -m bench.search`` (``make bench``).

Builds, once, a SQLite database holding a big demo salon (30,000 customers, about
300,000 reservations, by ``services.demo.load_demo_salon(bulk=True)``) and reuses it
afterwards; then times the basic searches of SPEC §2 the way the GraphQL ``customers``
field runs them: through ``services.customer_search``, a total count plus the first page
of 50 ordered by last visit (newest first), each in its own session. Prints median and
95th percentile per query. ``BENCH_DATABASE_URL`` (PostgreSQL, an empty database or one
this benchmark filled) adds the same run there.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from models import Customer, Menu, StaffMember
from models.db import Database
from services.customer_search import CustomerFilter, customer_search_query, order_columns
from services.demo import load_demo_salon
from services.migrate import upgrade

PAGE = 50
SEED = 20261124
console = Console()


@dataclass
class Search:
    label: str
    make: Callable[[dict[str, int]], CustomerFilter]  # ids of named staff/menus → filter


SEARCHES = (
    Search("name, hiragana 「やまだ」", lambda ids: CustomerFilter(name="やまだ")),
    Search("name, katakana 「サトウ ミ」", lambda ids: CustomerFilter(name="サトウ ミ")),
    Search("name, kanji 「佐藤」", lambda ids: CustomerFilter(name="佐藤")),
    Search("name, rare 「五十嵐 紬」", lambda ids: CustomerFilter(name="五十嵐 紬")),
    Search("phone, partial 「090-12」", lambda ids: CustomerFilter(phone="090-12")),
    Search("phone, last digits 「5678」", lambda ids: CustomerFilter(phone="5678")),
    Search("customer no. 「00123」", lambda ids: CustomerFilter(customer_no="00123")),
    Search("staff 佐藤 健太", lambda ids: CustomerFilter(staff_member_id=ids["佐藤 健太"])),
    Search("menu 縮毛矯正", lambda ids: CustomerFilter(menu_id=ids["縮毛矯正"])),
    Search("last menu カット", lambda ids: CustomerFilter(last_menu_id=ids["カット"])),
    Search("name 「さとう」 + staff 高橋",
           lambda ids: CustomerFilter(name="さとう", staff_member_id=ids["高橋 美咲"])),
    Search("no filter (list page)", lambda ids: CustomerFilter()),
)


async def search_page(db: Database, f: CustomerFilter) -> tuple[int, int]:
    """What the GraphQL ``customers`` field does for one page: the page, then the total."""
    query = customer_search_query(f)
    async with db.sessionmaker() as session:
        page = query.order_by(*order_columns("last_visit_at", descending=True)).limit(PAGE + 1)
        rows = (await session.scalars(page)).all()
    async with db.sessionmaker() as session:
        total = await session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    return total, len(rows)


async def prepare(db: Database, customers: int) -> None:
    """Reuse a database holding the benchmark salon, or fill an empty one."""
    await upgrade(db.engine)
    async with db.sessionmaker() as session:
        present = await session.scalar(select(func.count()).select_from(Customer))
    if present == customers:
        console.print(f"reusing {db.url.split('@')[-1]} ({present:,} customers)")
        return
    if present:
        raise SystemExit(f"{db.url}: holds {present:,} customers, not {customers:,}; give an empty database")
    console.print(f"building a salon of {customers:,} customers in {db.url.split('@')[-1]} (once) …")
    started = time.perf_counter()
    await load_demo_salon(db, customers=customers, seed=SEED, bulk=True, console=console)
    console.print(f"built in {time.perf_counter() - started:,.0f} s")


async def named_ids(session: AsyncSession) -> dict[str, int]:
    staff = dict((await session.execute(select(StaffMember.name, StaffMember.id))).all())
    menus = dict((await session.execute(select(Menu.name, Menu.id))).all())
    return staff | menus


async def planner_statistics(db: Database, *, keep: bool) -> None:
    """ANALYZE, or (SQLite, ``keep=False``) drop the statistics, as in a database grown by the app."""
    async with db.engine.begin() as conn:
        await conn.execute(text("ANALYZE"))
        if not keep and db.engine.dialect.name == "sqlite":
            await conn.execute(text("DELETE FROM sqlite_stat1"))
    await db.engine.dispose()  # SQLite connections read the statistics when they open


async def run(url: str, customers: int, repeat: int, *, stats: bool) -> Table:
    db = Database(url)
    try:
        await prepare(db, customers)
        await planner_statistics(db, keep=stats)
        async with db.sessionmaker() as session:
            ids = await named_ids(session)
        state = "with" if stats or db.engine.dialect.name != "sqlite" else "without"
        table = Table(title=f"{db.engine.dialect.name}, {customers:,} customers, {state} planner statistics: "
                            f"count + first {PAGE}, {repeat} runs")
        for column in ("search", "matches", "median ms", "p95 ms"):
            table.add_column(column, justify="left" if column == "search" else "right")
        for search in SEARCHES:
            f = search.make(ids)
            for _ in range(2):  # warm caches and the statement cache
                total, _ = await search_page(db, f)
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                await search_page(db, f)
                times.append((time.perf_counter() - started) * 1000)
            times.sort()
            p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
            table.add_row(search.label, f"{total:,}", f"{statistics.median(times):.1f}", f"{p95:.1f}")
        return table
    finally:
        await db.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=30_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--sqlite", type=Path, default=None,
                        help="database file (default: <tmp>/salon-bench-<customers>.sqlite, reused)")
    parser.add_argument("--rebuild", action="store_true", help="delete the SQLite file and build it again")
    parser.add_argument("--no-stats", action="store_true",
                        help="SQLite without planner statistics (as a database grown by the app, "
                             "where ANALYZE never ran)")
    args = parser.parse_args(argv)
    path = args.sqlite or Path(tempfile.gettempdir()) / f"salon-bench-{args.customers}.sqlite"
    if args.rebuild:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    urls = [f"sqlite+aiosqlite:///{path}"]
    if os.environ.get("BENCH_DATABASE_URL"):
        urls.append(os.environ["BENCH_DATABASE_URL"].replace("postgresql://", "postgresql+asyncpg://", 1))
    for url in urls:
        console.print(asyncio.run(run(url, args.customers, args.repeat, stats=not args.no_stats)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
