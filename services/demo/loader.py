"""Writes the demo salon: customers through the customer service (or bulk), then their history."""

from __future__ import annotations

import random
from dataclasses import dataclass, field, fields
from datetime import datetime, timezone
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    BlacklistEntry,
    Caution,
    Customer,
    CustomerAttribute,
    CustomerFreeItemValue,
    KarteEntry,
    Referral,
    Reservation,
    ReservationMenu,
    SalesReport,
    TicketExpiryChange,
    TicketPurchase,
    TicketUse,
    VisitMemo,
    Withdrawal,
    customer_inflow_routes,
)
from models.db import Database
from services.actor import Actor
from services.customer_fields import SCALAR_FIELDS, Mode, clean_customer
from services.customer_stats import refresh_customer_flags, refresh_customer_stats
from services.customers import create_customer, derive_keys, keys_of
from services.demo import data
from services.demo.data import Booking, Person, Planner
from services.demo.masters import ensure_accounts, ensure_masters
from services.store import get_store_settings

CHUNK = 250  # customers written (and flushed) at a time
#: Defaults of the fields a Person's data may leave out (as create_customer would store them).
_OPTIONAL = dict.fromkeys(("birth_date", "postal_code", "address_line", "occupation_id",
                           "first_visit_motive_id", "notes")) | {"mail_ok": True, "phone_ok": True,
                                                                  "dm_ok": True, "pre_system_visit_count": 0}


@dataclass
class DemoSummary:
    """What one run of :func:`load_demo_salon` wrote."""

    customers: int = 0
    reservations: int = 0
    walk_ins: int = 0
    sales_reports: int = 0
    karte_entries: int = 0
    visit_memos: int = 0
    ticket_purchases: int = 0
    ticket_uses: int = 0
    cautions: int = 0
    blacklisted: int = 0
    withdrawn: int = 0
    referrals: int = 0
    accounts: list[str] = field(default_factory=list)
    skipped: bool = False

    def counts(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.type in ("int", int)}


async def load_demo_salon(
    db: Database,
    *,
    customers: int = 2000,
    seed: int = 20261124,
    if_empty: bool = False,
    bulk: bool = False,
    now: datetime | None = None,
    console: Console | None = None,
) -> DemoSummary:
    """Fill ``db`` with a demo salon of ``customers`` customers (about 10 reservations each).

    With ``if_empty`` nothing happens when any customer exists. Masters, menus, staff
    and accounts are reused by name when present; the store settings are written only
    while the store has no name. One transaction: a failure leaves the database as it was.
    """
    console = console or Console()
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    async with db.transaction() as session:
        existing = await session.scalar(select(func.count()).select_from(Customer))
        if existing and if_empty:
            console.print(f"demo: the database already has {existing:,} customers; nothing loaded.")
            return DemoSummary(skipped=True)
        summary = await _Loader(session, console, bulk=bulk).run(random.Random(seed), now, customers)
    print_summary(summary, console)
    return summary


def print_summary(summary: DemoSummary, console: Console) -> None:
    table = Table(title="demo salon", show_header=False)
    for name, value in summary.counts().items():
        table.add_row(name, f"{value:,}")
    console.print(table)
    for login, password, display, is_manager, _ in data.STAFF_ACCOUNTS:
        if login in summary.accounts:
            role = "manager" if is_manager else "staff"
            console.print(f"login ({role}, {display}): [bold]{login}[/bold] / [bold]{password}[/bold]")
    if not summary.accounts:
        console.print("demo accounts already existed: none created.")


class _Loader:
    def __init__(self, session: AsyncSession, console: Console, *, bulk: bool) -> None:
        self.session = session
        self.console = console
        self.bulk = bulk
        self.summary = DemoSummary()
        self.actor = Actor.system("demo")
        self.ids: list[int] = []  # customer id by Person.index

    async def run(self, rng: random.Random, now: datetime, count: int) -> DemoSummary:
        masters = await ensure_masters(self.session)
        self.summary.accounts = await ensure_accounts(self.session, masters)
        settings = await get_store_settings(self.session)
        self._no_next, self._no_prefix = settings.customer_no_next, settings.customer_no_prefix
        self._no_digits = settings.customer_no_digits
        in_use = select(Customer.email_key, Customer.phone, Customer.customer_no)
        rows = (await self.session.execute(in_use)).all()
        self.numbers = {r.customer_no for r in rows}
        self.planner = Planner(rng, masters, now, ({r.email_key for r in rows if r.email_key},
                                                   {r.phone for r in rows if r.phone}, self.numbers))
        people = self.planner.people(count)
        progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), console=self.console, disable=not self.console.is_terminal)
        if not self.console.is_terminal:
            self.console.print(f"demo: loading {len(people):,} customers and their reservations …")
        with progress:
            task = progress.add_task("customers and reservations", total=len(people))
            for start in range(0, len(people), CHUNK):
                await self._write_chunk(people[start:start + CHUNK], first=start == 0)
                progress.advance(task, min(CHUNK, len(people) - start))
            task = progress.add_task("walk-ins and statistics", total=2)
            await self._write_bookings(self.planner.walk_ins(self.summary.reservations))
            progress.advance(task)
            await refresh_customer_stats(self.session, self.ids)
            progress.advance(task)
        if self.bulk:
            settings = await get_store_settings(self.session)
            settings.customer_no_next = self._no_next
        await self.session.flush()
        # Planner statistics after a bulk load: without them SQLite picks poor indexes for
        # correlated subqueries (the staff / menu searches).
        await self.session.execute(text("ANALYZE"))
        return self.summary

    async def _write_chunk(self, people: list[Person], *, first: bool) -> None:
        if self.bulk:
            self.ids += await self._insert_customers(people)
        else:
            for person in people:
                self.ids.append(await self._create_customer(person))
        self.summary.customers += len(people)
        bookings = [b for person in people for b in self.planner.bookings(person)]
        if first:
            self.planner.ensure_every_status(bookings)
        await self._write_bookings(bookings)
        await self._write_flags(people)
        await self.session.flush()
        self.session.expunge_all()  # keep the identity map small on big loads

    # ------------------------------------------------------------------ customers

    async def _create_customer(self, person: Person) -> int:
        values = {**person.data, "customer_no": person.customer_no} if person.customer_no else person.data
        customer = await create_customer(self.session, values, self.actor, path=person.path,
                                         mode=person.mode)
        for key, value in person.extra(self.planner.at).items():
            setattr(customer, key, value)
        derive_keys(customer, data.PLACEHOLDER_DOMAIN)  # the LINE name is searchable too
        return customer.id

    async def _insert_customers(self, people: list[Person]) -> list[int]:
        """Bulk path: what create_customer would store, without its per-row queries."""
        rows = []
        for person in people:
            row = self._normalised_row(person)
            row.update(person.extra(self.planner.at))
            keys = Customer(**{k: row.get(k) for k in ("last_name", "first_name", "last_name_kana",
                                                        "first_name_kana", "line_name", "email", "phone")})
            derive_keys(keys, data.PLACEHOLDER_DOMAIN, registering=True)
            row.update(keys_of(keys))
            rows.append(row)
        ids = await self._insert_returning(Customer, rows)
        attrs, routes, choices = [], [], []
        for cid, person in zip(ids, people, strict=True):
            tags = clean_customer({"attributes": person.data["attributes"]}, Mode.UPDATE).values["attributes"]
            attrs += [{"customer_id": cid, "value": v} for v in tags]
            routes += [{"customer_id": cid, "inflow_route_id": r} for r in person.data["inflow_route_ids"]]
            choices += [{"customer_id": cid, "free_item_id": i, "choice_id": c} for i, c in person.free_items]
        await self._insert(CustomerAttribute, attrs)
        await self._insert(customer_inflow_routes, routes)
        await self._insert(CustomerFreeItemValue, choices)
        return ids

    def _normalised_row(self, person: Person) -> dict[str, Any]:
        """The row create_customer would write, cleaned by the same rules (clean_customer)."""
        d = {**_OPTIONAL, **person.data}
        scalars = {k: v for k, v in d.items() if k in SCALAR_FIELDS}
        cleaned = clean_customer(scalars, person.mode)
        cleaned.raise_if_errors()  # the demo data is ours: a refusal here is a bug in it
        row = {**dict.fromkeys(SCALAR_FIELDS), **cleaned.values}
        postal = row["postal_code"]
        found = self.planner.postal(postal) if postal else None
        if found is not None:
            row["prefecture"] = row["prefecture"] or found.prefecture
            row["city"] = row["city"] or found.city
            row["address_line"] = row["address_line"] or found.town or None
        row.update(
            customer_no=person.customer_no or self._next_number(),
            last_name_kana=row["last_name_kana"] or "", first_name_kana=row["first_name_kana"] or "",
            visit_count=row["pre_system_visit_count"], registration_path=person.path,
        )
        return row

    def _next_number(self) -> str:
        """The store's numbering (as services.customers.allocate_customer_no), counted in memory."""
        while True:
            candidate = f"{self._no_prefix}{self._no_next:0{self._no_digits}d}"
            self._no_next += 1
            if candidate not in self.numbers:
                self.numbers.add(candidate)
                return candidate

    # ------------------------------------------------------------------ reservations

    async def _write_bookings(self, bookings: list[Booking]) -> None:
        for b in bookings:
            b.row["customer_id"] = None if b.person is None else self.ids[b.person]
        items, reports, kartes, memos = [], [], [], []
        res_ids = await self._insert_returning(Reservation, [b.row for b in bookings])
        for rid, b in zip(res_ids, bookings, strict=True):
            b.id, cid = rid, b.row["customer_id"]
            items += [{"reservation_id": rid, "menu_id": m, "price": p} for m, p in b.menus]
            if b.report:
                reports.append({**b.report, "reservation_id": rid, "customer_id": cid})
            kartes += [{**k, "reservation_id": rid, "customer_id": cid} for k in b.karte]
            if b.visit_memo:
                memos.append({**b.visit_memo, "reservation_id": rid, "customer_id": cid})
        for model, rows in ((ReservationMenu, items), (SalesReport, reports), (KarteEntry, kartes),
                            (VisitMemo, memos)):
            await self._insert(model, rows)
        await self._write_tickets(bookings)
        s = self.summary
        s.reservations += len(bookings)
        s.walk_ins += sum(1 for b in bookings if b.person is None)
        s.sales_reports, s.karte_entries = s.sales_reports + len(reports), s.karte_entries + len(kartes)
        s.visit_memos += len(memos)

    async def _write_tickets(self, bookings: list[Booking]) -> None:
        purchases = list({id(b.purchase): b.purchase for b in bookings if b.purchase}.values())
        rows = [{"customer_id": self.ids[p.person], **p.row()} for p in purchases]
        uses, changes = [], []
        for pid, p in zip(await self._insert_returning(TicketPurchase, rows), purchases, strict=True):
            uses += [{"purchase_id": pid, "reservation_id": b.id, "uses": 1, "used_at": b.row["visited_at"]}
                     for b in p.uses]
            if p.change:
                changes.append({**p.change, "purchase_id": pid})
        await self._insert(TicketUse, uses)
        await self._insert(TicketExpiryChange, changes)
        self.summary.ticket_purchases += len(purchases)
        self.summary.ticket_uses += len(uses)

    async def _write_flags(self, people: list[Person]) -> None:
        """Cautions, blacklist entries, withdrawals and referrals of the customers just written."""
        manager, at = self.planner.m.manager_id, self.planner.at
        cautions, blacklist, withdrawals, referrals = [], [], [], []
        for person in people:
            cid = self.ids[person.index]
            for flag, rows in ((person.caution, cautions), (person.blacklist, blacklist)):
                if flag:
                    rows.append({"customer_id": cid, "memo": flag[1], "created_by_id": manager,
                                 "created_at": at(flag[0]), "updated_at": at(flag[0])})
            if person.withdrawn:
                day, reason = person.withdrawn
                withdrawals.append({"customer_id": cid, "reason": reason, "withdrawn_at": at(day)})
            if person.referrer is not None:
                referrals.append({"referrer_id": self.ids[person.referrer], "referred_id": cid,
                                  "memo": person.referral_memo, "created_at": at(person.registered_day)})
        for model, rows in ((Caution, cautions), (BlacklistEntry, blacklist), (Withdrawal, withdrawals),
                            (Referral, referrals)):
            await self._insert(model, rows)
        await refresh_customer_flags(self.session, [r["customer_id"] for r in cautions + blacklist])
        s = self.summary
        s.cautions, s.blacklisted = s.cautions + len(cautions), s.blacklisted + len(blacklist)
        s.withdrawn, s.referrals = s.withdrawn + len(withdrawals), s.referrals + len(referrals)

    async def _insert_returning(self, model, rows: list[dict[str, Any]]) -> list[int]:
        """Insert and return the new ids in row order."""
        if not rows:
            return []
        table = model.__table__
        if self.session.bind.dialect.name == "sqlite":
            # An ordered RETURNING runs row by row on SQLite. This transaction has written
            # already, so it holds SQLite's only write lock: the ids after max(id) are ours.
            first = await self.session.scalar(select(func.max(table.c.id))) or 0
            ids = list(range(first + 1, first + 1 + len(rows)))
            await self._insert(table, [{**row, "id": i} for row, i in zip(rows, ids, strict=True)])
            return ids
        ids = []
        stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        for start in range(0, len(rows), 1000):  # results of bigger calls are spliced quadratically
            ids += (await self.session.execute(stmt, rows[start:start + 1000])).scalars().all()
        return ids

    async def _insert(self, target, rows: list[dict[str, Any]]) -> None:
        """Core executemany (the ORM's bulk insert costs ten times more here); rows share their keys."""
        if rows:
            await self.session.execute(insert(getattr(target, "__table__", target)), rows)
