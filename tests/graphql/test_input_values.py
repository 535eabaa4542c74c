"""Input values the API refuses, and the times it writes.

A value a scalar or enum refuses gets the same answer whether it is written in the document or
sent as a variable: the Japanese message, ``extensions.code`` ``INVALID``, HTTP 200, nothing run
and nothing written. Every DateTime the API writes is in Japan time (+09:00), whatever offset
the caller sent.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from models import Caution, Reservation, StaffAccount
from resolvers.errors import UNEXPECTED_MESSAGE
from services.booking import status as booking_status
from services.japan_time import JAPAN
from tests.booking_world import World, later

#: (argument's type in the document, a refused value as a literal, the same as a variable, message)
REFUSED = [
    ("DateTime", '"2026-12-10T10:00:00"', "2026-12-10T10:00:00",
     "DateTime にはタイムゾーン (+09:00 など) を付けてください。"),
    ("DateTime", '"tomorrow 10am"', "tomorrow 10am",
     "DateTime は ISO 8601 の形式の、実在する日時で指定してください（例: 2026-04-01T10:30:00+09:00）。"),
    ("DateTime", '"2026-12-10T10:00:00+23:59"', "2026-12-10T10:00:00+23:59",
     "DateTime のタイムゾーンは -12:00 から +14:00 までの実在するもの（+09:00 など）で指定してください。"),
    ("DateTime", '"2026-12-10T10:00:00-13:00"', "2026-12-10T10:00:00-13:00",
     "DateTime のタイムゾーンは -12:00 から +14:00 までの実在するもの（+09:00 など）で指定してください。"),
    ("Boolean", '"yes"', "yes", 'true か false で指定してください（"yes"）。'),
    ("ID", "1.5", 1.5, "ID は文字列か整数で指定してください（1.5）。"),
    ("ReservationChannel", "NOPE", "NOPE", "「NOPE」は ReservationChannel の値にありません。"),
]
#: Where each type goes in createReservation's input.
FIELD_OF = {"DateTime": "startAt", "Boolean": "tentative", "ID": "customerId", "ReservationChannel": "channel"}


@pytest.fixture
async def world(db) -> World:
    return await World(db).build()


async def _reservations(db) -> int:
    async with db.sessionmaker() as s:
        return int(await s.scalar(select(func.count()).select_from(Reservation)))


def _booking(world: World, customer, **fields: str) -> str:
    """createReservation's input as a literal, with ``fields`` written in as they are."""
    values = {"customerId": f'"{customer.id}"', "startAt": f'"{later(72).isoformat()}"',
              "menuIds": f'["{world.menus[0].id}"]', **fields}
    return "{" + ", ".join(f"{k}: {v}" for k, v in values.items()) + "}"


@pytest.mark.parametrize(("type_", "literal", "variable", "message"), REFUSED,
                         ids=[f"{r[0]}-{r[2]}" for r in REFUSED])
async def test_a_refused_value_is_answered_alike_as_literal_and_as_variable(gql, db, world, staff_token,
                                                                           type_, literal, variable, message):
    customer = await world.customer()
    field = FIELD_OF[type_]
    written = f"mutation {{ createReservation(input: {_booking(world, customer, **{field: literal})}) {{ errors {{ code }} }} }}"
    as_literal = await gql(written, token=staff_token, expect_errors=True)
    sent = (f"mutation($v: {type_}) {{ createReservation(input: "
            f"{_booking(world, customer, **{field: '$v'})}) {{ errors {{ code }} }} }}")
    as_variable = await gql(sent, {"v": variable}, token=staff_token, expect_errors=True)

    for body in (as_literal, as_variable):
        assert body.get("data") is None
        [error] = body["errors"]
        assert error["message"] == message
        assert error["extensions"]["code"] == "INVALID"
    assert as_variable["errors"][0]["extensions"]["variable"] == "v"
    assert await _reservations(db) == 0


async def test_a_refused_literal_is_not_logged_as_a_failure(gql, world, staff_token, caplog):
    customer = await world.customer()
    booking = _booking(world, customer, startAt='"bad"')
    document = f"mutation {{ createReservation(input: {booking}) {{ errors {{ code }} }} }}"
    body = await gql(document, token=staff_token, expect_errors=True)
    assert UNEXPECTED_MESSAGE not in str(body)
    assert "Traceback" not in caplog.text


async def test_query_arguments_are_refused_in_japanese_too(gql, staff_token):
    body = await gql('{ reservations(filter: {dateFrom: "2026-02-30"}, first: 1.5) { totalCount } }',
                     token=staff_token, expect_errors=True)
    assert sorted((e["message"], e["extensions"]["code"]) for e in body["errors"]) == [
        ("Date は YYYY-MM-DD の形式の、実在する日付で指定してください（例: 2026-04-01）。", "INVALID"),
        ("整数で指定してください（1.5）。", "INVALID"),
    ]


@pytest.mark.parametrize("sent", ["+14:00", "-12:00", "+05:45", "Z"])
async def test_any_real_offset_is_taken_and_written_back_in_japan_time(gql, world, staff_token, sent):
    customer = await world.customer()
    start = later(72)
    offset = {"Z": timedelta(0), "+14:00": timedelta(hours=14), "-12:00": timedelta(hours=-12),
              "+05:45": timedelta(hours=5, minutes=45)}[sent]
    text = (start + offset).replace(tzinfo=None).isoformat() + sent
    booking = _booking(world, customer, startAt=f'"{text}"')
    document = f"mutation {{ createReservation(input: {booking}) {{ reservation {{ startAt }} errors {{ code }} }} }}"
    out = (await gql(document, token=staff_token))["createReservation"]
    assert out["errors"] == []
    assert out["reservation"]["startAt"] == start.astimezone(JAPAN).isoformat()
    assert out["reservation"]["startAt"].endswith("+09:00")


# --- every DateTime the schema writes -------------------------------------------------------------

INTROSPECTION = """{ __schema { types { name kind fields { name args { name type { kind } defaultValue }
  type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }"""
LOGIN = """mutation($input: LoginInput!) { login(input: $input) {
  __typename expiresAt account { __typename lastLoginAt } errors { code } } }"""
ISO_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")


def _named(type_: dict) -> dict:
    while type_["kind"] in ("NON_NULL", "LIST"):
        type_ = type_["ofType"]
    return type_


def _selection(types: dict[str, dict], name: str, depth: int) -> str:
    """Every field of ``name`` that takes no required argument, objects ``depth`` levels down."""
    parts = ["__typename"]
    for field in types[name]["fields"] or []:
        if any(a["type"]["kind"] == "NON_NULL" and a["defaultValue"] is None for a in field["args"]):
            continue
        target = types[_named(field["type"])["name"]]
        if target["kind"] in ("SCALAR", "ENUM"):
            parts.append(field["name"])
        elif depth > 0 and target["kind"] == "OBJECT":
            parts.append(f"{field['name']} {{ {_selection(types, target['name'], depth - 1)} }}")
        elif depth > 0 and target["kind"] == "UNION":
            parts.append(f"{field['name']} {{ __typename }}")
    return " ".join(parts)


def _datetimes(types: dict[str, dict], name: str, value: Any, found: dict[str, str]) -> None:
    """Collect ``Type.field`` → value for every DateTime in ``value`` (an object of type ``name``)."""
    if isinstance(value, list):
        for item in value:
            _datetimes(types, name, item, found)
        return
    if not isinstance(value, dict):
        return
    name = value.get("__typename", name)
    fields = {f["name"]: f for f in types[name]["fields"] or []}
    for key, item in value.items():
        if key not in fields or item is None:
            continue
        target = _named(fields[key]["type"])["name"]
        if target == "DateTime":
            found[f"{name}.{key}"] = item
        elif types[target]["kind"] in ("OBJECT", "UNION"):
            _datetimes(types, target, item, found)


async def test_every_datetime_the_api_writes_is_in_japan_time(gql, db, world, manager_token):
    customer, other = await world.customer(), await world.customer(last_name="佐藤")
    await world.flag(customer, Caution, "大声で話される")
    visited = await world.book(customer, hours=2)
    await world.run(booking_status.mark_visited, visited.id, world.staff)
    paid = await world.book(customer, hours=3)
    await world.run(booking_status.cancel_by_customer, paid.id, world.staff)
    await world.run(booking_status.pay_cancellation_fee, paid.id, world.staff)
    waived = await world.book(customer, hours=5)
    await world.run(booking_status.cancel_by_customer, waived.id, world.staff)
    await world.run(booking_status.waive_cancellation_fee, waived.id, world.manager)
    await world.book(other, hours=30, stylist=1)

    schema = (await gql(INTROSPECTION, token=manager_token))["__schema"]
    types = {t["name"]: t for t in schema["types"]}
    query_fields = {f["name"]: f for f in types["Query"]["fields"]}
    found: dict[str, str] = {}
    for root, arguments in (("customer", f'(id: "{customer.id}")'), ("reservations", "(first: 50)"),
                            ("customers", "(first: 50)"), ("cautions", ""), ("me", "")):
        target = _named(query_fields[root]["type"])["name"]
        inner = "__typename ... on StaffAccount { lastLoginAt }" if root == "me" else _selection(types, target, 3)
        data = await gql(f"{{ {root}{arguments} {{ {inner} }} }}", token=manager_token)
        _datetimes(types, target, data[root], found)

    # A payload's times too: login answers its token's expiry and the account's last login.
    async with db.sessionmaker() as s:
        login_id = await s.scalar(select(StaffAccount.login_id).where(StaffAccount.id == world.manager.account_id))
    for _ in range(2):  # the second login's account has a last login
        logged_in = (await gql(LOGIN, {"input": {"loginId": login_id, "password": "password-123"}}))["login"]
    _datetimes(types, "LoginPayload", logged_in, found)

    assert UNEXPECTED_MESSAGE not in str(found)
    wrong = {field: value for field, value in found.items() if not value.endswith("+09:00")}
    assert wrong == {}
    assert all(ISO_DATETIME.match(value) for value in found.values())
    # The walk reached the DateTime fields of the types a frontend reads most.
    for field in ("Customer.registeredAt", "Customer.lastVisitAt", "Reservation.startAt", "Reservation.endAt",
                  "Reservation.createdAt", "Reservation.visitedAt", "Reservation.cancelledAt",
                  "Reservation.cancelFeePaidAt", "Reservation.cancelFeeWaivedAt", "Caution.createdAt",
                  "LoginPayload.expiresAt", "StaffAccount.lastLoginAt"):
        assert field in found, (field, sorted(found))


@pytest.mark.parametrize("id_", ["2147483648", "9223372036854775807"])
async def test_an_id_past_the_integer_columns_is_not_found_not_a_failure(gql, world, staff_token, id_):
    """PostgreSQL refuses a bind value past an INTEGER column instead of finding no row: such an id
    is answered as a record that does not exist, on every door (services.ids)."""
    customer = await world.customer()
    cancel = (await gql("mutation($id: ID!) { cancelReservation(input: {id: $id}) { errors { field code } } }",
                        {"id": id_}, token=staff_token))["cancelReservation"]
    assert [e["code"] for e in cancel["errors"]] == ["NOT_FOUND"]
    booking = {"customerId": str(customer.id), "startAt": later(72).isoformat(), "menuIds": [id_],
               "staffId": id_}
    booked = (await gql("mutation($input: CreateReservationInput!) { createReservation(input: $input) { "
                        "errors { field code } } }", {"input": booking}, token=staff_token))["createReservation"]
    assert booked["errors"] and {e["code"] for e in booked["errors"]} <= {"NOT_FOUND", "REQUIRED"}
    assert (await gql("query($id: ID!) { customer(id: $id) { id } }", {"id": id_}, token=staff_token)) == {
        "customer": None}
