"""The executor's short ways (resolvers/runtime/execution.py) answer exactly what graphql-core and Strawberry answer.

Each query runs twice on the same data: through the app's schema (direct resolvers, plain fields
and whole objects written out directly, lists prefetched) and through a reference schema built
from the same types with Strawberry's own execution context and resolvers. The answers must be
equal, data and errors, for staff and for a customer token (whose staff-only fields are null).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import uuid4

import pytest
import strawberry
from graphql import TypeInfo, TypeInfoVisitor, Visitor, parse, visit
from strawberry.schema.config import StrawberryConfig

from models import (
    BlacklistEntry,
    Caution,
    Menu,
    Referral,
    Reservation,
    ReservationChannel,
    ReservationStatus,
    KarteCategory,
    KarteDetail,
    KarteEntry,
    KarteImage,
    KartePhrase,
    SalesReport,
    StaffMember,
    TicketMenu,
    TicketPurchase,
    VisitMemo,
    Withdrawal,
)
from models.db import Database
from resolvers.runtime.context import Context
from resolvers.runtime.execution import ExecutionContext
from resolvers.runtime.loaders import Loaders
from resolvers.runtime.prefetch import DIRECT
from resolvers.runtime.reads import RequestReads
from resolvers.runtime.writers import EnumNames
from resolvers.schema import Mutation, Query, schema
from schema.scalars import SCALAR_MAP
from services.actor import Actor
from services import tickets
from services.booking import status as booking_status
from services.booking.transitions import SALON_TZ
from services.config import get_settings
from tests.booking_world import World, later

#: Strawberry as it comes: its own execution context, every field through its own resolver.
REFERENCE = strawberry.Schema(query=Query, mutation=Mutation, config=StrawberryConfig(scalar_map=SCALAR_MAP))

CUSTOMER_FIELDS = """id customerNo fullName fullNameKana phone phoneDisplay birthDateWareki isLineRegistered
  isPhoneOnly visitCount lastVisitAt isCaution cautionMemo isBlacklisted __typename
  lastMenu { id name price } occupation { name } attributes inflowRoutes { name }
  blacklistMatch { entryId customerNo reasons memo customer { id customerNo } } refusedOnSite
  referredBy { memo customer { id fullName } } referred { memo customer { id fullName } }
  firstVisitMotive { name } freeItemValues { freeItem { id name choices { name } } choice { name } }"""

DAY = """query($from: Date!, $to: Date!, $skip: Boolean!) {
  reservations(filter: {dateFrom: $from, dateTo: $to}, first: 100) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { ...Line
      customer { ...Who } staff { id name } totalPrice
      menus { price menu { id name } } } } } }
fragment Line on Reservation { id startAt endAt status statusLabel isLateCancel lateCancelLabel cancelFeeYen
  visitedAt memo channel when: startAt hidden: memo @skip(if: $skip)
  cancelFeePaidBy { id name } cancelFeeWaivedBy { id name } salesReport { id treatment } }
fragment Who on Customer { %s }""" % CUSTOMER_FIELDS

CUSTOMERS = "query { customers(first: 20) { totalCount edges { node { %s } } } }" % CUSTOMER_FIELDS

FLAGS = """query {
  cautions(first: 20) { edges { node { id memo customer { id fullName isCaution cautionMemo } } } }
  blacklist(first: 20) { edges { node { id memo customer { id fullName isBlacklisted
    blacklistMatch { reasons customer { id } } } } } } }"""

CATALOG = """query {
  me { __typename ... on StaffAccount { id loginId staffMember { id name } } }
  menus { totalCount edges { node { id name price } } } staff { edges { node { id name } } }
  freeItems(includeInactive: true) { edges { node { id name choices { id name } } } } }"""

#: The staff app's customer page: each customer with its last reservations, their menus and stylist.
NESTED = """query { customers(first: 20) { edges { node { id fullName reservations(first: 3) {
  totalCount pageInfo { hasNextPage } edges { cursor node { id startAt status statusLabel
    menus { price menu { name } } staff { name } customer { id } } } } } } } }"""

#: Tickets: the holders' list, the ticket menus and a customer's own tickets.
TICKETS = """query {
  ticketPurchases(first: 20) { totalCount edges { node { id expiresOn remaining usedCount
    customer { id fullName ticketPurchases { id remaining } }
    ticketMenu { id name menus { id name } staffMembers { id name } }
    expiryChanges { oldExpiresOn newExpiresOn reason changedBy { id name } } } } }
  ticketMenus(includeInactive: true) { edges { node { id name uses menus { name } staffMembers { name } } } } }"""

#: 退会者: each withdrawal with its customer.
WITHDRAWALS = """query { withdrawnCustomers(first: 20) { edges { node { id reason withdrawnAt
  customer { id customerNo fullName lineName email phone inflowRoutes { name } } } } } }"""

#: Each customer's tickets, as the customer's own page on the site reads them.
CUSTOMER_TICKETS = """query { customers(first: 20) { edges { node { id ticketPurchases { id remaining
  purchasedOn usedCount ticketMenu { name } } } } } }"""

#: A day's walk-ins (非会員): guests without a customer.
NON_MEMBERS = """query($d: Date!) { nonMembers(date: $d) { id guestName guestPhone startAt customer { id } } }"""

#: 営業報告: the search's page, each report's reservation, customer and stylist.
KARTE = """query { salesReports(first: 20) { totalCount edges { node { id treatment amountYen productsSold
  reservation { id startAt salesReport { id } } customer { id fullName isCaution } staff { id name } } } } }"""

#: The customer's karte lists (entries, memos, reports) and the karte masters.
KARTE_LISTS = """query { customers(first: 20) { edges { node { id
  karteEntries(first: 5) { totalCount edges { node { id visitDate text isHealthInfo copiedFromId
    category { id name } detail { id name } staff { id name } reservation { id startAt } } } }
  visitMemos(first: 5) { edges { node { id text staff { name } reservation { id } } } }
  salesReports(first: 5) { edges { node { id treatment } } }
  images { id width height byteSize caption url } } } }
  karteCategories { edges { node { id name details { id name } phrases { id text } } } } }"""


#: Every document the tests here compare with stock Strawberry.
DOCUMENTS = (DAY, CUSTOMERS, FLAGS, CATALOG, NESTED, TICKETS, WITHDRAWALS, CUSTOMER_TICKETS, NON_MEMBERS, KARTE,
             KARTE_LISTS)


def _context(db: Database, actor: Actor) -> Context:
    reads = RequestReads(db)
    return Context(db=db, settings=get_settings(), actor=actor, loaders=Loaders(reads),
                   request=None, reads=reads)  # type: ignore[arg-type]


async def _answer(db: Database, which: Any, actor: Actor, query: str, variables: dict | None = None) -> Any:
    context = _context(db, actor)
    try:
        result = await which.execute(query, variable_values=variables, context_value=context)
    finally:
        await context.reads.close()
    errors = [(e.message, e.path) for e in result.errors or []]
    return result.data, errors


async def _salon(db: Database) -> tuple[World, list[Any]]:
    world = await World(db).build()
    hanako = await world.customer()
    taro = await world.customer(last_name="佐藤", first_name="太郎", last_name_kana="サトウ",
                                first_name_kana="タロウ", birth_date=None)
    twin = await world.customer(email="twin@example.jp", phone=hanako.phone)  # matches hanako's entry
    first = await world.book(hanako, hours=72, menus=(0, 1))
    await world.book(taro, hours=74, stylist=None, menus=(3,))
    await world.book(twin, hours=76, stylist=1)
    for hours, settle in ((2, booking_status.pay_cancellation_fee), (3, booking_status.waive_cancellation_fee)):
        late = await world.book(taro, hours=hours, stylist=None)  # cancelled late: a fee, then settled
        await world.run(booking_status.cancel_by_customer, late.id, world.staff)
        await world.run(settle, late.id, world.manager)
    async with db.transaction() as session:
        session.add(SalesReport(reservation_id=first.id, customer_id=hanako.id, treatment="カット",
                                products_sold="シャンプー", amount_yen=6600,
                                staff_member_id=first.staff_member_id))
        category = KarteCategory(name="カラー")
        session.add(category)
        await session.flush()
        detail = KarteDetail(category_id=category.id, name="薬剤")
        session.add_all([detail, KartePhrase(category_id=category.id, text="根元から")])
        await session.flush()
        entry = KarteEntry(customer_id=hanako.id, visit_date=first.start_at.date(), text="6%",
                           category_id=category.id, detail_id=detail.id, reservation_id=first.id,
                           staff_member_id=first.staff_member_id)
        session.add(entry)
        await session.flush()
        session.add_all([KarteEntry(customer_id=hanako.id, visit_date=first.start_at.date(), text="アレルギー",
                                    is_health_info=True, copied_from_id=entry.id),
                         VisitMemo(customer_id=hanako.id, visit_date=first.start_at.date(), text="旅行",
                                   reservation_id=first.id, staff_member_id=first.staff_member_id),
                         KarteImage(customer_id=hanako.id, data=b"\xff\xd8\xff", width=1, height=1,
                                    byte_size=3, caption="施術前")])
    await world.flag(hanako, Caution, "大声で話す")
    await world.flag(hanako, BlacklistEntry, "無断キャンセル3回")  # after booking: a listed customer can't book
    async with db.transaction() as session:
        session.add(Referral(referrer_id=taro.id, referred_id=hanako.id, memo="紹介割引"))
    async with db.transaction() as session:  # a ticket with its menus and stylist, sold and extended
        menu = TicketMenu(name="カット回数券", price=20000, validity_days=90, uses=4,
                          menus=[await session.get(Menu, world.menus[0].id)],
                          staff_members=[await session.get(StaffMember, world.stylists[0].id)])
        session.add(menu)
        await session.flush()
        purchase = await tickets.purchase_ticket(session, hanako.id, menu.id, None, world.staff)
        await tickets.change_ticket_expiry(session, purchase.id, purchase.expires_on + timedelta(days=30),
                                           "ご旅行のため", world.manager)
    async with db.transaction() as session:  # a withdrawal, and tickets bought outright
        session.add(Withdrawal(customer_id=twin.id, reason="引っ越しのため"))
        ticket = TicketMenu(name="カット5回券", price=20000, validity_days=180, uses=5)
        session.add(ticket)
        await session.flush()
        for owner, used in ((hanako, 1), (taro, 5)):
            session.add(TicketPurchase(customer_id=owner.id, ticket_menu_id=ticket.id, purchased_on=later(0).date(),
                                       expires_on=later(0).date() + timedelta(days=180), total_uses=5,
                                       used_count=used))
    async with db.transaction() as session:  # a walk-in guest: no customer
        start = later(78)
        session.add(Reservation(customer_id=None, guest_name="飛び込み", guest_phone="09012340000", start_at=start,
                                end_at=start + timedelta(hours=1), channel=ReservationChannel.ADMIN,
                                status=ReservationStatus.BOOKED))
    return world, [hanako, taro, twin]


def _day_variables() -> dict:
    return {"from": (later(0) - timedelta(days=1)).date().isoformat(),
            "to": (later(80) + timedelta(days=1)).date().isoformat(), "skip": True}


@pytest.mark.parametrize("query", DOCUMENTS, ids=["day list", "customer page", "flags", "catalog", "nested page",
                                                  "tickets", "withdrawals", "customer tickets", "walk-ins",
                                                  "sales reports", "karte lists"])
async def test_staff_answers_equal_the_reference(db: Database, query: str) -> None:
    world, _ = await _salon(db)
    variables = _day_variables() if query is DAY else {"d": later(78).astimezone(SALON_TZ).date().isoformat()} \
        if query is NON_MEMBERS else None
    fast = await _answer(db, schema, world.staff, query, variables)
    reference = await _answer(db, REFERENCE, world.staff, query, variables)
    assert fast == reference
    assert fast[0] and not fast[1]


async def test_customer_token_answers_equal_the_reference(db: Database) -> None:
    world, (hanako, _, _) = await _salon(db)
    actor = Actor.customer(hanako.id)
    fast = await _answer(db, schema, actor, DAY, _day_variables())
    reference = await _answer(db, REFERENCE, actor, DAY, _day_variables())
    assert fast == reference
    rows = fast[0]["reservations"]["edges"]
    assert len(rows) == 1  # its own reservation only
    assert rows[0]["node"]["customer"]["isCaution"] is None  # staff-only fields stay null
    assert rows[0]["node"]["customer"]["blacklistMatch"] is None


def test_the_compared_documents_select_every_link_and_derived_field() -> None:
    """Each field the executor answers its own way (links and derived fields, declared with
    ``resolvers.runtime.fields``) is in a document compared with stock Strawberry above."""
    selected: set[tuple[str, str]] = set()
    type_info = TypeInfo(schema._schema)

    class Collect(Visitor):
        def enter_field(self, node: Any, *_: Any) -> None:
            parent = type_info.get_parent_type()
            if parent is not None:
                selected.add((parent.name, node.name.value))

    for document in DOCUMENTS:
        visit(parse(document), TypeInfoVisitor(type_info, Collect()))
    assert DIRECT and set(DIRECT) - selected == set()


def _fields_through_graphql_core(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """``Type.field`` of every field graphql-core's own ``execute_field`` handles from now on."""
    generic: list[str] = []
    execute_field = ExecutionContext.execute_field

    def counted(self, parent_type, source, field_details_list, path, position_context):  # type: ignore
        generic.append(f"{parent_type.name}.{field_details_list[0].node.name.value}")
        return execute_field(self, parent_type, source, field_details_list, path, position_context)

    monkeypatch.setattr(ExecutionContext, "execute_field", counted)
    return generic


async def test_a_day_list_is_written_out_whole(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """The front desk's day list: each edge, with its reservation, customer (❗ and memo), stylist and
    menus, is written out in one go, without graphql-core's per-field machinery."""
    world, _ = await _salon(db)
    query = """query($from: Date!, $to: Date!) { reservations(filter: {dateFrom: $from, dateTo: $to}) {
      edges { node { id startAt endAt status statusLabel isLateCancel cancelFeeYen
        customer { __typename id customerNo fullName isCaution cautionMemo } staff { id name }
        menus { price menu { id name } } } } } }"""
    variables = {k: v for k, v in _day_variables().items() if k != "skip"}
    generic = _fields_through_graphql_core(monkeypatch)
    before = ExecutionContext.whole_objects
    data, errors = await _answer(db, schema, world.staff, query, variables)
    assert not errors
    edges = data["reservations"]["edges"]
    assert len(edges) == 6
    assert generic == ["Query.reservations"]  # everything below it: written out directly
    assert ExecutionContext.whole_objects > before
    monkeypatch.undo()
    assert (data, errors) == await _answer(db, REFERENCE, world.staff, query, variables)
    walk_in = next(e["node"] for e in edges if e["node"]["customer"] is None)
    assert walk_in["staff"] is None and walk_in["menus"] == []
    customers = [e["node"]["customer"] for e in edges if e["node"]["customer"]]
    flagged = [c for c in customers if c["isCaution"]]
    assert [c["cautionMemo"] for c in flagged] == ["大声で話す"]


async def test_a_nested_page_is_written_whole_below_each_customers_reservations(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each customer's reservations come with their menus and stylist loaded in one batch with the
    other customers' (the page is then written whole): a fixed number of statements, whatever the
    number of customers, and nothing below a customer's reservations goes graphql-core's way."""
    from sqlalchemy import event

    world, _ = await _salon(db)
    for n in range(2):
        await world.book(await world.customer(email=f"{uuid4().hex}@example.jp"), hours=90 + 3 * n,
                         menus=(0, 1))
    statements: list[str] = []

    def record(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    generic = _fields_through_graphql_core(monkeypatch)
    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    try:
        data, errors = await _answer(db, schema, world.staff, NESTED)
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", record)
    assert not errors and len(data["customers"]["edges"]) == 5
    below = {"ReservationEdge", "Reservation", "ReservationMenuLine", "Menu", "StaffMember", "PageInfo"}
    assert "Customer.reservations" in generic and not [f for f in generic if f.split(".")[0] in below]
    # the page, the reservation pages, their counts, menu lines, menus, stylists, the customers
    assert len(statements) == 7, statements
    monkeypatch.undo()
    assert (data, errors) == await _answer(db, REFERENCE, world.staff, NESTED)


async def test_a_customer_page_is_written_out_below_its_root(db: Database,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A page of Core rows (resolvers.runtime.rows): ``totalCount`` counted by the page's own statement, the
    edges, their cursors and nodes are written out directly; only the root field goes graphql-core's way."""
    world, _ = await _salon(db)
    query = """query { customers(first: 2) { totalCount pageInfo { hasNextPage endCursor }
      edges { cursor node { id customerNo fullName fullNameKana isCaution lastMenu { name } } } } }"""
    generic = _fields_through_graphql_core(monkeypatch)
    data, errors = await _answer(db, schema, world.staff, query)
    assert not errors
    assert generic == ["Query.customers"]
    page = data["customers"]
    assert page["totalCount"] == 3 and page["pageInfo"]["hasNextPage"] is True
    assert [e["node"]["fullName"] for e in page["edges"]] == ["山田 花子", "佐藤 太郎"]
    monkeypatch.undo()
    assert (data, errors) == await _answer(db, REFERENCE, world.staff, query)


async def test_a_list_reads_only_the_columns_its_links_select(db: Database) -> None:
    """The day list's customers are read with the columns their selection needs (and the ones its
    own links key on), not all of a customer's; the answer is the reference's."""
    from sqlalchemy import event

    world, _ = await _salon(db)
    query = """query($from: Date!, $to: Date!) { reservations(filter: {dateFrom: $from, dateTo: $to}) {
      edges { node { id customer { fullName isCaution cautionMemo lastMenu { name } } } } } }"""
    variables = {k: v for k, v in _day_variables().items() if k != "skip"}
    statements: list[str] = []

    def record(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    try:
        fast = await _answer(db, schema, world.staff, query, variables)
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", record)
    assert fast == await _answer(db, REFERENCE, world.staff, query, variables)
    customers = [s for s in statements if "FROM customers" in s]
    assert len(customers) == 1
    read = customers[0].split("FROM customers")[0]
    for column in ("last_name", "first_name", "is_caution", "last_menu_id"):
        assert f"customers.{column}" in read
    for column in ("notes", "email", "address_line", "search_text", "birth_date"):
        assert f"customers.{column}" not in read


async def test_an_unloaded_link_still_resolves_through_its_loader(db: Database) -> None:
    """``reservation(id)`` prefetches nothing: its links go through the dataloaders as before."""
    world, (hanako, _, _) = await _salon(db)
    async with db.sessionmaker() as session:
        reservation_id = (await session.scalars(
            Reservation.__table__.select().with_only_columns(Reservation.id)
            .where(Reservation.customer_id == hanako.id))).one()
    query = ("query($id: ID!) { reservation(id: $id) { id customer { fullName isCaution cautionMemo "
             "lastMenu { name } } menus { menu { name } } staff { name } } }")
    fast = await _answer(db, schema, world.staff, query, {"id": str(reservation_id)})
    reference = await _answer(db, REFERENCE, world.staff, query, {"id": str(reservation_id)})
    assert fast == reference
    assert fast[0]["reservation"]["customer"]["cautionMemo"] == "大声で話す"


async def test_a_repeated_document_reuses_its_converted_selection(db: Database,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The selection below a list is converted once per document, not on every request."""
    from resolvers.runtime import selection

    world, _ = await _salon(db)
    given: list[Any] = []
    convert = selection.selected
    monkeypatch.setattr(selection, "selected", lambda info: given.append(convert(info)) or given[-1])
    first = await _answer(db, schema, world.staff, CUSTOMERS)
    assert await _answer(db, schema, world.staff, CUSTOMERS) == first
    assert len(given) == 2 and given[0] is given[1]


async def test_a_repeated_document_is_compiled_once(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """The writers compiled for a document serve its next requests; a document whose @skip takes a
    variable is compiled per request, so each request gets the fields its variables ask for."""
    world, _ = await _salon(db)
    compiled: list[str] = []
    step = ExecutionContext._step

    def counted(self, parent_type, response_name, field_details_list, depth):  # type: ignore[no-untyped-def]
        compiled.append(f"{parent_type.name}.{response_name}")
        return step(self, parent_type, response_name, field_details_list, depth)

    monkeypatch.setattr(ExecutionContext, "_step", counted)
    document = f"{CUSTOMERS} # {uuid4()}"  # a text no other test sent: parsed and compiled here first
    first = await _answer(db, schema, world.staff, document)
    assert compiled
    compiled.clear()
    assert await _answer(db, schema, world.staff, document) == first
    assert compiled == []

    query = "query($skip: Boolean!) { customers(first: 5) { edges { node { id phone @skip(if: $skip) } } } }"
    shown, _ = await _answer(db, schema, world.staff, query, {"skip": False})
    compiled.clear()
    hidden, _ = await _answer(db, schema, world.staff, query, {"skip": True})
    assert compiled  # compiled again for this request's variables
    assert shown["customers"]["edges"] and all("phone" in e["node"] for e in shown["customers"]["edges"])
    assert all("phone" not in e["node"] for e in hidden["customers"]["edges"])


def test_enum_values_are_written_with_the_names_strawberry_gives_them() -> None:
    """The writer names enum members from a table (``EnumNames``) instead of Strawberry's loop over
    every value per call; for every member of every enum of the schema the two agree."""
    enums = [t for t in schema._schema.type_map.values() if getattr(t, "wrapped_cls", None) is not None]
    assert len(enums) >= 5
    for enum_type in enums:
        names = EnumNames(enum_type)
        assert {member: enum_type.coerce_output_value(member) for member in enum_type.wrapped_cls} == names
