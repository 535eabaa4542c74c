"""Does the time of a refusal tell a blocked customer from a full slot? ``python -m bench.booking_oracle``.

The customer site answers a blacklisted customer, one owing a cancellation fee and a genuinely full
slot with the same SLOT_FULL body (a test compares them byte for byte). This prints how long each
takes: ``createReservation`` over GraphQL (the app in process, httpx over ASGI) with a customer
token, in interleaved rounds (the cases in a new random order each round), on a small salon built
fresh in a temporary SQLite file, or on ``--url`` (PostgreSQL; its ``public`` schema is rebuilt).

Cases, each asking for a time 30 days ahead:

- ``full``: an ordinary customer asking for a stylist who is booked then (and ``full again``, a second
  ordinary customer the same way: the difference between the two is the noise);
- ``blacklisted`` and ``fee owing``: asking for a stylist who is free then;
- the same three without a stylist (``… any``): both stylists booked then, or both free.

Printed: median and p95 in ms per case, and each median's difference from ``full`` (or ``full any``).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table
from sqlalchemy import text

from models import Menu, StaffMember
from models.db import Database
from services import auth, flags
from services import customers as customer_service
from services.actor import Actor
from services.booking import BookingRequest, cancel_by_customer, create_reservation
from services.migrate import upgrade

console = Console(width=120)
CREATE = """mutation($input: CreateReservationInput!) { createReservation(input: $input) {
  reservation { id } errors { field code message } } }"""


def person(n: int) -> dict:
    return {"last_name": "山田", "first_name": f"花子{n}", "last_name_kana": "ヤマダ", "first_name_kana": "ハナコ",
            "phone": f"0801111{n:04d}", "email": f"oracle{n}@example.jp"}


async def build(db: Database) -> tuple[dict[str, tuple[str, dict]], str]:
    """The salon and, per case, (customer token, input)."""
    async with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    await upgrade(db.engine)
    system = Actor.system("bench")
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=30)
    async with db.transaction() as s:
        stylists = [StaffMember(name="佐藤"), StaffMember(name="鈴木")]
        menu = Menu(name="カット", price=5000, duration_minutes=60)
        s.add_all([*stylists, menu])
        await s.flush()
        people = {name: await customer_service.create_customer(s, person(n), system)
                  for n, name in enumerate(("holder", "full", "full again", "blacklisted", "fee owing"))}
        await flags.add_flag(s, flags.BLACKLIST, people["blacklisted"].id, "出入り禁止", system)
        for stylist, hours in ((stylists[0], 0), (stylists[0], 24), (stylists[1], 24)):
            await create_reservation(s, BookingRequest(people["holder"].id, start + timedelta(hours=hours),
                                                       [menu.id], stylist.id), system)
        late = await create_reservation(s, BookingRequest(people["fee owing"].id, datetime.now(UTC) + timedelta(hours=2),
                                                          [menu.id], stylists[1].id), system)
        await cancel_by_customer(s, late.reservation.id, system)
        tokens = {name: (await auth.issue_customer_token(s, c))[0] for name, c in people.items()}

    def ask(at: datetime, stylist: StaffMember | None) -> dict:
        data = {"startAt": at.isoformat(), "menuIds": [str(menu.id)]}
        return data | ({"staffId": str(stylist.id)} if stylist else {})

    busy, free = ask(start, stylists[0]), ask(start, stylists[1])
    all_busy, all_free = ask(start + timedelta(hours=24), None), ask(start + timedelta(hours=48), None)
    cases = {"full": ("full", busy), "full again": ("full again", busy), "blacklisted": ("blacklisted", free),
             "fee owing": ("fee owing", free), "full any": ("full", all_busy),
             "full again any": ("full again", all_busy), "blacklisted any": ("blacklisted", all_free),
             "fee owing any": ("fee owing", all_free)}
    return {case: (tokens[who], data) for case, (who, data) in cases.items()}, db.engine.dialect.name


async def run(url: str, rounds: int, seed: int) -> Table:
    from server import create_app

    db = Database(url)
    try:
        cases, backend = await build(db)
        app = create_app(database=db, run_migrations=False)
        rng = random.Random(seed)
        times: dict[str, list[float]] = {case: [] for case in cases}
        bodies: dict[str, set[bytes]] = {case: set() for case in cases}
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
            for n in range(rounds + 10):  # the first 10 rounds warm up
                order = list(cases)
                rng.shuffle(order)
                for case in order:
                    token, data = cases[case]
                    started = time.perf_counter()
                    response = await client.post("/graphql", json={"query": CREATE, "variables": {"input": data}},
                                                 headers={"Authorization": f"Bearer {token}"})
                    elapsed = (time.perf_counter() - started) * 1000
                    if n >= 10:
                        times[case].append(elapsed)
                        bodies[case].add(response.content)
        answers = set().union(*bodies.values())
        if len(answers) != 1 or b"SLOT_FULL" not in next(iter(answers)):
            raise SystemExit(f"the answers differ: {answers}")
        return report(times, backend, rounds)
    finally:
        await db.dispose()


def report(times: dict[str, list[float]], backend: str, rounds: int) -> Table:
    table = Table(title=f"createReservation refused with SLOT_FULL, {backend}, {rounds} interleaved rounds "
                        "(every answer byte for byte the same)")
    for column in ("case", "median ms", "p95 ms", "median − full's ms"):
        table.add_column(column, justify="right")
    for case, values in times.items():
        values = sorted(values)
        base = statistics.median(times["full any" if case.endswith(" any") else "full"])
        median = statistics.median(values)
        p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
        table.add_row(case, f"{median:.3f}", f"{p95:.3f}", f"{median - base:+.3f}")
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.booking_oracle", description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--seed", type=int, default=20261207)
    parser.add_argument("--url", help="a throwaway PostgreSQL database (its public schema is rebuilt)")
    args = parser.parse_args(argv)
    if args.url:
        url = args.url.replace("postgresql://", "postgresql+asyncpg://", 1)
        console.print(asyncio.run(run(url, args.rounds, args.seed)))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        console.print(asyncio.run(run(f"sqlite+aiosqlite:///{Path(tmp) / 'oracle.db'}", args.rounds, args.seed)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
