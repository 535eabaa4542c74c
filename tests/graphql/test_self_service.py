"""A customer on the reservation site (customer token): its own profile read and changed (the fields
SPEC §1 lets a customer change; not the number, the figures nor anything staff keep), its own
reservations and tickets; nothing of anyone else's."""

from __future__ import annotations

from datetime import date, timedelta

from models import TicketMenu, TicketPurchase
from tests.booking_world import World

ME = """{ me { ... on Customer { id customerNo lastName phone mailOk visitCount isCaution notes
  ticketPurchases { ticketMenu { name } totalUses usedCount remaining expiresOn }
  reservations(first: 10) { edges { node { id customer { id } } } } } } }"""
OTHER = """query($id: ID!) { customer(id: $id) { id ticketPurchases { ticketMenu { name } } } }"""
RESERVATIONS = "{ reservations(first: 50) { edges { node { id customer { id } } } } }"
UPDATE = """mutation($input: UpdateCustomerInput!) { updateCustomer(input: $input) {
  customer { lastName phone mailOk postalCode } errors { field code message } } }"""
RESERVATION = "query($id: ID!) { reservation(id: $id) { id } }"


async def _ticket(world: World, customer, name: str, used: int) -> None:
    async with world.db.transaction() as s:
        menu = TicketMenu(name=name, price=20000, validity_days=180, uses=5)
        s.add(menu)
        await s.flush()
        s.add(TicketPurchase(customer_id=customer.id, ticket_menu_id=menu.id, purchased_on=date.today(),
                             expires_on=date.today() + timedelta(days=180), total_uses=5, used_count=used,
                             price_paid=20000))


async def test_a_customer_sees_and_changes_its_own_and_nothing_else(gql, db, given):
    world = await World(db).build()
    me = await world.customer(last_name="自分")
    other = await world.customer(last_name="他人")
    mine = await world.book(me, hours=72)
    theirs = await world.book(other, hours=72, stylist=1)
    await _ticket(world, me, "カット5回券", used=2)
    await _ticket(world, other, "カラー5回券", used=0)
    token = await given.customer_token(me)

    profile = (await gql(ME, token=token))["me"]
    assert profile["customerNo"] == me.customer_no and profile["lastName"] == "自分"
    assert profile["ticketPurchases"] == [{"ticketMenu": {"name": "カット5回券"}, "totalUses": 5, "usedCount": 2, "remaining": 3,
                                   "expiresOn": (date.today() + timedelta(days=180)).isoformat()}]
    assert profile["isCaution"] is None  # staff-only fields read null
    assert [e["node"]["id"] for e in profile["reservations"]["edges"]] == [str(mine.id)]

    listed = (await gql(RESERVATIONS, token=token))["reservations"]["edges"]
    assert {e["node"]["customer"]["id"] for e in listed} == {str(me.id)}
    assert (await gql(RESERVATION, {"id": str(theirs.id)}, token=token, expect_errors=True))["data"][
        "reservation"] is None
    other_read = await gql(OTHER, {"id": str(other.id)}, token=token, expect_errors=True)
    assert other_read["data"]["customer"] is None

    changed = (await gql(UPDATE, {"input": {"id": str(me.id), "lastName": "自分", "phone": "080-3333-4444",
                                            "mailOk": False, "postalCode": "1500041"}}, token=token))["updateCustomer"]
    assert changed["errors"] == [] and changed["customer"]["phone"] == "08033334444"
    assert changed["customer"]["mailOk"] is False

    for field, value, label in (("customerNo", "X999", "お客様番号"), ("notes", "x", "備考"),
                                ("preSystemVisitCount", 3, "システム導入前来店回数")):
        refused = (await gql(UPDATE, {"input": {"id": str(me.id), field: value}}, token=token))["updateCustomer"]
        assert refused["customer"] is None
        assert [e["code"] for e in refused["errors"]] == ["PERMISSION_DENIED"], (field, refused)
        assert label in refused["errors"][0]["message"]
    someone_else = (await gql(UPDATE, {"input": {"id": str(other.id), "phone": "080-5555-6666"}},
                              token=token))["updateCustomer"]
    assert [e["code"] for e in someone_else["errors"]] == ["NOT_FOUND"]
