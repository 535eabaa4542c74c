"""availableSlots over GraphQL: the customer channel's times only, byte-identical whoever asks (a
blacklisted customer included); staff see the free stylists and why a time is not free."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta

import pytest

from models import BlacklistEntry, BusinessHours, StaffShiftException
from services.japan_time import JAPAN
from tests.booking_world import World
from tests.graphql.test_reservations import token_of

SLOTS = """query($from: Date!, $to: Date!, $menus: [ID!]!, $staff: ID) {
  availableSlots(from: $from, to: $to, menuIds: $menus, staffId: $staff) {
    date closed mark slots { startAt endAt available reason staff { id name } }
  }
}"""


def next_weekday(weekday: int):
    day = datetime.now(JAPAN).date() + timedelta(days=3)
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return day


@pytest.fixture
async def world(db) -> World:
    world = await World(db).build()
    async with db.transaction() as s:
        s.add_all([BusinessHours(weekday=d, opens_at=time(10), closes_at=time(19)) for d in (0, 2, 3, 4, 5, 6)]
                  + [BusinessHours(weekday=1),
                     StaffShiftException(staff_member_id=world.stylists[0].id, day=next_weekday(3))])
    return world


def _vars(world: World, **extra) -> dict:
    return {"from": next_weekday(0).isoformat(), "to": (next_weekday(0) + timedelta(days=6)).isoformat(),
            "menus": [str(world.menus[0].id)], **extra}


async def test_the_customer_channel_is_the_same_for_everyone(client, world, db):
    plain, listed = await world.customer(), await world.customer()
    await world.flag(listed, BlacklistEntry, "迷惑行為")
    await world.book(plain, hours=24 * 5)
    bodies = []
    for token in (None, await token_of(db, plain), await token_of(db, listed)):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await client.post("/graphql", json={"query": SLOTS, "variables": _vars(world)}, headers=headers)
        assert response.status_code == 200 and "errors" not in response.json(), response.text
        bodies.append(response.content)
    assert bodies[0] == bodies[1] == bodies[2]
    days = json.loads(bodies[0])["data"]["availableSlots"]
    tuesday = days[1]
    assert (tuesday["closed"], tuesday["mark"], tuesday["slots"]) == (True, "定休日", [])
    slots = [s for d in days for s in d["slots"]]
    assert slots and all(s["available"] and s["reason"] is None and s["staff"] == [] for s in slots)


async def test_staff_see_who_is_free_and_why_not(gql, world, staff_token):
    days = (await gql(SLOTS, _vars(world), token=staff_token))["availableSlots"]
    monday, thursday = days[0], days[3]
    ten = monday["slots"][0]
    assert ten["startAt"].endswith("T10:00:00+09:00") and {s["name"] for s in ten["staff"]} == {"佐藤", "鈴木"}
    assert monday["slots"][-1]["reason"] == "営業時間外"
    assert {s["name"] for s in thursday["slots"][0]["staff"]} == {"鈴木"}  # 佐藤's day off
    sato = (await gql(SLOTS, _vars(world, staff=str(world.stylists[0].id)), token=staff_token))["availableSlots"]
    assert {s["reason"] for s in sato[3]["slots"]} == {"お休み", "営業時間外"}


async def test_bad_arguments_are_refused_without_a_500(gql, world):
    for extra in ({"menus": []}, {"menus": ["x"]}, {"staff": "-1"}, {"to": "2099-01-01"},
                  {"menus": [str(world.menus[2].id)]}):
        out = await gql(SLOTS, _vars(world, **extra), expect_errors=True)
        assert out["errors"][0]["extensions"]["code"] in ("INVALID", "REQUIRED", "NOT_FOUND"), out
