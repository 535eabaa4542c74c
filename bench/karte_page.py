"""The customer page of a regular, in the admin and over GraphQL: ``python -m bench.karte_page``.

On a salon like the search benchmark's (30,000 customers, ``services.demo``, built once into a file of
its own and reused), one more customer, a regular, is given 300 reservations, 150 sales reports, 100 karte entries, 20 visit memos
and 3 images (once). Then the staff app's customer page is read through the schema in-process,
the way /graphql runs it (its executor, dataloaders and one read connection per request): the
profile, the last 20 reservations with menus, stylist and sales report, the karte entries with
their masters, the memos and the images. In the same rounds, interleaved, the front desk's page for
the same customer is rendered by the admin (``/admin/customer/details/<id>`` through the app in-process,
signed in as a manager: the header, upcoming reservations, the last 20 of the history, the figures,
the karte counts, tickets, profile and changes). Prints the medians and the 95th percentiles in
milliseconds (the budget: 50 ms each). ``BENCH_DATABASE_URL`` (PostgreSQL: an empty database, or one this benchmark
filled) adds the same run there.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from PIL import Image
from rich.console import Console
from rich.table import Table
import re

import httpx
from sqlalchemy import insert, select
from sqlalchemy.exc import DBAPIError

from bench.search import prepare
from models import (
    Customer,
    KarteCategory,
    KarteDetail,
    KarteEntry,
    KarteImage,
    Menu,
    Reservation,
    ReservationChannel,
    ReservationMenu,
    ReservationStatus,
    SalesReport,
    StaffAccount,
    StaffMember,
    StaffRole,
    VisitMemo,
)
from models.db import Database
from resolvers.runtime.context import Context
from resolvers.runtime.loaders import Loaders
from resolvers.runtime.reads import RequestReads
from resolvers.schema import schema
from services.actor import Actor
from services import auth
from services.config import get_settings
from services.customer_stats import refresh_customer_stats
from services.customers import create_customer
from services.migrate import upgrade

console = Console()
REGULAR_EMAIL = "karte-bench-regular@example.jp"
MANAGER = ("karte-bench-manager", "karte-bench-password-1")
PAGE = """query($id: ID!) { customer(id: $id) {
  id customerNo fullName fullNameKana phoneDisplay birthDateWareki isCaution cautionMemo visitCount cancelCount
  firstVisitAt lastVisitAt averageVisitIntervalDays lastMenu { name }
  reservations(first: 20) { totalCount edges { node { id startAt status statusLabel totalPrice
    menus { price menu { name } } staff { name } salesReport { treatment nextProposal amountYen } } } }
  karteEntries(first: 100) { totalCount edges { node { id visitDate text isHealthInfo
    category { name } detail { name } staff { name } } } }
  visitMemos(first: 20) { edges { node { visitDate text } } }
  images { id width height byteSize url } } }"""


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1200, 900), "white").save(out, format="JPEG", quality=88)
    return out.getvalue()


async def regular(db: Database) -> int:
    """The regular's id; made (with its history) on the first run."""
    async with db.sessionmaker() as session:
        found = await session.scalar(select(Customer.id).where(Customer.email == REGULAR_EMAIL))
    if found is not None:
        return found
    actor = Actor.system("bench")
    async with db.transaction() as session:
        customer = await create_customer(session, {
            "last_name": "常連", "first_name": "花子", "last_name_kana": "ジョウレン", "first_name_kana": "ハナコ",
            "phone": "09099990000", "email": REGULAR_EMAIL}, actor)
        menus = list((await session.scalars(select(Menu.id).order_by(Menu.id).limit(5))).all())
        staff = list((await session.scalars(select(StaffMember.id).order_by(StaffMember.id).limit(4))).all())
        category = KarteCategory(name="ベンチ用カラー")
        session.add(category)
        await session.flush()
        detail = KarteDetail(category_id=category.id, name="薬剤")
        session.add(detail)
        await session.flush()
        start = datetime(2020, 1, 5, 1, 0, tzinfo=UTC)
        ids = []
        for n in range(300):
            at = start + timedelta(days=7 * n)
            result = await session.execute(insert(Reservation).values(
                customer_id=customer.id, staff_member_id=staff[n % len(staff)], start_at=at,
                end_at=at + timedelta(hours=1), channel=ReservationChannel.ADMIN, status=ReservationStatus.VISITED,
                visited_at=at).returning(Reservation.id))
            ids.append(result.scalar_one())
        await session.execute(insert(ReservationMenu), [
            {"reservation_id": rid, "menu_id": menus[n % len(menus)], "price": 5500} for n, rid in enumerate(ids)])
        await session.execute(insert(SalesReport), [
            {"reservation_id": rid, "customer_id": customer.id, "staff_member_id": staff[0], "treatment": "カット",
             "next_proposal": "カラー", "amount_yen": 5500} for rid in ids[::2]])
        await session.execute(insert(KarteEntry), [
            {"customer_id": customer.id, "visit_date": date(2020, 1, 5) + timedelta(days=7 * n),
             "category_id": category.id, "detail_id": detail.id, "text": f"根元から塗布 {n % 12}%",
             "staff_member_id": staff[1], "is_health_info": False} for n in range(100)])
        await session.execute(insert(VisitMemo), [
            {"customer_id": customer.id, "visit_date": date(2020, 1, 5) + timedelta(days=14 * n),
             "text": "旅行の話", "is_health_info": False} for n in range(20)])
        picture = _jpeg()
        await session.execute(insert(KarteImage), [
            {"customer_id": customer.id, "data": picture, "width": 1200, "height": 900, "byte_size": len(picture),
             "uploaded_at": datetime.now(UTC)} for _ in range(3)])
        await refresh_customer_stats(session, [customer.id])
        return customer.id


async def read_page(db: Database, actor: Actor, customer_id: int) -> dict:
    reads = RequestReads(db)
    context = Context(db=db, settings=get_settings(), actor=actor, loaders=Loaders(reads), request=None,
                      reads=reads)  # type: ignore[arg-type]
    try:
        result = await schema.execute(PAGE, variable_values={"id": str(customer_id)}, context_value=context)
    finally:
        await reads.close()
    assert not result.errors, result.errors
    return result.data  # type: ignore[return-value]


async def ready(db: Database, customers: int) -> int:
    """The regular's id, in a salon of ``customers`` others built on the first run."""
    async with db.sessionmaker() as session:
        try:
            found = await session.scalar(select(Customer.id).where(Customer.email == REGULAR_EMAIL))
        except DBAPIError:  # an empty database: no tables yet
            found = None
    if found is None:
        await prepare(db, customers)
        found = await regular(db)
    return found


async def admin_session(db: Database) -> httpx.AsyncClient:
    """A manager signed in to the admin of the app in-process (the account made on the first run)."""
    from server import create_app

    async with db.transaction() as session:
        if await session.scalar(select(StaffAccount.id).where(StaffAccount.login_id == MANAGER[0])) is None:
            await auth.create_staff_account(session, login_id=MANAGER[0], password=MANAGER[1],
                                            display_name="ベンチ店長", role=StaffRole.MANAGER)
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(database=db, run_migrations=False)),
                             base_url="http://bench")
    page = await http.get("/admin/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    signed_in = await http.post("/admin/login", data={"username": MANAGER[0], "password": MANAGER[1],
                                                      "csrf_token": token})
    assert signed_in.status_code == 302, signed_in.text
    return http


async def render_page(http: httpx.AsyncClient, customer_id: int) -> None:
    response = await http.get(f"/admin/customer/details/{customer_id}")
    assert response.status_code == 200 and "常連 花子 様" in response.text, response.status_code


def _median_p95(times: list[float]) -> tuple[float, float]:
    times = sorted(times)
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


async def run(url: str, customers: int, rounds: int) -> tuple[str, tuple[float, float], tuple[float, float], dict]:
    db = Database(url)
    try:
        await upgrade(db.engine)  # a salon built by an earlier run catches up with the schema
        customer_id = await ready(db, customers)
        actor = Actor.system("bench")
        http = await admin_session(db)
        data = await read_page(db, actor, customer_id)
        for _ in range(3):
            await read_page(db, actor, customer_id)
            await render_page(http, customer_id)
        graphql, admin = [], []
        for _ in range(rounds):  # interleaved: both see the same moments of a noisy machine
            started = time.perf_counter()
            await read_page(db, actor, customer_id)
            graphql.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            await render_page(http, customer_id)
            admin.append((time.perf_counter() - started) * 1000)
        await http.aclose()
        return db.engine.dialect.name, _median_p95(graphql), _median_p95(admin), data["customer"]
    finally:
        await db.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.karte_page", description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=30000)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args(argv)
    path = Path(tempfile.gettempdir()) / f"salon-karte-bench-{args.customers}.sqlite"
    urls = [f"sqlite+aiosqlite:///{path}"]
    if os.environ.get("BENCH_DATABASE_URL"):
        urls.append(os.environ["BENCH_DATABASE_URL"].replace("postgresql://", "postgresql+asyncpg://", 1))
    table = Table(title=f"the customer page of a regular, {args.customers:,} customers, {args.rounds} "
                        "interleaved rounds (ms)")
    for column in ("database", "reservations", "reports", "karte", "images", "GraphQL median", "GraphQL p95",
                   "admin median", "admin p95"):
        table.add_column(column, justify="left" if column == "database" else "right")
    for url in urls:
        name, (median, p95), (admin_median, admin_p95), page = asyncio.run(run(url, args.customers, args.rounds))
        table.add_row(name, str(page["reservations"]["totalCount"]),
                      str(sum(1 for e in page["reservations"]["edges"] if e["node"]["salesReport"])) + " of 20",
                      str(page["karteEntries"]["totalCount"]), str(len(page["images"])),
                      f"{median:.1f}", f"{p95:.1f}", f"{admin_median:.1f}", f"{admin_p95:.1f}")
    console.print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
