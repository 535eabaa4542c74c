"""Booking benchmark: ``python -m bench.booking``; not part of the app or the tests.

1. **One booking write** (``services.booking.create_reservation``: the rules, the locks, the
   reservation, the customer's figures refreshed and the audit row, committed) on two demo
   salons of about 20,000 and 200,000 reservations, in interleaved rounds. The cost must
   not grow with the store: the figures are refreshed for one customer, through its index.
2. **A day's reservation list through GraphQL over HTTP** (the real server on 127.0.0.1:
   ``reservations`` of the busiest day near 100 reservations, with customer, ❗, menus and
   stylist) against the SQL that very request runs, replayed straight on the driver, in the
   same run. The ratio is the cost of the GraphQL layer; the target is within 2×.

Each salon is built once (``load_demo_salon(bulk=True)``) into ``<tmp>/salon-booking-<n>.sqlite``
and reused. ``--list-url`` runs the day's list on a PostgreSQL database instead (the 30,000-customer
salon of ``bench.search``, filled once), and ``--peer-port`` times the same day's list from a generic
GraphQL server generated from that database (PostGraphile 4 with its connection-filter plugin,
started by hand) in the same rounds. Printed: medians and 95th percentiles in milliseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.table import Table
from sqlalchemy import event, func, select

from models import Customer, Menu, Reservation, StaffAccount, StaffMember, StaffRole
from models.db import Database
from services import auth
from services.actor import Actor
from services.booking import BookingRequest, create_reservation
from services.booking.listing import SALON_TZ
from services.demo import load_demo_salon
from services.migrate import upgrade

console = Console(width=120)
ROOT = Path(__file__).resolve().parent.parent
SEED = 20261124
#: Customers giving about 20,000 and 200,000 reservations (the demo writes ≈ 11 per customer).
SIZES = (1_800, 18_000)
#: The salon of ``--list-url``: the one ``bench.search`` and ``bench.request_path`` share.
SHARED_CUSTOMERS = 30_000
DAY_QUERY = """query($day: Date!) { reservations(filter: {dateFrom: $day, dateTo: $day}, first: 200) {
  edges { node { id startAt endAt status statusLabel isLateCancel cancelFeeYen
    customer { id customerNo fullName isCaution cautionMemo }
    staff { id name } menus { price menu { id name } } } } } }"""
#: The same list from PostGraphile 4 (``--append-plugins postgraphile-plugin-connection-filter`` for
#: the range): the same columns, the caution memo through its table, the name parts for ``fullName``;
#: it has no ``statusLabel``.
PEER_DAY_QUERY = """query($from: Datetime!, $to: Datetime!) {
  allReservations(filter: {startAt: {greaterThanOrEqualTo: $from, lessThan: $to}}, orderBy: [START_AT_ASC, ID_ASC],
                  first: 200) {
  edges { node { id startAt endAt status isLateCancel cancelFeeYen
    customerByCustomerId { id customerNo lastName firstName isCaution cautionByCustomerId { memo } }
    staffMemberByStaffMemberId { id name }
    reservationMenusByReservationId { nodes { price menuByMenuId { id name } } } } } } }"""


def path_for(customers: int) -> Path:
    return Path(tempfile.gettempdir()) / f"salon-booking-{customers}.sqlite"


async def prepare(db: Database, customers: int) -> None:
    await upgrade(db.engine)
    async with db.sessionmaker() as session:
        present = await session.scalar(select(func.count()).select_from(Customer))
    if not present:
        console.print(f"building a salon of {customers:,} customers (once) …")
        await load_demo_salon(db, customers=customers, seed=SEED, bulk=True, console=console)


class Salon:
    """One benchmark database and what a booking needs from it."""

    def __init__(self, customers: int, url: str | None = None) -> None:
        self.db = Database(url or f"sqlite+aiosqlite:///{path_for(customers)}")
        self.customers = customers
        self.rng = random.Random(customers)
        self.on_sqlite = url is None

    async def load(self) -> None:
        if self.on_sqlite:
            await prepare(self.db, self.customers)
        else:
            from bench.search import prepare as prepare_shared

            await prepare_shared(self.db, self.customers)
        async with self.db.sessionmaker() as s:
            self.customer_ids = list((await s.scalars(select(Customer.id).where(
                Customer.withdrawn_at.is_(None), Customer.has_unpaid_cancel_fee.is_(False),
                Customer.has_blacklist_entry.is_(False)))).all())
            self.staff_ids = list((await s.scalars(select(StaffMember.id).where(StaffMember.active))).all())
            self.menu_ids = list((await s.scalars(select(Menu.id).where(Menu.active))).all())
            self.reservations = await s.scalar(select(func.count()).select_from(Reservation))
            latest = await s.scalar(select(func.max(Reservation.end_at)))
        # New bookings go after everything the demo wrote, six hours apart: never a busy stylist.
        self.next_start = latest.replace(minute=0, second=0, microsecond=0) + timedelta(days=30)

    async def book_once(self) -> float:
        request = BookingRequest(
            customer_id=self.rng.choice(self.customer_ids), start_at=self.next_start,
            staff_member_id=self.rng.choice(self.staff_ids), menu_ids=[self.rng.choice(self.menu_ids)])
        self.next_start += timedelta(hours=6)  # longer than any menu
        started = time.perf_counter()
        async with self.db.transaction() as session:
            await create_reservation(session, request, Actor.system("bench"))
        return (time.perf_counter() - started) * 1000


def summary(times: list[float]) -> tuple[str, str]:
    times = sorted(times)
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return f"{statistics.median(times):.2f}", f"{p95:.2f}"


async def bench_writes(salons: list[Salon], rounds: int) -> Table:
    times: dict[int, list[float]] = {s.customers: [] for s in salons}
    for salon in salons:  # warm-up
        for _ in range(5):
            await salon.book_once()
    for _ in range(rounds):
        for salon in salons:
            times[salon.customers].append(await salon.book_once())
    table = Table(title=f"one booking write (create + figures + audit, committed), {rounds} interleaved rounds")
    for column in ("store", "reservations", "median ms", "p95 ms"):
        table.add_column(column, justify="right")
    for salon in salons:
        table.add_row(f"{salon.customers:,} customers", f"{salon.reservations:,}", *summary(times[salon.customers]))
    return table


async def staff_token(db: Database) -> str:
    async with db.transaction() as s:
        account = await s.scalar(select(StaffAccount).where(StaffAccount.login_id == "bench-staff"))
        if account is None:
            account = await auth.create_staff_account(s, login_id="bench-staff", password="bench-password-1",
                                                      display_name="bench", role=StaffRole.STAFF)
        token, _ = await auth.issue_staff_token(s, account)
    return token


async def busiest_day_near(db: Database, target: int) -> tuple[str, int]:
    """The salon day (Japan time) whose reservation count is closest to ``target``."""
    async with db.sessionmaker() as s:
        starts = (await s.scalars(select(Reservation.start_at))).all()
    counts: dict[Any, int] = {}
    for start in starts:
        day = start.astimezone(SALON_TZ).date()
        counts[day] = counts.get(day, 0) + 1
    day = min(counts, key=lambda d: (abs(counts[d] - target), d))
    return day.isoformat(), counts[day]


async def capture_sql(db: Database, call) -> tuple[Any, list[tuple[str, Any]]]:
    """Run ``call`` and return its result with every statement it sent to the database."""
    seen: list[tuple[str, Any]] = []

    def listener(conn, cursor, statement, parameters, context, executemany) -> None:
        seen.append((statement, parameters))

    event.listen(db.engine.sync_engine, "before_cursor_execute", listener)
    try:
        result = await call()
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", listener)
    return result, seen


async def replay(db: Database, statements: list[tuple[str, Any]]) -> float:
    """Run ``statements`` one after another on a pooled connection's driver connection itself (on
    aiosqlite each with ``execute_fetchall``, on asyncpg each prepared, the cheapest ways the
    drivers offer): the SQL's own cost."""
    async with db.engine.connect() as conn:
        driver = (await conn.get_raw_connection()).driver_connection
        if hasattr(driver, "execute_fetchall"):
            started = time.perf_counter()
            for statement, parameters in statements:
                await driver.execute_fetchall(statement, parameters)
            return (time.perf_counter() - started) * 1000
        from bench.request_path import time_sql  # the request-path benchmark's own asyncpg timing

        return await time_sql(driver, [(statement, tuple(parameters or ())) for statement, parameters in statements], 1)


async def bench_day_list(salon: Salon, rounds: int, port: int, peer_port: int | None = None) -> Table:
    """The day's list from the real server (``cli serve``, its own process, as in production)
    over keep-alive HTTP, against the statements that request sends once its token is known,
    replayed on the driver; interleaved, one request then its SQL (then the peer's answer to the
    same list, with ``peer_port``), ``rounds`` times."""
    from bench.request_path import Connection, Server, http_request

    day, expected = await busiest_day_near(salon.db, 100)
    token = await staff_token(salon.db)
    variables = {"day": day}
    statements = await captured_day_sql(salon.db, token, variables)
    start = datetime.combine(date.fromisoformat(day), datetime.min.time(), SALON_TZ)
    peer_request = http_request(PEER_DAY_QUERY, {"from": start.isoformat(),
                                                 "to": (start + timedelta(days=1)).isoformat()}, None)
    server = Server(ROOT, str(salon.db.engine.url.render_as_string(hide_password=False)), port, workers=1)
    peer = None
    try:
        await asyncio.to_thread(server.wait_healthy)
        conn = await Connection.open(port)
        try:
            request = http_request(DAY_QUERY, variables, token)
            body = json.loads(await conn.send(request))
            assert not body.get("errors"), body
            rows = len(body["data"]["reservations"]["edges"])
            if peer_port is not None:
                peer = await Connection.open(peer_port)
                answer = json.loads(await peer.send(peer_request))
                assert not answer.get("errors"), answer
                assert len(answer["data"]["allReservations"]["edges"]) == rows, answer
            http_times, sql_times, peer_times = [], [], []
            for _ in range(5):
                await conn.send(request)
                await replay(salon.db, statements)
                if peer is not None:
                    await peer.send(peer_request)
            for _ in range(rounds):
                started = time.perf_counter()
                await conn.send(request)
                http_times.append((time.perf_counter() - started) * 1000)
                sql_times.append(await replay(salon.db, statements))
                if peer is not None:
                    started = time.perf_counter()
                    await peer.send(peer_request)
                    peer_times.append((time.perf_counter() - started) * 1000)
        finally:
            conn.close()
            if peer is not None:
                peer.close()
    finally:
        await asyncio.to_thread(server.stop)
    sql_median = statistics.median(sql_times)
    table = Table(title=f"a day's reservation list ({salon.db.engine.dialect.name}, {day}, {rows} reservations "
                        f"of {expected}), {rounds} interleaved rounds, {len(statements)} SQL statements")
    for column in ("what", "median ms", "p95 ms", "÷ its SQL"):
        table.add_column(column, justify="right")
    table.add_row("GraphQL over HTTP (cli serve, 1 worker)", *summary(http_times),
                  f"{statistics.median(http_times) / sql_median:.2f}× (target ≤ 2×)")
    table.add_row("its SQL, replayed on the driver", *summary(sql_times), "")
    if peer_times:
        table.add_row("PostGraphile 4 (peer), same list", *summary(peer_times),
                      f"{statistics.median(peer_times) / sql_median:.2f}×")
    return table


async def captured_day_sql(db: Database, token: str, variables: dict) -> list[tuple[str, Any]]:
    """The statements the day's list sends once the token is remembered (as for every later request)."""
    from server import create_app

    app = create_app(database=db, run_migrations=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench",
                                 headers={"Authorization": f"Bearer {token}"}) as client:
        async def request() -> dict:
            response = await client.post("/graphql", json={"query": DAY_QUERY, "variables": variables})
            response.raise_for_status()
            return response.json()

        await request()  # the token is looked up and remembered
        body, statements = await capture_sql(db, request)
    assert not body.get("errors"), body
    return statements


async def main_async(sizes: tuple[int, ...], rounds: int, port: int, writes: bool = True,
                     list_url: str | None = None, peer_port: int | None = None) -> None:
    salons = [Salon(n) for n in sizes] if writes or list_url is None else []
    listed = Salon(SHARED_CUSTOMERS, list_url) if list_url else salons[-1]
    try:
        for salon in {*salons, listed}:
            await salon.load()
        if writes:
            console.print(await bench_writes(salons, rounds))
        console.print(await bench_day_list(listed, rounds, port, peer_port))
    finally:
        for salon in {*salons, listed}:
            await salon.db.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.booking", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES),
                        help="customers per salon (≈ 11 reservations each)")
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--port", type=int, default=8106, help="port of the local server for the list")
    parser.add_argument("--list-only", action="store_true", help="only the day's list (on the last size)")
    parser.add_argument("--list-url", help="the day's list on this PostgreSQL database instead "
                                           f"({SHARED_CUSTOMERS:,} customers, filled once as by bench.search)")
    parser.add_argument("--peer-port", type=int, help="a PostGraphile 4 (connection-filter plugin) on the "
                                                      "--list-url database, on this port, timed in the same rounds")
    args = parser.parse_args(argv)
    list_url = args.list_url and args.list_url.replace("postgresql://", "postgresql+asyncpg://", 1)
    if args.peer_port is not None and not list_url:
        parser.error("--peer-port needs --list-url (the peer serves a PostgreSQL database)")
    asyncio.run(main_async(tuple(args.sizes), args.rounds, args.port, writes=not args.list_only,
                           list_url=list_url, peer_port=args.peer_port))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
