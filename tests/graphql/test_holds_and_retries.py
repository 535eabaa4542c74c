"""holdSlot and idempotent createReservation: what a booking site needs between choosing a slot and
booking it, and after an answer lost on the way back."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from models import Reservation, SlotHold
from services.japan_time import JAPAN
from tests.booking_world import World, later
from tests.factories import count_rows
from tests.graphql.test_reservations import token_of

HOLD = """mutation($input: HoldSlotInput!) { holdSlot(input: $input) {
  token startAt endAt expiresAt errors { field code message } } }"""
CREATE = """mutation($input: CreateReservationInput!) { createReservation(input: $input) {
  reservation { id startAt } warnings errors { field code message } } }"""
SLOTS = """query($from: Date!, $menus: [ID!]!, $staff: ID) { availableSlots(from: $from, to: $from, menuIds: $menus,
  staffId: $staff) { slots { startAt } } }"""
RACERS = 10


@pytest.fixture
async def world(db) -> World:
    return await World(db).build()


def slot(world: World, hours: float = 100) -> dict:
    return {"startAt": later(hours).isoformat(), "staffId": str(world.stylists[0].id),
            "menuIds": [str(world.menus[0].id)]}


async def test_a_hold_wins_against_ten_parallel_bookings_of_its_slot(gql, world, db):
    holder, *others = [await world.customer() for _ in range(RACERS)]
    tokens = [await token_of(db, c) for c in (holder, *others)]
    held = (await gql(HOLD, {"input": slot(world)}, token=tokens[0]))["holdSlot"]
    assert held["errors"] == [] and held["token"]
    inputs = [{**slot(world), "holdToken": held["token"]}] + [slot(world) for _ in others]
    results = await asyncio.gather(*(gql(CREATE, {"input": data}, token=token)
                                     for data, token in zip(inputs, tokens, strict=True)))
    codes = ["OK" if not r["createReservation"]["errors"] else r["createReservation"]["errors"][0]["code"]
             for r in results]
    assert codes == ["OK"] + ["SLOT_FULL"] * (RACERS - 1)
    assert await count_rows(db, Reservation) == 1 and await count_rows(db, SlotHold) == 0  # the hold is used up


async def test_a_held_slot_is_not_offered_and_staff_are_told_why(gql, world, db, staff_token):
    customer = await world.customer()
    token = await token_of(db, customer)
    held = (await gql(HOLD, {"input": slot(world)}, token=token))["holdSlot"]
    day = later(100).astimezone(JAPAN).date().isoformat()
    starts = [s["startAt"] for d in (await gql(SLOTS, {"from": day, "menus": slot(world)["menuIds"],
                                                      "staff": slot(world)["staffId"]}))["availableSlots"]
              for s in d["slots"]]
    assert held["startAt"] not in starts
    other = await world.customer()
    refused = (await gql(CREATE, {"input": {**slot(world), "customerId": str(other.id)}},
                         token=staff_token))["createReservation"]
    assert refused["errors"][0]["code"] == "STAFF_BUSY" and "仮押さえ" in refused["errors"][0]["message"]


async def test_an_expired_hold_frees_the_slot(gql, world, db):
    customer, other = await world.customer(), await world.customer()
    held = (await gql(HOLD, {"input": slot(world)}, token=await token_of(db, customer)))["holdSlot"]
    async with db.transaction() as s:
        await s.execute(update(SlotHold).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    late = (await gql(CREATE, {"input": {**slot(world), "holdToken": held["token"]}},
                      token=await token_of(db, customer)))["createReservation"]
    assert late["errors"][0]["field"] == "holdToken"
    taken = (await gql(CREATE, {"input": slot(world)}, token=await token_of(db, other)))["createReservation"]
    assert taken["errors"] == []


async def test_a_retry_with_the_same_key_returns_the_same_reservation(gql, world, db):
    customer = await world.customer()
    token = await token_of(db, customer)
    data = {**slot(world), "idempotencyKey": "site-retry-0001"}
    first = (await gql(CREATE, {"input": data}, token=token))["createReservation"]
    again = (await gql(CREATE, {"input": data}, token=token))["createReservation"]
    assert first["errors"] == again["errors"] == [] and first["reservation"] == again["reservation"]
    assert await count_rows(db, Reservation) == 1
    other = (await gql(CREATE, {"input": {**slot(world, 120), "idempotencyKey": "site-retry-0001"}},
                       token=token))["createReservation"]
    assert other["errors"][0]["code"] == "IDEMPOTENCY_KEY_REUSED" and await count_rows(db, Reservation) == 1
    bad = (await gql(CREATE, {"input": {**slot(world, 130), "idempotencyKey": "短い"}}, token=token))
    assert bad["createReservation"]["errors"][0]["field"] == "idempotencyKey"


async def test_parallel_retries_book_once(gql, world, db):
    customer = await world.customer()
    token = await token_of(db, customer)
    data = {**slot(world), "idempotencyKey": "site-retry-parallel"}
    results = await asyncio.gather(*(gql(CREATE, {"input": data}, token=token) for _ in range(5)))
    ids = {r["createReservation"]["reservation"]["id"] for r in results}
    assert len(ids) == 1 and await count_rows(db, Reservation) == 1
