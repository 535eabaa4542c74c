"""回数券 through GraphQL: purchaseTicket, changeTicketExpiry (recorded, never before a booked day),
ticketPurchases with its states and reminder filter, ticketMenus, and what a customer token sees."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from models import StaffMember, TicketExpiryChange, TicketMenu, TicketPurchase, TicketUse
from services import tickets
from services.japan_time import JAPAN
from tests.factories import add_reservation, count_rows

PURCHASE = """mutation($input: PurchaseTicketInput!) { purchaseTicket(input: $input) {
  purchase { id purchasedOn expiresOn totalUses usedCount remaining pricePaid ticketMenu { name }
             customer { customerNo } }
  errors { field code message } } }"""
CHANGE = """mutation($input: ChangeTicketExpiryInput!) { changeTicketExpiry(input: $input) {
  purchase { id expiresOn expiryChanges { oldExpiresOn newExpiresOn reason changedBy { name } } }
  errors { field code message } } }"""
HOLDERS = """query($filter: TicketPurchaseFilter) { ticketPurchases(filter: $filter) {
  totalCount edges { node { id remaining customer { id } } } } }"""
MENUS = "query($all: Boolean!) { ticketMenus(includeInactive: $all) { edges { node { name menus { name } staffMembers { name } } } } }"
MINE = "query { me { ... on Customer { ticketPurchases { id remaining expiresOn expiryChanges { reason } } } } }"


@pytest.fixture
async def salon(given):
    cut = await given.menu("カット")
    stylist = await given.staff_member("高橋")
    menu = TicketMenu(name="カット回数券5回", price=22000, validity_days=30, uses=5)
    stopped = TicketMenu(name="旧回数券", price=10000, validity_days=30, uses=3, active=False)
    async with given.db.transaction() as session:
        menu.menus = [await session.get(type(cut), cut.id)]
        menu.staff_members = [await session.get(StaffMember, stylist.id)]
        session.add_all([menu, stopped])
    return {"cut": cut, "menu": menu, "stopped": stopped,
            "hanako": await given.customer(), "taro": await given.customer(
                last_name="佐藤", first_name="太郎", phone="09087654321", email="taro@example.jp")}


async def _buy(gql, token, salon, who="hanako", **extra) -> dict:
    data = (await gql(PURCHASE, {"input": {"customerId": str(salon[who].id), "ticketMenuId": str(salon["menu"].id),
                                           **extra}}, token=token))["purchaseTicket"]
    assert data["errors"] == [], data
    return data["purchase"]


async def test_staff_sell_a_ticket_priced_and_dated_from_its_menu(gql, staff_token, salon, db):
    purchase = await _buy(gql, staff_token, salon)
    today = tickets.today()
    assert purchase["purchasedOn"] == today.isoformat()
    assert purchase["expiresOn"] == (today + timedelta(days=29)).isoformat()
    assert (purchase["totalUses"], purchase["usedCount"], purchase["remaining"], purchase["pricePaid"]) == (5, 0, 5, 22000)
    assert purchase["ticketMenu"]["name"] == "カット回数券5回"


@pytest.mark.parametrize(("variables", "expected"), [
    ({}, {("customerId", "REQUIRED"), ("ticketMenuId", "REQUIRED")}),
    ({"customerId": "999999", "ticketMenuId": "STOPPED"}, {("customerId", "NOT_FOUND"), ("ticketMenuId", "INVALID")}),
    ({"customerId": "HANAKO", "ticketMenuId": "MENU", "purchasedOn": "2999-01-01"}, {("purchasedOn", "INVALID_DATE")}),
    ({"customerId": "x", "ticketMenuId": "MENU"}, {("customerId", "NOT_FOUND")}),
])
async def test_a_bad_sale_is_refused_in_japanese_and_writes_nothing(gql, staff_token, salon, db, variables, expected):
    ids = {"STOPPED": str(salon["stopped"].id), "HANAKO": str(salon["hanako"].id), "MENU": str(salon["menu"].id)}
    data = (await gql(PURCHASE, {"input": {k: ids.get(v, v) for k, v in variables.items()}},
                      token=staff_token))["purchaseTicket"]
    assert data["purchase"] is None
    assert {(e["field"], e["code"]) for e in data["errors"]} == expected
    assert all(e["message"] and e["message"].isascii() is False for e in data["errors"])
    assert await count_rows(db, TicketPurchase) == 0


async def test_a_customer_cannot_buy_or_change_a_ticket_through_the_api(gql, given, staff_token, salon, db):
    token = await given.customer_token(salon["hanako"])
    data = (await gql(PURCHASE, {"input": {"customerId": str(salon["hanako"].id),
                                           "ticketMenuId": str(salon["menu"].id)}}, token=token))["purchaseTicket"]
    assert [e["code"] for e in data["errors"]] == ["PERMISSION_DENIED"]
    purchase = await _buy(gql, staff_token, salon)
    data = (await gql(CHANGE, {"input": {"purchaseId": purchase["id"], "expiresOn": "2030-01-01"}},
                      token=token))["changeTicketExpiry"]
    assert [e["code"] for e in data["errors"]] == ["PERMISSION_DENIED"]
    assert await count_rows(db, TicketPurchase) == 1 and await count_rows(db, TicketExpiryChange) == 0


async def test_an_expiry_change_is_recorded_and_cannot_strand_a_booking(gql, staff_token, manager_token, salon, db):
    purchase = await _buy(gql, staff_token, salon)
    booked_day = tickets.today() + timedelta(days=20)
    reservation = await add_reservation(db, salon["hanako"], datetime.combine(booked_day, time(11), JAPAN),
                                        [salon["cut"]])
    async with db.transaction() as session:
        session.add(TicketUse(purchase_id=int(purchase["id"]), reservation_id=reservation.id, uses=1))
    too_early = (booked_day - timedelta(days=1)).isoformat()
    data = (await gql(CHANGE, {"input": {"purchaseId": purchase["id"], "expiresOn": too_early}},
                      token=staff_token))["changeTicketExpiry"]
    assert [(e["field"], e["code"]) for e in data["errors"]] == [("expiresOn", "TICKET_BOOKED_AFTER")]
    assert "この回数券で予約があるため" in data["errors"][0]["message"]
    assert await count_rows(db, TicketExpiryChange) == 0

    later = (tickets.today() + timedelta(days=90)).isoformat()
    data = (await gql(CHANGE, {"input": {"purchaseId": purchase["id"], "expiresOn": later, "reason": "ご旅行のため"}},
                      token=manager_token))["changeTicketExpiry"]
    assert data["errors"] == []
    assert data["purchase"]["expiresOn"] == later
    assert data["purchase"]["expiryChanges"] == [{"oldExpiresOn": purchase["expiresOn"], "newExpiresOn": later,
                                                  "reason": "ご旅行のため", "changedBy": {"name": "manager"}}]


async def test_a_reason_over_255_characters_is_refused(gql, staff_token, salon, db):
    purchase = await _buy(gql, staff_token, salon)
    data = (await gql(CHANGE, {"input": {"purchaseId": purchase["id"], "expiresOn": "2030-01-01",
                                         "reason": "あ" * 256}}, token=staff_token))["changeTicketExpiry"]
    assert [(e["field"], e["code"]) for e in data["errors"]] == [("reason", "TOO_LONG")]
    assert await count_rows(db, TicketExpiryChange) == 0


async def test_holders_by_state_and_the_reminder_list(gql, staff_token, salon, db):
    active = await _buy(gql, staff_token, salon)
    old = await _buy(gql, staff_token, salon, who="taro",
                     purchasedOn=(tickets.today() - timedelta(days=40)).isoformat())  # expired 10 days ago
    used_up = await _buy(gql, staff_token, salon, who="taro")
    async with db.transaction() as session:
        (await session.get(TicketPurchase, int(used_up["id"]))).used_count = 5

    async def ids(filter_: dict) -> list[str]:
        page = (await gql(HOLDERS, {"filter": filter_}, token=staff_token))["ticketPurchases"]
        return sorted(edge["node"]["id"] for edge in page["edges"])

    assert await ids({"state": "ACTIVE"}) == [active["id"]]
    assert await ids({"state": "EXPIRED"}) == [old["id"]]
    assert await ids({"state": "USED_UP"}) == [used_up["id"]]
    assert await ids({"expiringWithinDays": 29}) == [active["id"]]
    assert await ids({"expiringWithinDays": 28}) == []
    assert await ids({"customerId": str(salon["taro"].id)}) == sorted([old["id"], used_up["id"]])
    refused = await gql(HOLDERS, {"filter": {"expiringWithinDays": 367}}, token=staff_token, expect_errors=True)
    assert refused["errors"][0]["extensions"]["code"] == "INVALID"
    assert "0〜366" in refused["errors"][0]["message"]


async def test_a_customer_token_sees_only_its_own_tickets(gql, given, staff_token, salon):
    mine = await _buy(gql, staff_token, salon)
    await _buy(gql, staff_token, salon, who="taro")
    token = await given.customer_token(salon["hanako"])
    for filter_ in ({}, {"customerId": str(salon["taro"].id)}):
        page = (await gql(HOLDERS, {"filter": filter_}, token=token))["ticketPurchases"]
        assert [e["node"]["id"] for e in page["edges"]] == ([mine["id"]] if not filter_ else [])
    own = (await gql(MINE, token=token))["me"]["ticketPurchases"]
    assert own == [{"id": mine["id"], "remaining": 5, "expiresOn": mine["expiresOn"], "expiryChanges": None}]


async def test_ticket_menus_on_sale_and_for_staff_every_one(gql, given, staff_token, salon):
    token = await given.customer_token(salon["hanako"])
    on_sale = (await gql(MENUS, {"all": True}, token=token))["ticketMenus"]["edges"]
    assert [e["node"] for e in on_sale] == [{"name": "カット回数券5回", "menus": [{"name": "カット"}],
                                             "staffMembers": [{"name": "高橋"}]}]
    every = (await gql(MENUS, {"all": True}, token=staff_token))["ticketMenus"]["edges"]
    assert sorted(e["node"]["name"] for e in every) == ["カット回数券5回", "旧回数券"]
