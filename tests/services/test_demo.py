"""services.demo: a small demo salon is complete, consistent with the rules, and deterministic."""

from __future__ import annotations

import io
import re
from datetime import datetime, timedelta, timezone

import pytest
from rich.console import Console
from sqlalchemy import func, select, text

import models
from models import (
    CancelKind,
    Customer,
    Reservation,
    ReservationStatus,
    StaffRole,
    StoreSetting,
    TicketPurchase,
    TicketUse,
)
from models.db import Database
from services import auth
from services.customer_stats.check import find_differences
from services.customers import derive_keys
from services.calendar import load_calendar
from services.demo import DemoSummary, load_demo_salon
from services.demo.data import JST

NOW = datetime(2026, 11, 24, 3, 0, tzinfo=timezone.utc)  # pinned: the same salon on any day
SEED = 7
CUSTOMER_CANCELS = (ReservationStatus.CANCELLED, ReservationStatus.CANCEL_FEE_UNPAID)
TABLES = {
    "customers": models.Customer, "reservations": models.Reservation, "sales_reports": models.SalesReport,
    "karte_entries": models.KarteEntry, "visit_memos": models.VisitMemo, "ticket_purchases": TicketPurchase,
    "ticket_uses": TicketUse, "cautions": models.Caution, "blacklisted": models.BlacklistEntry,
    "withdrawn": models.Withdrawal, "referrals": models.Referral,
}


async def load(db: Database, **options) -> DemoSummary:
    options = {"customers": 60, "seed": SEED, "now": NOW, "console": Console(file=io.StringIO())} | options
    return await load_demo_salon(db, **options)


async def table_counts(db: Database) -> dict[str, int]:
    async with db.sessionmaker() as s:
        return {name: await s.scalar(select(func.count()).select_from(model))
                for name, model in TABLES.items()}


async def empty(db: Database) -> None:
    """Every table emptied, ids restarting at 1 (as for a fresh database)."""
    names = [t.name for t in reversed(models.Base.metadata.sorted_tables)]
    async with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            await conn.execute(text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))
        else:
            for name in names:
                await conn.execute(text(f"DELETE FROM {name}"))


async def test_a_small_salon_has_every_status_and_consistent_data(db):
    summary = await load(db)

    assert summary.customers == 60 and not summary.skipped
    assert 300 <= summary.reservations <= 1500 and summary.walk_ins >= 1
    assert await table_counts(db) == {name: getattr(summary, name) for name in TABLES}
    async with db.sessionmaker() as s:
        assert (await s.get(StoreSetting, 1)).use_prepayment
        reservations = (await s.scalars(select(Reservation))).all()
        customers = (await s.scalars(select(Customer))).all()
        purchases = (await s.scalars(select(TicketPurchase))).all()
        uses = (await s.execute(select(TicketUse, Reservation).join(Reservation))).all()
    assert {r.status for r in reservations} == set(ReservationStatus)
    assert all(r.guest_name for r in reservations if r.customer_id is None)
    for customer in customers:
        assert_statistics(customer, [r for r in reservations if r.customer_id == customer.id])
        assert_keys(customer)
    # The stored caution / blacklist flags as well: the loader writes entries in bulk.
    assert sum(c.is_caution for c in customers) == summary.cautions > 0
    assert sum(c.has_blacklist_entry for c in customers) == summary.blacklisted > 0
    async with db.sessionmaker() as s:
        assert await find_differences(s) == []
    placeholders = [c for c in customers if c.email_is_placeholder]
    assert placeholders and all(c.registration_path == models.RegistrationPath.PHONE for c in placeholders)
    assert_tickets(purchases, uses)


def assert_statistics(customer: Customer, reservations: list[Reservation]) -> None:
    visits = sorted(r.visited_at or r.start_at for r in reservations if r.status == ReservationStatus.VISITED)
    cancels = [r for r in reservations if r.status in CUSTOMER_CANCELS and r.cancel_kind != CancelKind.STORE]
    assert customer.visit_count == len(visits) + customer.pre_system_visit_count, customer
    assert customer.reservation_count == len(reservations)
    assert customer.cancel_count == len(cancels)
    assert customer.has_late_cancel == any(r.is_late_cancel for r in reservations)
    assert customer.has_unpaid_cancel_fee == any(r.status == ReservationStatus.CANCEL_FEE_UNPAID
                                                 for r in reservations)
    assert customer.first_visit_at == (visits[0] if visits else None)
    assert customer.last_visit_at == (visits[-1] if visits else None)


def assert_keys(customer: Customer) -> None:
    def keys() -> tuple:
        return customer.name_key, customer.search_text, customer.email_key, customer.email_is_placeholder

    stored = keys()
    derive_keys(customer, "leporto.com")
    assert keys() == stored
    assert re.fullmatch(r"0[0-9]{9,10}", customer.phone)
    assert customer.line_user_id is None or re.fullmatch(r"U[0-9a-f]{32}", customer.line_user_id)


def assert_tickets(purchases: list[TicketPurchase], uses: list) -> None:
    """Uses belong to the buyer, fall within validity and match used_count."""
    assert purchases
    by_id = {p.id: p for p in purchases}
    for use, reservation in uses:
        purchase = by_id[use.purchase_id]
        assert reservation.customer_id == purchase.customer_id
        assert reservation.status == ReservationStatus.VISITED
        assert purchase.purchased_on <= use.used_at.astimezone(JST).date() <= purchase.expires_on
    for purchase in purchases:
        assert purchase.used_count == sum(1 for use, _ in uses if use.purchase_id == purchase.id)


async def test_accounts_log_in_and_if_empty_loads_only_once(db):
    first = await load(db, if_empty=True)
    counts = await table_counts(db)

    second = await load(db, if_empty=True)

    assert first.accounts == ["admin", "staff"] and first.customers == 60
    assert second.skipped and second.customers == 0 and await table_counts(db) == counts
    assert (await auth.authenticate(db, "admin", "admin1234")).role == StaffRole.MANAGER
    assert (await auth.authenticate(db, "staff", "staff1234")).role == StaffRole.STAFF


async def test_loading_again_adds_customers_and_keeps_the_accounts(db):
    await load(db)

    again = await load(db, seed=SEED + 1, bulk=True)

    assert again.accounts == [] and again.customers == 60
    assert (await table_counts(db))["customers"] == 120


async def test_same_seed_same_salon_whether_customers_go_through_the_service_or_in_bulk(db):
    await load(db)
    through_service = await snapshot(db)
    await empty(db)

    await load(db, bulk=True)

    assert await snapshot(db) == through_service


async def snapshot(db: Database) -> dict:
    """Everything the loader decides (not the audit log, which only the service path writes)."""
    skip = {"updated_at"}
    columns = [c for c in Customer.__table__.columns if c.name not in skip]
    async with db.sessionmaker() as s:
        customers = (await s.execute(select(*columns).order_by(Customer.id))).all()
        reservations = (await s.execute(select(Reservation.__table__).order_by(Reservation.id))).all()
    return {"counts": await table_counts(db), "customers": customers, "reservations": reservations}


def test_phone_only_customers_have_a_reading_for_both_names_or_neither():
    """A name taken over the phone in katakana is its own reading (no 「イガラシ ツヨシ」 with セイ empty),
    and a reading is never known for only one part of the name."""
    import random
    from collections import defaultdict

    from services.demo.data import Masters, Planner

    masters = Masters(fee_percent=50, routes=defaultdict(lambda: 1), occupations={"会社員": 1},
                      motives={"口コミ": 1}, choices={}, menus={}, staff=[], tickets=[], karte={},
                      manager_id=None, staff_account_id=None)
    planner = Planner(random.Random(SEED), masters, NOW, (set(), set(), set()))
    people = [planner.person() for _ in range(2000)]
    phone_only = [p.data for p in people if p.path == models.RegistrationPath.PHONE]
    in_katakana = [d for d in phone_only if re.fullmatch(r"[ァ-ヶー]+", d["last_name"] + d["first_name"])]
    assert in_katakana and any(not d["last_name_kana"] for d in phone_only)  # both cases are drawn
    for d in in_katakana:
        assert (d["last_name_kana"], d["first_name_kana"]) == (d["last_name"], d["first_name"]), d
    for p in people:
        assert bool(p.data["last_name_kana"]) == bool(p.data["first_name_kana"]), p.data


UPCOMING = {ReservationStatus.BOOKED, ReservationStatus.TENTATIVE, ReservationStatus.PREPAID,
            ReservationStatus.PREPAYMENT_UNPAID, ReservationStatus.CANCELLED}


async def _today(db: Database, now: datetime) -> list[Reservation]:
    await load(db, customers=300, now=now)
    async with db.sessionmaker() as s:
        reservations = (await s.scalars(select(Reservation))).all()
    today = now.astimezone(JST).date()
    return [r for r in reservations if r.start_at.astimezone(JST).date() == today]


async def test_the_day_sheet_of_today_has_the_bookings_still_ahead(db):
    """予約表 opens on today: a demo salon loaded at 9:00 on a Wednesday has bookings later that day."""
    now = datetime(2026, 11, 25, 0, 0, tzinfo=timezone.utc)  # Wednesday 9:00 in Japan
    today = await _today(db, now)
    assert len(today) >= 3
    assert all(r.start_at > now and r.status in UPCOMING for r in today)


@pytest.mark.parametrize("now", [datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc),  # Wednesday 21:00
                                 datetime(2026, 11, 24, 0, 0, tzinfo=timezone.utc)],  # the closed Tuesday
                         ids=["after-closing", "closed-day"])
async def test_no_booking_today_once_the_salon_has_closed_or_on_its_closed_day(db, now):
    assert await _today(db, now) == []


async def test_the_demo_calendar_is_real_settings_that_its_bookings_keep(db):
    """The closed Tuesday and the hours are the store's calendar, every working stylist has a weekly
    shift on them, and no future booking of the demo falls outside them (so the day sheet and
    availableSlots show the week's pattern)."""
    await load(db, customers=300, now=NOW)
    first = NOW.astimezone(JST).date()
    async with db.sessionmaker() as s:
        calendar = await load_calendar(s, first, first + timedelta(days=13))
        future = (await s.scalars(select(Reservation).where(Reservation.start_at > NOW))).all()
    tuesday = next(d for d in calendar.days() if d.weekday() == 1)
    assert calendar.hours(tuesday).mark == "定休日"
    wednesday = calendar.hours(tuesday + timedelta(days=1))
    assert (f"{wednesday.opens:%H:%M}", f"{wednesday.closes:%H:%M}") == ("10:00", "20:00")
    assert len(calendar.working(tuesday + timedelta(days=1))) == len(calendar.staff) > 0
    assert calendar.working(tuesday) == []
    for r in future:
        hours = calendar.hours(r.start_at.astimezone(JST).date()) if r.start_at < NOW + timedelta(days=13) else None
        assert hours is None or (not hours.closed and hours.opens <= r.start_at and r.end_at <= hours.closes)
