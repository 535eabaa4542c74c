"""``Customer.refusedOnSite``: true exactly when the reservation site refuses the customer's bookings.

A frontend developer tested ``isBlacklisted`` and read a matched person (refused by the site) as
not blacklisted. ``isBlacklisted`` says "has its own entry"; ``refusedOnSite`` says what the booking
service does with a customer token, through the same rule (services.booking.rules.refuses_on_site).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import update

from models import BlacklistEntry, Customer
from services import auth
from tests.booking_world import World, later
from tests.graphql.test_statement_count import counting

LIST = """query { customers(first: 50, filter: {includeWithdrawn: true}) { edges { node {
  customerNo isBlacklisted blacklistMatch { customerNo } refusedOnSite } } } }"""
MINE = "query($id: ID!) { customer(id: $id) { customerNo isBlacklisted refusedOnSite } }"
BOOK = """mutation($input: CreateReservationInput!) { createReservation(input: $input) {
  reservation { id } errors { code } } }"""


async def test_refused_on_site_is_what_booking_with_a_customer_token_does(gql, db, staff_token):
    world = await World(db).build()
    ordinary = await world.customer(last_name_kana="フツウ", phone="09012345671")
    listed = await world.customer(last_name_kana="クロダ", phone="09012345672")
    await world.flag(listed, BlacklistEntry, "暴言あり")
    matched = await world.customer(last_name_kana="クロダ", first_name_kana=listed.first_name_kana,
                                   phone="09012345672", email="again@example.jp")
    owing = await world.customer(last_name_kana="ミハライ", phone="09012345673")
    gone = await world.customer(last_name_kana="タイカイ", phone="09012345674")
    async with db.transaction() as s:
        await s.execute(update(Customer).where(Customer.id == owing.id).values(has_unpaid_cancel_fee=True))
        await s.execute(update(Customer).where(Customer.id == gone.id).values(withdrawn_at=datetime.now(UTC)))

    with counting(db) as counted:
        edges = (await gql(LIST, token=staff_token))["customers"]["edges"]
    got = {e["node"]["customerNo"]: (e["node"]["isBlacklisted"], e["node"]["refusedOnSite"]) for e in edges}
    assert got == {ordinary.customer_no: (False, False), listed.customer_no: (True, True),
                   matched.customer_no: (False, True), owing.customer_no: (False, True),
                   gone.customer_no: (False, True)}
    statements = len(counted.statements)

    for hours, customer in enumerate((ordinary, listed, matched, owing), start=72):
        async with db.transaction() as s:
            token, _ = await auth.issue_customer_token(s, customer)
        booking = {"startAt": later(hours * 2).isoformat(), "menuIds": [str(world.menus[0].id)]}
        out = (await gql(BOOK, {"input": booking}, token=token))["createReservation"]
        refused = [e["code"] for e in out["errors"]] == ["SLOT_FULL"]
        assert refused == got[customer.customer_no][1], customer.customer_no
        # A customer token reads none of it about itself.
        assert (await gql(MINE, {"id": str(customer.id)}, token=token))["customer"] == {
            "customerNo": customer.customer_no, "isBlacklisted": None, "refusedOnSite": None}

    # More customers on the page, no more statements: the refusals are read in one batch.
    for n in range(5):
        await world.customer(last_name_kana="ツイカ", phone=f"0901111{n:04d}")
    with counting(db) as counted:
        await gql(LIST, token=staff_token)
    assert len(counted.statements) <= statements
