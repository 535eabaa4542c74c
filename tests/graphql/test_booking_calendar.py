"""The calendar's booking rules over GraphQL: the customer token refused with its own codes, staff
tokens warned in the payload's ``warnings``, 来店済みで登録 (recordVisit) for a past visit."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from models import BusinessHours, Customer, Reservation
from services.japan_time import JAPAN
from tests.booking_world import World
from tests.factories import count_rows
from tests.graphql.test_reservations import CREATE, RESCHEDULE, token_of

RECORD_VISIT = """mutation($input: CreateReservationInput!) { recordVisit(input: $input) {
  reservation { status startAt } warnings errors { field code message } } }"""


def next_weekday(weekday: int, hour: int, minute: int = 0) -> datetime:
    """The first such weekday at least four days ahead, at ``hour`` Japan time."""
    day = datetime.now(JAPAN).date() + timedelta(days=4)
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return datetime.combine(day, time(hour, minute), JAPAN)


@pytest.fixture
async def world(db) -> World:
    world = await World(db).build()
    async with db.transaction() as s:  # open 10:00–19:00, closed on Tuesdays
        s.add_all([BusinessHours(weekday=d, opens_at=time(10), closes_at=time(19)) for d in (0, 2, 3, 4, 5, 6)]
                  + [BusinessHours(weekday=1)])
    return world


def _input(world: World, start: datetime, customer=None) -> dict:
    data = {"startAt": start.isoformat(), "menuIds": [str(world.menus[0].id)], "staffId": str(world.stylists[0].id)}
    return data if customer is None else {**data, "customerId": str(customer.id)}


@pytest.mark.parametrize("start,code", [
    (lambda: next_weekday(1, 11), "STORE_CLOSED"),
    (lambda: next_weekday(2, 20), "OUTSIDE_HOURS"),
    (lambda: next_weekday(2, 10, 10), "NOT_A_SLOT"),
    (lambda: datetime.now(JAPAN) + timedelta(minutes=30), "TOO_SHORT_NOTICE"),
    (lambda: next_weekday(2, 11) + timedelta(days=70), "BEYOND_HORIZON"),
])
async def test_the_customer_token_is_refused_and_nothing_is_written(gql, world, db, start, code):
    customer = await world.customer()
    out = (await gql(CREATE, {"input": _input(world, start())}, token=await token_of(db, customer)))
    payload = out["createReservation"]
    assert payload["reservation"] is None and payload["errors"][0]["code"] == code  # (and the hours, now)
    assert await count_rows(db, Reservation) == 0


async def test_staff_tokens_book_with_the_warning_naming_why(gql, world, staff_token):
    customer = await world.customer()
    closed = (await gql(CREATE, {"input": _input(world, next_weekday(1, 11), customer)},
                        token=staff_token))["createReservation"]
    assert closed["errors"] == [] and closed["warnings"] == ["定休日です。", "佐藤さんはお休みです。"]
    late = (await gql(CREATE, {"input": _input(world, next_weekday(2, 20), customer)},
                      token=staff_token))["createReservation"]
    assert late["errors"] == [] and late["warnings"][0] == "営業時間外です（営業時間 10:00〜19:00）。"
    moved = (await gql(RESCHEDULE, {"input": {"id": late["reservation"]["id"],
                                              "startAt": next_weekday(2, 11).isoformat()}},
                       token=staff_token))["rescheduleReservation"]
    assert moved["errors"] == [] and moved["warnings"] == []


async def test_the_past_is_refused_and_a_past_visit_recorded(gql, world, db, staff_token):
    customer = await world.customer()
    past = datetime.now(JAPAN).replace(hour=11, minute=0, second=0, microsecond=0) - timedelta(days=3)
    refused = (await gql(CREATE, {"input": _input(world, past, customer)}, token=staff_token))["createReservation"]
    assert [e["code"] for e in refused["errors"]] == ["IN_PAST"] and await count_rows(db, Reservation) == 0
    recorded = (await gql(RECORD_VISIT, {"input": _input(world, past, customer)}, token=staff_token))["recordVisit"]
    assert recorded["errors"] == [] and recorded["reservation"]["status"] == "VISITED"
    async with db.sessionmaker() as s:
        assert (await s.get(Customer, customer.id)).visit_count == 1
    as_customer = (await gql(RECORD_VISIT, {"input": _input(world, past)}, token=await token_of(db, customer)))
    assert [e["code"] for e in as_customer["recordVisit"]["errors"]] == ["PERMISSION_DENIED"]
    future = (await gql(RECORD_VISIT, {"input": _input(world, next_weekday(2, 11), customer)},
                        token=staff_token))["recordVisit"]
    assert future["errors"][0]["message"] == "来店済みで登録できるのは、開始日時が過ぎた予約だけです。"
    assert await count_rows(db, Reservation) == 1
