"""退会 through GraphQL: a customer token only (staff, managers and the site refused), the reason
required and at most 255 characters, reservations still to come cancelled without a fee, and
afterwards: off the customer list and search (the filter shows it), no booking, no token, listed
in withdrawnCustomers."""

from __future__ import annotations

from sqlalchemy import select, update

from models import AuditLog, Customer, Reservation, ReservationStatus, Withdrawal
from services import auth
from tests.booking_world import World, later
from tests.factories import count_rows

WITHDRAW = """mutation($input: WithdrawInput!) { withdraw(input: $input) {
  withdrawnAt cancelledReservations errors { field code message } } }"""
LIST = """query($q: String, $all: Boolean) { customers(first: 50, filter: {name: $q, includeWithdrawn: $all}) {
  edges { node { customerNo } } } }"""
WITHDRAWN = """{ withdrawnCustomers(first: 10) { edges { node { reason withdrawnAt
  customer { customerNo lastName firstName lineName email phone inflowRoutes { name } } } } } }"""
BOOK = """mutation($input: CreateReservationInput!) { createReservation(input: $input) {
  reservation { id } errors { code } } }"""
ISSUE = """mutation($id: ID!) { issueCustomerToken(input: {customerId: $id}) { token errors { code } } }"""


async def _token(db, customer) -> str:
    async with db.transaction() as s:
        token, _ = await auth.issue_customer_token(s, customer)
    return token


async def test_the_customer_withdraws_and_is_gone_from_what_staff_and_the_site_see(gql, db, staff_token,
                                                                                    site_secret):
    world = await World(db).build(fee_percent=50, deadline_hours=24)
    leaving = await world.customer(last_name="退会", first_name="花子")
    staying = await world.customer()
    soon = await world.book(leaving, hours=2)  # past the cancellation deadline: still no fee
    future = await world.book(leaving, hours=72)
    other = await world.book(staying, hours=72, stylist=1)
    async with db.transaction() as s:
        await s.execute(update(Customer).where(Customer.id == leaving.id).values(line_user_id="U" + "d" * 32))
    token = await _token(db, leaving)

    out = (await gql(WITHDRAW, {"input": {"reason": "引っ越しのため"}}, token=token))["withdraw"]

    assert out["errors"] == [] and out["withdrawnAt"] and out["cancelledReservations"] == 2
    for reservation in (soon, future):
        cancelled = await world.get(Reservation, reservation.id)
        assert cancelled.status == ReservationStatus.CANCELLED and cancelled.cancel_fee_yen == 0
        assert not cancelled.is_late_cancel
    assert (await world.get(Reservation, other.id)).status == ReservationStatus.BOOKED
    assert not (await world.get(Customer, leaving.id)).has_unpaid_cancel_fee

    listed = {e["node"]["customerNo"] for e in (await gql(LIST, token=staff_token))["customers"]["edges"]}
    assert leaving.customer_no not in listed and staying.customer_no in listed
    found = (await gql(LIST, {"q": "退会"}, token=staff_token))["customers"]["edges"]
    assert found == []
    shown = (await gql(LIST, {"q": "退会", "all": True}, token=staff_token))["customers"]["edges"]
    assert [e["node"]["customerNo"] for e in shown] == [leaving.customer_no]

    rows = (await gql(WITHDRAWN, token=staff_token))["withdrawnCustomers"]["edges"]
    assert [(r["node"]["reason"], r["node"]["customer"]["customerNo"]) for r in rows] == [
        ("引っ越しのため", leaving.customer_no)]

    # no more token, no new one, no booking
    assert (await gql("{ me { __typename } }", token=token))["me"] is None
    issued = (await gql(ISSUE, {"id": str(leaving.id)}, site=site_secret))["issueCustomerToken"]
    assert issued["token"] is None and [e["code"] for e in issued["errors"]] == ["NOT_FOUND"]
    booking = {"customerId": str(leaving.id), "startAt": later(96).isoformat(), "menuIds": [str(world.menus[0].id)]}
    refused = (await gql(BOOK, {"input": booking}, token=staff_token))["createReservation"]
    assert refused["reservation"] is None and [e["code"] for e in refused["errors"]] == ["CUSTOMER_WITHDRAWN"]


async def test_255_characters_are_accepted_and_256_refused(gql, db, given):
    refused_customer, accepted_customer = await given.customer(), await given.customer()
    before = await count_rows(db, Withdrawal), await count_rows(db, AuditLog)
    too_long = (await gql(WITHDRAW, {"input": {"reason": "あ" * 256}},
                          token=await given.customer_token(refused_customer)))["withdraw"]
    assert too_long["errors"] == [{"field": "reason", "code": "TOO_LONG",
                                   "message": "退会理由は255文字以内で入力してください。"}]
    for reason, code in (("", "REQUIRED"), ("  ", "REQUIRED"), (None, "REQUIRED")):
        out = (await gql(WITHDRAW, {"input": {"reason": reason}},
                         token=await given.customer_token(refused_customer)))["withdraw"]
        assert [(e["field"], e["code"]) for e in out["errors"]] == [("reason", code)]
    assert (await count_rows(db, Withdrawal), await count_rows(db, AuditLog)) == before
    assert (await db_customer(db, refused_customer.id)).withdrawn_at is None

    ok = (await gql(WITHDRAW, {"input": {"reason": "い" * 255}},
                    token=await given.customer_token(accepted_customer)))["withdraw"]
    assert ok["errors"] == []
    async with db.sessionmaker() as s:
        assert (await s.scalar(select(Withdrawal.reason))) == "い" * 255


async def db_customer(db, customer_id) -> Customer:
    async with db.sessionmaker() as s:
        return await s.get(Customer, customer_id)


async def test_staff_managers_and_the_site_cannot_withdraw_anyone(gql, db, given, staff_token, manager_token,
                                                                 site_secret):
    customer = await given.customer()
    for who in ({"token": staff_token}, {"token": manager_token}, {"site": site_secret}):
        out = (await gql(WITHDRAW, {"input": {"reason": "店から"}}, **who))["withdraw"]
        assert out["withdrawnAt"] is None and [e["code"] for e in out["errors"]] == ["PERMISSION_DENIED"], who
    assert (await gql(WITHDRAW, {"input": {"reason": "x"}}, expect_errors=True))["data"]["withdraw"]["errors"][0][
        "code"] == "UNAUTHENTICATED"
    assert await count_rows(db, Withdrawal) == 0 and (await db_customer(db, customer.id)).withdrawn_at is None


async def test_withdrawn_customers_is_staff_only(gql, given):
    customer = await given.customer()
    body = await gql(WITHDRAWN, token=await given.customer_token(customer), expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"


async def test_hostile_reasons_get_answers_and_control_characters_are_dropped(gql, db, given):
    customer = await given.customer()
    token = await given.customer_token(customer)
    for reason, code in (("\u0000", "REQUIRED"), ("x" * 5000, "TOO_LONG"), ("😀" * 256, "TOO_LONG"),
                         ("\u202e\u200f", "REQUIRED")):
        out = (await gql(WITHDRAW, {"input": {"reason": reason}}, token=token))["withdraw"]
        assert [(e["field"], e["code"]) for e in out["errors"]] == [("reason", code)], reason
    out = (await gql(WITHDRAW, {"input": {"reason": "転居\u0000のため\u202e"}}, token=token))["withdraw"]
    assert out["errors"] == []
    async with db.sessionmaker() as s:
        assert await s.scalar(select(Withdrawal.reason)) == "転居のため"
