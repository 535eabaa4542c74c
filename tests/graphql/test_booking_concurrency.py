"""Parallel requests racing for the same change leave exactly one effect and one audit row."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from models import AuditLog, Reservation
from services import booking
from services.errors import DomainError
from tests.booking_world import World, later

CANCEL = """mutation($id: ID!) { cancelReservation(input: {id: $id}) {
  reservation { status } errors { code } } }"""
WAIVE = """mutation($id: ID!) { waiveCancellationFee(input: {id: $id}) {
  reservation { status } errors { code } } }"""
CREATE = """mutation($input: CreateReservationInput!) { createReservation(input: $input) {
  reservation { id } errors { code } } }"""
RACERS = 5


@pytest.fixture
async def world(db) -> World:
    return await World(db).build()


async def audit_updates(db, reservation_id: int) -> int:
    async with db.sessionmaker() as s:
        return int(await s.scalar(select(func.count()).select_from(AuditLog).where(
            AuditLog.entity == "reservation", AuditLog.entity_id == reservation_id, AuditLog.action == "update")))


def outcomes(results: list[dict], field: str) -> list[str]:
    return sorted("OK" if not r[field]["errors"] else r[field]["errors"][0]["code"] for r in results)


async def test_parallel_cancels_cancel_once(gql, world, db, staff_token):
    customer = await world.customer()
    r = await world.book(customer, hours=72)
    results = await asyncio.gather(*(gql(CANCEL, {"id": str(r.id)}, token=staff_token) for _ in range(RACERS)))
    assert outcomes(results, "cancelReservation") == ["INVALID_TRANSITION"] * (RACERS - 1) + ["OK"]
    assert await audit_updates(db, r.id) == 1


async def test_parallel_waivers_waive_once(gql, world, db, manager_token):
    customer = await world.customer()
    r = await world.book(customer, hours=2)
    await world.run(booking.cancel_by_customer, r.id, world.staff)
    results = await asyncio.gather(*(gql(WAIVE, {"id": str(r.id)}, token=manager_token) for _ in range(RACERS)))
    assert outcomes(results, "waiveCancellationFee") == ["INVALID_TRANSITION"] * (RACERS - 1) + ["OK"]
    assert await audit_updates(db, r.id) == 2  # the cancellation, then one waiver


async def test_parallel_bookings_of_one_stylist_slot_book_once(gql, world, db, staff_token):
    customers = [await world.customer() for _ in range(RACERS)]
    slot = {"startAt": later(100).isoformat(), "staffId": str(world.stylists[0].id),
            "menuIds": [str(world.menus[0].id)]}
    results = await asyncio.gather(*(gql(CREATE, {"input": {**slot, "customerId": str(c.id)}}, token=staff_token)
                                     for c in customers))
    assert outcomes(results, "createReservation") == ["OK"] + ["STAFF_BUSY"] * (RACERS - 1)
    async with db.sessionmaker() as s:
        assert await s.scalar(select(func.count()).select_from(Reservation)) == 1
        assert await s.scalar(select(func.count()).select_from(AuditLog).where(
            AuditLog.entity == "reservation")) == 1


async def test_parallel_service_calls_in_separate_sessions(world, db):
    """The same races without HTTP: separate sessions committing at once (admin and import paths)."""
    customer = await world.customer()
    r = await world.book(customer, hours=72)

    async def cancel():
        try:
            await world.run(booking.cancel_by_customer, r.id, world.staff)
            return "OK"
        except DomainError as err:
            return err.code.value

    assert sorted(await asyncio.gather(*(cancel() for _ in range(RACERS)))) == (
        ["INVALID_TRANSITION"] * (RACERS - 1) + ["OK"])
    assert await audit_updates(db, r.id) == 1


RESCHEDULE = """mutation($input: RescheduleReservationInput!) { rescheduleReservation(input: $input) {
  reservation { id } errors { code message } } }"""


async def test_two_reschedules_swapping_stylists_both_succeed(gql, world, db, staff_token, monkeypatch):
    """R1 moves from stylist 1 to 2 while R2 moves from 2 to 1 (different times, no clash). Each
    request is held after its first locks until the other has taken its own (or for 1.5 s when the
    other is waiting on a lock): taking the new stylist's lock after the old one deadlocked here."""
    from services.booking import booking as booking_module

    first, second = world.stylists[0], world.stylists[1]
    r1 = await world.book(await world.customer(), hours=100, stylist=0)
    r2 = await world.book(await world.customer(), hours=200, stylist=1)
    arrived: list[asyncio.Event] = [asyncio.Event(), asyncio.Event()]
    original = booking_module._new_slot

    async def rendezvous(session, reservation, *args, **kw):
        mine = 0 if reservation.id == r1.id else 1
        arrived[mine].set()
        try:
            await asyncio.wait_for(arrived[1 - mine].wait(), 1.5)
        except TimeoutError:
            pass  # the other request waits on a lock this one holds: go on
        return await original(session, reservation, *args, **kw)

    monkeypatch.setattr(booking_module, "_new_slot", rendezvous)
    results = await asyncio.gather(
        gql(RESCHEDULE, {"input": {"id": str(r1.id), "staffId": str(second.id)}}, token=staff_token),
        gql(RESCHEDULE, {"input": {"id": str(r2.id), "staffId": str(first.id)}}, token=staff_token))
    assert [r["rescheduleReservation"]["errors"] for r in results] == [[], []]
    assert (await world.get(Reservation, r1.id)).staff_member_id == second.id
    assert (await world.get(Reservation, r2.id)).staff_member_id == first.id
    assert await audit_updates(db, r1.id) == 1 and await audit_updates(db, r2.id) == 1
