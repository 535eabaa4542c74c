"""Customer figures stay true: random booking and caution / blacklist sequences (hypothesis) and the
check-figures command."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

import cli
from models import Customer, Reservation
from models.db import Database
from services import auth, booking, flags
from services.actor import Actor
from services.booking import Reschedule
from services.customer_stats.check import find_differences
from services.errors import DomainError
from tests.booking_world import World, later

OPERATIONS = ["book", "book_site", "reschedule", "confirm", "prepay", "visited", "no_show", "cancel",
              "cancel_site", "store_cancel", "pay", "waive", "caution", "blacklist"]
STATUS_OPS = {"confirm": booking.confirm_reservation, "prepay": booking.record_prepayment,
              "visited": booking.mark_visited, "no_show": booking.mark_no_show,
              "cancel": booking.cancel_by_customer, "store_cancel": booking.cancel_by_store,
              "pay": booking.pay_cancellation_fee, "waive": booking.waive_cancellation_fee}
#: Toggles: add the customer's entry when it has none, else remove it.
FLAG_OPS = {"caution": flags.CAUTION, "blacklist": flags.BLACKLIST}
STEP = st.tuples(st.sampled_from(OPERATIONS), st.integers(0, 1), st.integers(0, 30), st.integers(-72, 120),
                 st.integers(0, 1))


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch):
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


async def _step(world: World, customers: list[Customer], reservations: list[int], step: tuple) -> None:
    name, who, pick, hours, menu = step
    customer = customers[who]
    target = reservations[pick % len(reservations)] if reservations else None
    if name in FLAG_OPS:
        await _toggle_flag(world, FLAG_OPS[name], customer)
    elif name in ("book", "book_site"):
        actor = world.staff if name == "book" else Actor.customer(customer.id)
        r = await world.book(customer, actor, hours=hours, stylist=menu, menus=(menu,))
        reservations.append(r.id)
    elif target is None:
        return
    elif name == "reschedule":
        await world.run(booking.reschedule_reservation, target, Reschedule(start_at=later(hours)), world.staff)
    elif name == "cancel_site":
        owner = (await world.get(Reservation, target)).customer_id
        await world.run(booking.cancel_by_customer, target, Actor.customer(owner))
    else:
        await world.run(STATUS_OPS[name], target, world.manager)


async def _toggle_flag(world: World, kind: flags.FlagKind, customer: Customer) -> None:
    async with world.db.transaction() as s:
        entry_id = await s.scalar(select(kind.model.id).where(kind.model.customer_id == customer.id))
        if entry_id is None:
            await flags.add_flag(s, kind, customer.id, "メモ", world.manager)
        else:
            await flags.remove_flag(s, kind, entry_id, world.manager)


_worlds: dict[str, World] = {}


@pytest.mark.parametrize("prepayment", [False, True], ids=["no-prepayment", "prepayment"])
@settings(max_examples=25, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(STEP, min_size=1, max_size=10), pre_system=st.integers(0, 3))
async def test_random_sequences_keep_figures_true(db, request, prepayment, steps, pre_system):
    """After every step of a random sequence, the stored figures equal the from-scratch ones."""
    world = _worlds.get(request.node.nodeid)  # one salon per test; each example adds its customers
    if world is None:
        world = _worlds[request.node.nodeid] = await World(db).build(use_prepayment=prepayment)
    customers = [await world.customer(pre_system_visit_count=pre_system), await world.customer()]
    ids = [c.id for c in customers]
    reservations: list[int] = []
    for step in steps:
        try:
            await _step(world, customers, reservations, step)
        except DomainError:
            pass
        async with db.sessionmaker() as s:
            assert await find_differences(s, ids) == [], step


async def test_check_figures_reports_every_difference_and_fixes(db, monkeypatch, capsys):
    world = await World(db).build()
    customer = await world.customer()
    r = await world.book(customer, hours=-30)
    await world.run(booking.mark_visited, r.id, world.staff)
    monkeypatch.setattr(cli, "_db", lambda: Database(db.url))
    assert await cli._check_figures(fix=False) == 0
    async with db.transaction() as s:
        await s.execute(update(Customer).where(Customer.id == customer.id)
                        .values(visit_count=7, cancel_count=2, last_menu_id=None))
    assert await cli._check_figures(fix=False) == 1
    out = capsys.readouterr().out
    for figure in ("visit_count: stored 7, expected 1", "cancel_count: stored 2, expected 0",
                   f"last_menu_id: stored None, expected {world.menus[0].id}", "3 differences"):
        assert figure in out
    assert await cli._check_figures(fix=True) == 1
    assert await cli._check_figures(fix=False) == 0


async def test_check_figures_reports_and_fixes_wrong_caution_and_blacklist_flags(db, monkeypatch, capsys):
    world = await World(db).build()
    plain, listed = await world.customer(), await world.customer()
    async with db.transaction() as s:
        await flags.add_to_blacklist(s, listed.id, "暴言", world.manager)
    monkeypatch.setattr(cli, "_db", lambda: Database(db.url))
    assert await cli._check_figures(fix=False) == 0
    capsys.readouterr()
    async with db.transaction() as s:  # what a forgotten writer or a hand edit would leave
        await s.execute(update(Customer).where(Customer.id == plain.id).values(is_caution=True))
        await s.execute(update(Customer).where(Customer.id == listed.id).values(has_blacklist_entry=False))

    assert await cli._check_figures(fix=False) == 1
    out = capsys.readouterr().out
    assert f"{plain.customer_no} (id {plain.id}) is_caution: stored True, expected False" in out
    assert f"{listed.customer_no} (id {listed.id}) has_blacklist_entry: stored False, expected True" in out
    assert "2 differences" in out
    assert await cli._check_figures(fix=True) == 1
    assert await cli._check_figures(fix=False) == 0
    async with db.sessionmaker() as s:
        stored = dict((await s.execute(select(Customer.id, Customer.is_caution)
                                       .where(Customer.id.in_([plain.id, listed.id])))).all())
        blacklisted = await s.scalar(select(Customer.has_blacklist_entry).where(Customer.id == listed.id))
    assert stored == {plain.id: False, listed.id: False} and blacklisted is True
