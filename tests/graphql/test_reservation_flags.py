"""❗ through Reservation.customer: staff see isCaution / cautionMemo on every reservation (one query per
field for the whole page); a customer token sees its own reservations without them."""

from __future__ import annotations

from sqlalchemy import event

from models import BlacklistEntry, Caution
from services import token_cache

RESERVATIONS = """{ reservations(first: 100) { edges { node { customer { customerNo isCaution cautionMemo
  isBlacklisted blacklistMatch { reasons } } } } } }"""


async def test_staff_see_the_caution_on_reservations(gql, given, staff_token):
    menu = await given.menu("カット")
    caution = await given.customer()
    plain = await given.customer()
    await given.rows(Caution(customer_id=caution.id, memo="遅刻が多い"))
    await given.visit(caution, menu=menu, days_ago=3)
    await given.visit(plain, menu=menu, days_ago=2)
    data = await gql(RESERVATIONS, token=staff_token)
    got = {e["node"]["customer"]["customerNo"]: e["node"]["customer"] for e in data["reservations"]["edges"]}
    assert got[caution.customer_no]["isCaution"] is True
    assert got[caution.customer_no]["cautionMemo"] == "遅刻が多い"
    assert got[plain.customer_no] == {"customerNo": plain.customer_no, "isCaution": False, "cautionMemo": None,
                                      "isBlacklisted": False, "blacklistMatch": None}


async def test_a_customer_token_sees_no_flags_on_its_reservations(gql, given):
    menu = await given.menu("カット")
    customer = await given.customer()
    await given.rows(Caution(customer_id=customer.id, memo="内部メモ"),
                     BlacklistEntry(customer_id=customer.id, memo="内部メモ"))
    await given.visit(customer, menu=menu)
    token = await given.customer_token(customer)
    data = await gql(RESERVATIONS, token=token)
    assert [e["node"]["customer"] for e in data["reservations"]["edges"]] == [{
        "customerNo": customer.customer_no, "isCaution": None, "cautionMemo": None, "isBlacklisted": None,
        "blacklistMatch": None}]


async def test_flags_on_a_reservation_page_take_a_fixed_number_of_queries(gql, given, staff_token, db):
    menu = await given.menu("カット")

    async def statements() -> int:
        seen: list[str] = []

        def count(conn, cursor, statement, *args):
            seen.append(statement)

        token_cache.cache.clear()  # both listings look the token up (it is otherwise remembered)
        event.listen(db.engine.sync_engine, "before_cursor_execute", count)
        try:
            await gql(RESERVATIONS, token=staff_token)
        finally:
            event.remove(db.engine.sync_engine, "before_cursor_execute", count)
        return len(seen)

    for days in range(2):
        customer = await given.customer()
        await given.rows(Caution(customer_id=customer.id, memo="a"))
        await given.visit(customer, menu=menu, days_ago=days + 1)
    few = await statements()
    for days in range(10):
        customer = await given.customer()
        await given.rows(Caution(customer_id=customer.id, memo="b"))
        await given.visit(customer, menu=menu, days_ago=days + 5)
    assert await statements() == few
