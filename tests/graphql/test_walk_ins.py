"""非会員 (walk-ins) through GraphQL: visits recorded without a customer, listed by day, and two visits
of the same guest turned into one customer whose figures count them (visit count 2)."""

from __future__ import annotations

from datetime import timedelta

from models import AuditLog, Customer, RegistrationPath, Reservation
from models.base import utcnow
from services.booking.transitions import SALON_TZ
from tests.booking_world import World
from tests.factories import count_rows

RECORD = """mutation($input: RecordWalkInInput!) { recordWalkIn(input: $input) {
  reservation { id status channel guestName guestPhone customer { id } } errors { field code message } } }"""
DAY = """query($d: Date!) { nonMembers(date: $d) { id guestName startAt } }"""
REGISTER = """mutation($input: RegisterNonMemberInput!) { registerNonMember(input: $input) {
  customer { id customerNo lastName phone visitCount registrationPath } errors { field code message } } }"""


def _visit(world: World, days_ago: int, **overrides) -> dict:
    start = (utcnow() - timedelta(days=days_ago)).replace(minute=0, second=0, microsecond=0)
    return {"guestName": "飛込 花子", "guestPhone": "090-4444-5555", "startAt": start.isoformat(),
            "menuIds": [str(world.menus[0].id)], "staffId": str(world.stylists[0].id), **overrides}


async def test_two_visits_of_a_guest_become_one_customer_with_visit_count_2(gql, db, staff_token):
    world = await World(db).build()
    ids = []
    for days_ago in (10, 3):
        out = (await gql(RECORD, {"input": _visit(world, days_ago)}, token=staff_token))["recordWalkIn"]
        assert out["errors"] == [], out
        assert out["reservation"]["status"] == "VISITED" and out["reservation"]["customer"] is None
        assert (out["reservation"]["guestName"], out["reservation"]["guestPhone"]) == ("飛込 花子", "09044445555")
        ids.append(out["reservation"]["id"])

    day = (utcnow() - timedelta(days=3)).astimezone(SALON_TZ).date().isoformat()
    listed = (await gql(DAY, {"d": day}, token=staff_token))["nonMembers"]
    assert [r["id"] for r in listed] == [ids[1]]

    out = (await gql(REGISTER, {"input": {"reservationIds": ids, "lastName": "飛込", "firstName": "花子"}},
                     token=staff_token))["registerNonMember"]
    assert out["errors"] == [], out
    customer = out["customer"]
    assert customer["visitCount"] == 2 and customer["phone"] == "09044445555"
    assert customer["registrationPath"] == RegistrationPath.NON_MEMBER.value
    async with db.sessionmaker() as s:
        for rid in ids:
            assert (await s.get(Reservation, int(rid))).customer_id == int(customer["id"])
    assert (await gql(DAY, {"d": day}, token=staff_token))["nonMembers"] == []

    again = (await gql(REGISTER, {"input": {"reservationIds": ids[:1], "lastName": "別", "firstName": "人"}},
                       token=staff_token))["registerNonMember"]
    assert [e["code"] for e in again["errors"]] == ["NOT_FOUND"] and await count_rows(db) == 1


async def test_a_given_number_is_used(gql, db, staff_token):
    world = await World(db).build()
    rid = (await gql(RECORD, {"input": _visit(world, 1, guestPhone=None)}, token=staff_token))[
        "recordWalkIn"]["reservation"]["id"]
    out = (await gql(REGISTER, {"input": {"reservationIds": [rid], "lastName": "飛込", "firstName": "太郎",
                                          "customerNo": "W0001"}}, token=staff_token))["registerNonMember"]
    assert out["errors"] == [] and out["customer"]["customerNo"] == "W0001" and out["customer"]["visitCount"] == 1


async def test_bad_input_is_said_and_nothing_is_written(gql, db, staff_token, given):
    world = await World(db).build()
    before = await count_rows(db, Reservation), await count_rows(db, AuditLog), await count_rows(db, Customer)
    for overrides, field, code in (({"guestName": ""}, "guestName", "REQUIRED"),
                                   ({"guestName": "x" * 101}, "guestName", "TOO_LONG"),
                                   ({"guestPhone": "123"}, "guestPhone", "INVALID_PHONE"),
                                   ({"menuIds": []}, "menuIds", "REQUIRED"),
                                   ({"startAt": (utcnow() + timedelta(days=2)).isoformat()}, "startAt", "INVALID")):
        out = (await gql(RECORD, {"input": _visit(world, 1, **overrides)}, token=staff_token))["recordWalkIn"]
        assert out["reservation"] is None and (field, code) in [(e["field"], e["code"]) for e in out["errors"]], out
    for ids, code in (([], "REQUIRED"), (["999999"], "NOT_FOUND"), (["abc"], "NOT_FOUND")):
        out = (await gql(REGISTER, {"input": {"reservationIds": ids, "lastName": "a", "firstName": "b"}},
                         token=staff_token))["registerNonMember"]
        assert [e["code"] for e in out["errors"]] == [code], out
    body = await gql(DAY, {"d": "2200-01-01"}, token=staff_token, expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "INVALID_DATE"
    token = await given.customer_token(await given.customer())
    refused = (await gql(RECORD, {"input": _visit(world, 1)}, token=token))["recordWalkIn"]
    assert [e["code"] for e in refused["errors"]] == ["PERMISSION_DENIED"]
    assert (await gql(DAY, {"d": "2026-12-01"}, token=token, expect_errors=True))["errors"][0]["extensions"][
        "code"] == "PERMISSION_DENIED"
    assert (await count_rows(db, Reservation), await count_rows(db, AuditLog), await count_rows(db, Customer)) == (
        before[0], before[1] + 1, before[2] + 1)  # the customer made for the token
