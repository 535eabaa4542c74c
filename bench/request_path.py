"""GraphQL request-path benchmark: ``python -m bench.request_path`` (PostgreSQL).

Starts the real server (``python -m cli serve``, one worker, then two) on a PostgreSQL
database holding the benchmark salon (30,000 customers by the project's own loader, built
once by ``bench.search``'s preparation and reused), and times requests over HTTP on
127.0.0.1: ``customer(id:)``, a 50-row page with ``totalCount``, the same with ``lastMenu``, a
name search, the nested page (50 customers, each with its last 3 reservations with menus and
staff) and a day's list of about 100 reservations (customer, ❗, staff, menus). For each: median
and p90 latency at concurrency 1, requests/s at concurrency 1 and 8, the server's CPU per request
(its processes' user + system time over the concurrency-1 run), the statements it sends, and
beside them the median of the very SQL the server sent for that request (captured with
SQLAlchemy events) run directly through asyncpg in the same round, with the ratio. Rounds
interleave the server configurations and the SQL; the figures are medians over rounds.
``--baseline DIR`` (repeatable) adds a row per request for the server started from another
checkout of the project (one worker), e.g. an older commit. ``--peer-port N`` adds a row for a
generic GraphQL server generated from the same database (PostGraphile 4, started by hand on that
port, with ``postgraphile-plugin-connection-filter`` for the day's range; ``--peer-pid`` its
process, for its CPU), asked for the same columns.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from datetime import date, datetime, timedelta
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx
from rich.console import Console
from rich.table import Table
from sqlalchemy import event, func, select, text

from bench.booking import DAY_QUERY, PEER_DAY_QUERY, busiest_day_near
from bench.search import prepare
from services.booking.listing import SALON_TZ
from models import Customer, StaffAccount
from models.db import Database
from services import auth

ROOT = Path(__file__).resolve().parent.parent
CUSTOMERS = 30_000
console = Console(width=150)

NESTED = "nested page: 50 × last 3 reservations"
DAY_LIST = "day list (~100 reservations)"
NODE = "id customerNo fullName fullNameKana phone email visitCount cancelCount lastVisitAt registeredAt"
REQUESTS = {
    # The floor: HTTP, Starlette, Strawberry and the token, with no field to resolve and no SQL.
    "{ __typename } (floor)": ("{ __typename }", {}),
    "customer(id:)": ("query($id: ID!) { customer(id: $id) { " + NODE + " } }", {}),
    "page 50 + totalCount": (
        "query { customers(first: 50) { totalCount edges { node { " + NODE + " } } } }", {}),
    "page 50 + totalCount + lastMenu": (
        "query { customers(first: 50) { totalCount edges { node { " + NODE + " lastMenu { name } } } } }", {}),
    "name search 「やまだ」": (
        'query { customers(first: 50, filter: {name: "やまだ"}) { totalCount edges { node { ' + NODE
        + " } } } }", {}),
    # What the staff app sends most: a page of customers, each with its last 3 reservations.
    NESTED: (
        "query { customers(first: 50) { edges { node { id customerNo fullName reservations(first: 3) {"
        " edges { node { id startAt status menus { price menu { name } } staff { name } } } } } } } }", {}),
    # The front desk's day sheet (the day with the count nearest 100, chosen in setup).
    DAY_LIST: (DAY_QUERY, {}),
}

#: The same requests for a generic server generated from the PostgreSQL schema (PostGraphile 4:
#: ``npx postgraphile@4 -c postgresql://…/bench --port N --disable-query-log``), the same columns
#: (the name parts where this project answers ``fullName``), order and filter (no withdrawn
#: customers, customer number then id). It has no name search without a plugin.
PEER_NODE = ("id customerNo lastName firstName lastNameKana firstNameKana phone email visitCount "
             "cancelCount lastVisitAt registeredAt")
PEER_PAGE = "allCustomers(first: 50, orderBy: [CUSTOMER_NO_ASC, ID_ASC], condition: {withdrawnAt: null})"
PEER_REQUESTS = {
    "{ __typename } (floor)": "{ __typename }",
    "customer(id:)": "query($id: Int!) { customerById(id: $id) { " + PEER_NODE + " } }",
    "page 50 + totalCount": "query { " + PEER_PAGE + " { totalCount edges { node { " + PEER_NODE + " } } } }",
    "page 50 + totalCount + lastMenu": (
        "query { " + PEER_PAGE + " { totalCount edges { node { " + PEER_NODE + " menuByLastMenuId { name } } } } }"),
    NESTED: (
        "query { " + PEER_PAGE + " { edges { node { id customerNo lastName firstName "
        "reservationsByCustomerId(first: 3, orderBy: [START_AT_DESC, ID_DESC]) { edges { node { "
        "id startAt status "
        "reservationMenusByReservationId(orderBy: [ID_ASC]) { nodes { price menuByMenuId { name } } } "
        "staffMemberByStaffMemberId { name } } } } } } } }"),
    DAY_LIST: PEER_DAY_QUERY,
}
PEER = "PostGraphile 4 (peer)"


@dataclass
class Sample:
    """One round of one request on one server: latencies (ms) and throughput."""

    latencies: list[float]
    rps_1: float
    rps_8: float
    cpu_ms: float | None = None  # the server's CPU per request at concurrency 1


@dataclass
class Figures:
    rounds: dict[tuple[str, str], list[Sample]] = field(default_factory=lambda: defaultdict(list))
    sql: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))  # round medians


# ---------------------------------------------------------------- a lean HTTP/1.1 keep-alive client


class Connection:
    """Keep-alive HTTP/1.1 POSTs with pre-built bytes: the client should cost the 2 cores little."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        return cls(*await asyncio.open_connection("127.0.0.1", port))

    async def send(self, request: bytes) -> bytes:
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = head[9:12]
        length = 0
        for line in head.split(b"\r\n"):
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        body = await self.reader.readexactly(length)
        if status != b"200":
            raise RuntimeError(f"HTTP {status.decode()}: {body[:300]!r}")
        return body

    def close(self) -> None:
        self.writer.close()


def http_request(query: str, variables: dict, token: str | None) -> bytes:
    body = json.dumps({"query": query, "variables": variables}).encode()
    authorization = f"Authorization: Bearer {token}\r\n" if token else ""
    head = (f"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"{authorization}Content-Length: {len(body)}\r\n\r\n")
    return head.encode() + body


def peer_request(name: str, variables: dict) -> bytes | None:
    """The peer's request for ``name`` (None where it has none), with the same variables."""
    query = PEER_REQUESTS.get(name)
    if query is None:
        return None
    if name == DAY_LIST:  # the salon day as a range of instants
        start = datetime.combine(date.fromisoformat(variables["day"]), datetime.min.time(), SALON_TZ)
        return http_request(query, {"from": start.isoformat(), "to": (start + timedelta(days=1)).isoformat()},
                            None)
    return http_request(query, {k: int(v) for k, v in variables.items()}, None)


def cpu_seconds(pid: int | None) -> float | None:
    """User + system CPU seconds of process ``pid`` and its living descendants (Linux /proc)."""
    if pid is None:
        return None
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        times[int(entry)] = (int(fields[11]) + int(fields[12])) / tick
    tree, changed = {pid}, True
    while changed:
        grown = tree | {child for child, parent in parents.items() if parent in tree}
        changed, tree = grown != tree, grown
    return sum(times.get(p, 0.0) for p in tree)


async def measure(port: int, request: bytes, n1: int, n8: int, pid: int | None = None) -> Sample:
    conn = await Connection.open(port)
    try:
        answer = json.loads(await conn.send(request))  # warm-up, and a check that it answers
        if answer.get("errors"):
            raise RuntimeError(answer["errors"])
        latencies = []
        cpu_before = cpu_seconds(pid)
        started = time.perf_counter()
        for _ in range(n1):
            t = time.perf_counter()
            await conn.send(request)
            latencies.append((time.perf_counter() - t) * 1000)
        rps_1 = n1 / (time.perf_counter() - started)
        cpu_after = cpu_seconds(pid)
    finally:
        conn.close()
    conns = [await Connection.open(port) for _ in range(8)]
    try:
        async def loop(c: Connection) -> None:
            for _ in range(n8):
                await c.send(request)

        await asyncio.gather(*(c.send(request) for c in conns))  # every connection warm
        started = time.perf_counter()
        await asyncio.gather(*(loop(c) for c in conns))
        rps_8 = 8 * n8 / (time.perf_counter() - started)
    finally:
        for c in conns:
            c.close()
    cpu_ms = None if cpu_before is None or cpu_after is None else (cpu_after - cpu_before) * 1000 / n1
    return Sample(latencies, rps_1, rps_8, cpu_ms)


# ---------------------------------------------------------------- the database, the token, the SQL


async def setup(url: str) -> tuple[str, dict[str, dict]]:
    """Fill (once), VACUUM and ANALYZE the database; a staff token; each request's variables.

    VACUUM as autovacuum would have by then: right after the bulk load no page is marked
    all-visible, so a count cannot use an index-only scan and takes several times as long.
    """
    db = Database(url)
    try:
        await prepare(db, CUSTOMERS)
        async with db.engine.connect() as conn:  # VACUUM cannot run inside a transaction
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text("VACUUM ANALYZE"))
        async with db.transaction() as session:
            account = await session.scalar(select(StaffAccount).where(StaffAccount.login_id == "staff"))
            token, _ = await auth.issue_staff_token(session, account)
            middle = await session.scalar(select(func.min(Customer.id)).select_from(Customer)) + CUSTOMERS // 2
        day, _ = await busiest_day_near(db, 100)
    finally:
        await db.dispose()
    variables = {name: dict(v) for name, (_, v) in REQUESTS.items()}
    if "customer(id:)" in variables:
        variables["customer(id:)"]["id"] = str(middle)
    if DAY_LIST in variables:
        variables[DAY_LIST]["day"] = day
    return token, variables


async def capture_sql(url: str, token: str, variables: dict[str, dict]) -> dict[str, list[tuple[str, tuple]]]:
    """The statements (text, parameters) the app sends for each request, its token already known."""
    from server import create_app

    db = Database(url)
    captured: list[tuple[str, tuple]] = []

    def on_execute(conn, cursor, statement, parameters, context, executemany) -> None:
        captured.append((statement, tuple(parameters or ())))

    app = create_app(database=db, run_migrations=False)
    result = {}
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as http:
            for name, (query, _) in REQUESTS.items():
                body = {"query": query, "variables": variables[name]}
                headers = {"Authorization": f"Bearer {token}"}
                await http.post("/graphql", json=body, headers=headers)
                event.listen(db.engine.sync_engine, "before_cursor_execute", on_execute)
                answer = (await http.post("/graphql", json=body, headers=headers)).json()
                event.remove(db.engine.sync_engine, "before_cursor_execute", on_execute)
                if answer.get("errors"):
                    raise RuntimeError(answer["errors"])
                result[name], captured[:] = list(captured), []
    finally:
        await db.dispose()
    return result


async def time_sql(conn: asyncpg.Connection, statements: list[tuple[str, tuple]], n: int) -> float:
    """Median ms of running ``statements`` one after another through asyncpg (prepared, as the app)."""
    prepared = [(await conn.prepare(sql), params) for sql, params in statements]
    for stmt, params in prepared:
        await stmt.fetch(*params)
    times = []
    for _ in range(n):
        t = time.perf_counter()
        for stmt, params in prepared:
            await stmt.fetch(*params)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


# ---------------------------------------------------------------- servers


class Server:
    def __init__(self, source: Path, url: str, port: int, workers: int | None) -> None:
        env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(source)}
        env.pop("WEB_CONCURRENCY", None)
        args = [sys.executable, "-m", "cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
        if workers is not None:
            args += ["--workers", str(workers)]
        self.port = port
        self.process = subprocess.Popen(args, cwd=source, env=env, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE)

    def wait_healthy(self, seconds: float = 300) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.process.stderr.read().decode()[-2000:]}")
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/healthz", timeout=1, trust_env=False).status_code == 200:
                    time.sleep(1.0)  # every worker up
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"server not healthy in time: {self.process.stderr.read().decode()[-2000:]}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


# ---------------------------------------------------------------- the run


async def one_round(configs, url, token, variables, sql, port, n1, n8, figures: Figures,
                    peer_port: int | None = None, peer_pid: int | None = None) -> None:
    pg = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://", 1))
    try:
        if peer_port is not None:
            for name in REQUESTS:
                request = peer_request(name, variables[name])
                if request is not None:
                    figures.rounds[(PEER, name)].append(await measure(peer_port, request, n1, n8, peer_pid))
        for label, source, workers in configs:
            server = Server(source, url, port, workers)
            try:
                await asyncio.to_thread(server.wait_healthy)
                for name, (query, _) in REQUESTS.items():
                    if sql[name]:
                        figures.sql[name].append(await time_sql(pg, sql[name], n1))
                    sample = await measure(port, http_request(query, variables[name], token), n1, n8,
                                           server.process.pid)
                    figures.rounds[(label, name)].append(sample)
            finally:
                await asyncio.to_thread(server.stop)
    finally:
        await pg.close()


def report(figures: Figures, configs, sql: dict[str, list]) -> Table:
    table = Table(title="GraphQL request path, PostgreSQL, 30,000 customers: medians over rounds")
    for column in ("request", "server", "median ms", "p90 ms", "req/s c=1", "req/s c=8", "CPU ms/req",
                   "statements", "SQL median ms", "ratio"):
        table.add_column(column, justify="left" if column in ("request", "server") else "right")
    for name in REQUESTS:
        sql_ms = statistics.median(figures.sql[name]) if figures.sql[name] else None
        ours = {label for label, source, _ in configs if source == ROOT}  # the statements are this checkout's
        for label in [label for label, _, _ in configs] + [PEER]:
            samples = figures.rounds.get((label, name))
            if not samples:
                continue
            median = statistics.median(statistics.median(s.latencies) for s in samples)
            pooled = sorted(x for s in samples for x in s.latencies)
            p90 = pooled[int(0.9 * (len(pooled) - 1))]
            rps1 = statistics.median(s.rps_1 for s in samples)
            rps8 = statistics.median(s.rps_8 for s in samples)
            cpus = [s.cpu_ms for s in samples if s.cpu_ms is not None]
            table.add_row(name, label, f"{median:.2f}", f"{p90:.2f}", f"{rps1:,.0f}", f"{rps8:,.0f}",
                          f"{statistics.median(cpus):.2f}" if cpus else "—",
                          str(len(sql[name])) if label in ours else "—",
                          "—" if sql_ms is None else f"{sql_ms:.2f}",
                          "—" if sql_ms is None else f"{median / sql_ms:.1f}×")
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.request_path", description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=60, help="sequential requests per round (c=1)")
    parser.add_argument("--per-connection", type=int, default=15, help="requests per connection at c=8")
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "8100")))
    parser.add_argument("--baseline", type=Path, action="append", default=[],
                        help="another checkout of the project, served with one worker (repeatable)")
    parser.add_argument("--workers", default="1,2",
                        help="worker counts to serve this checkout with (default 1,2; empty: none)")
    parser.add_argument("--peer-port", type=int,
                        help="a PostGraphile 4 on this port, on the same database, timed in the same rounds")
    parser.add_argument("--peer-pid", type=int, help="the peer's process, for its CPU per request")
    parser.add_argument("--only", help="comma-separated names of the requests to time (default: all)")
    args = parser.parse_args(argv)
    url = os.environ.get("BENCH_DATABASE_URL", "")
    if not url.startswith(("postgresql://", "postgresql+asyncpg://")):
        raise SystemExit("set BENCH_DATABASE_URL to a PostgreSQL database (empty, or filled by the benchmarks)")
    url = url.replace("postgresql://", "postgresql+asyncpg://", 1)
    configs = [(f"{n} worker{'s' if int(n) > 1 else ''}", ROOT, int(n)) for n in args.workers.split(",") if n]
    for baseline in reversed(args.baseline):
        configs.insert(0, (f"{baseline.name}, 1 process", baseline.resolve(), None))
    if args.only:
        for name in set(REQUESTS) - {n.strip() for n in args.only.split(",")}:
            del REQUESTS[name]

    token, variables = asyncio.run(setup(url))
    sql = asyncio.run(capture_sql(url, token, variables))
    for name, statements in sql.items():
        console.print(f"{name}: {len(statements)} statement(s) on the wire")
    figures = Figures()
    for number in range(args.rounds):
        console.print(f"round {number + 1}/{args.rounds} …")
        turn = number % len(configs)  # each configuration goes first in turn: the machine drifts
        asyncio.run(one_round(configs[turn:] + configs[:turn], url, token, variables, sql, args.port,
                              args.requests, args.per_connection, figures, args.peer_port, args.peer_pid))
    console.print(report(figures, configs, sql))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
