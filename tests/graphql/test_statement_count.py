"""Statements and connection checkouts per GraphQL request stay few (counted with SQLAlchemy events).

On PostgreSQL BEGIN, COMMIT and ROLLBACK are counted as statements too (they are round trips);
SQLite's driver opens no transaction for a SELECT, so there only the statements count.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import event, update

from models import BlacklistEntry, Caution, Customer
from models.db import Database

LOOKUP = "query($id: ID!) { customer(id: $id) { id customerNo fullName phone visitCount lastVisitAt } }"
PAGE = """query($first: Int) {
  customers(first: $first, orderBy: {field: CUSTOMER_NO, direction: ASC}) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id customerNo fullName fullNameKana phoneDisplay visitCount cancelCount
                   lastVisitAt lastMenu { id name } } }
  }
}"""
JST = ZoneInfo("Asia/Tokyo")
PAGE_WITHOUT_TOTAL = """query { customers(first: 5) { edges { node { id customerNo } } } }"""
REFERRALS_ON_A_PAGE = """query {
  customers(first: 5) { edges { node { customerNo referredBy { customer { customerNo notes email } } } } }
}"""


@dataclass
class Counted:
    statements: list[str] = field(default_factory=list)
    checkouts: int = 0

    @property
    def count(self) -> int:
        return len(self.statements)


@contextmanager
def counting(db: Database) -> Iterator[Counted]:
    counted = Counted()
    engine = db.engine.sync_engine
    postgres = engine.dialect.name == "postgresql"

    def on_wire(conn) -> bool:  # in autocommit the driver sends no BEGIN / ROLLBACK
        return postgres and conn.get_execution_options().get("isolation_level") != "AUTOCOMMIT"

    def statement(conn, cursor, text, *args) -> None:
        counted.statements.append(text)

    def begin(conn) -> None:
        if on_wire(conn):
            counted.statements.append("BEGIN")

    def commit(conn) -> None:
        if on_wire(conn):
            counted.statements.append("COMMIT")

    def rollback(conn) -> None:
        if on_wire(conn):
            counted.statements.append("ROLLBACK")

    def checkout(*args) -> None:
        counted.checkouts += 1

    listeners = [(engine, "before_cursor_execute", statement), (engine, "begin", begin),
                 (engine, "commit", commit), (engine, "rollback", rollback),
                 (engine.pool, "checkout", checkout)]
    for target, name, fn in listeners:
        event.listen(target, name, fn)
    try:
        yield counted
    finally:
        for target, name, fn in listeners:
            event.remove(target, name, fn)


async def test_a_customer_lookup_is_at_most_two_statements(gql, given, staff_token, db):
    customer = await given.customer()
    await gql(LOOKUP, {"id": str(customer.id)}, token=staff_token)  # who the token is: now known

    with counting(db) as counted:
        data = await gql(LOOKUP, {"id": str(customer.id)}, token=staff_token)

    assert data["customer"]["customerNo"] == customer.customer_no
    assert counted.count <= 2, counted.statements
    assert counted.checkouts == 1


async def test_a_first_request_with_a_token_still_checks_out_one_connection(gql, given, staff_token, db):
    customer = await given.customer()

    with counting(db) as counted:
        data = await gql(LOOKUP, {"id": str(customer.id)}, token=staff_token)

    assert data["customer"]["id"] == str(customer.id)
    assert counted.checkouts == 1


async def test_a_page_of_fifty_with_last_menu_and_figures_is_at_most_three_statements(
    gql, given, staff_token, db
):
    cut, color = await given.menu("カット"), await given.menu("カラー")
    customers = [await given.customer() for _ in range(55)]
    async with db.transaction() as session:
        for i, customer in enumerate(customers):
            menu = (cut, color, None)[i % 3]
            await session.execute(update(Customer).where(Customer.id == customer.id).values(
                last_menu_id=menu.id if menu else None, visit_count=i))
    await gql(PAGE_WITHOUT_TOTAL, token=staff_token)

    with counting(db) as counted:
        data = await gql(PAGE, {"first": 50}, token=staff_token)

    page = data["customers"]
    assert page["totalCount"] == 55 and page["pageInfo"]["hasNextPage"] is True
    assert len(page["edges"]) == 50
    assert {e["node"]["lastMenu"]["name"] for e in page["edges"] if e["node"]["lastMenu"]} == {"カット", "カラー"}
    assert counted.count <= 3, counted.statements
    assert counted.checkouts == 1


async def test_the_total_is_not_counted_when_not_asked_for(gql, given, staff_token, db):
    for _ in range(3):
        await given.customer()
    await gql(PAGE_WITHOUT_TOTAL, token=staff_token)

    with counting(db) as counted:
        data = await gql(PAGE_WITHOUT_TOTAL, token=staff_token)

    assert len(data["customers"]["edges"]) == 3
    assert not any("count(" in s.lower() for s in counted.statements), counted.statements


async def test_a_page_reads_only_the_columns_it_shows(gql, given, staff_token, db):
    await given.customer(notes="コーヒー好き")
    await gql(PAGE_WITHOUT_TOTAL, token=staff_token)

    with counting(db) as counted:
        await gql(PAGE, {"first": 50}, token=staff_token)

    page_sql = next(s for s in counted.statements if "FROM customers" in s)
    assert "customers.customer_no" in page_sql and "customers.last_menu_id" in page_sql
    assert "customers.notes" not in page_sql and "customers.address_line" not in page_sql


async def test_a_customer_reached_again_through_a_referral_has_every_column(gql, given, staff_token, db):
    from models import Referral

    first = await given.customer(notes="紹介者です")
    second = await given.customer()
    await given.rows(Referral(referrer_id=first.id, referred_id=second.id))

    data = await gql(REFERRALS_ON_A_PAGE, token=staff_token)

    by_no = {e["node"]["customerNo"]: e["node"] for e in data["customers"]["edges"]}
    referrer = by_no[second.customer_no]["referredBy"][0]["customer"]
    assert referrer == {"customerNo": first.customer_no, "notes": "紹介者です", "email": first.email}


FRAGMENTS = """
fragment Row on Customer { customerNo ...Contact ... on Customer { lastMenu { name } } }
fragment Contact on Customer { notes phoneDisplay }
query { customers(first: 5) { edges { node { ...Row } } } }
"""


async def test_columns_named_only_in_fragments_are_read_too(gql, given, staff_token):
    cut = await given.menu("カット")
    customer = await given.customer(notes="紅茶派", phone="09011112222")
    async with given.db.transaction() as session:
        await session.execute(update(Customer).where(Customer.id == customer.id).values(last_menu_id=cut.id))

    data = await gql(FRAGMENTS, token=staff_token)

    assert data["customers"]["edges"][0]["node"] == {
        "customerNo": customer.customer_no, "notes": "紅茶派", "phoneDisplay": "090-1111-2222",
        "lastMenu": {"name": "カット"}}


UPDATE_ROUTES = """mutation($input: UpdateCustomerInput!) {
  updateCustomer(input: $input) { errors { code } customer { inflowRoutes { name } attributes } }
}"""


async def test_reads_after_a_write_in_the_same_request_see_the_write(gql, given, staff_token):
    # A token not yet remembered: its lookup opens the request's read connection before the write.
    hp, sns = await given.inflow_route("ホームページ"), await given.inflow_route("SNS")
    customer = await given.customer(inflow_route_ids=[hp.id])

    data = await gql(UPDATE_ROUTES, {"input": {"id": str(customer.id), "inflowRouteIds": [str(sns.id)],
                                               "attributes": ["常連"]}}, token=staff_token)

    assert data["updateCustomer"] == {"errors": [], "customer": {"inflowRoutes": [{"name": "SNS"}],
                                                                 "attributes": ["常連"]}}


async def test_every_request_gives_its_read_connection_back(gql, db: Database, manager_token):
    """A request's read connection returns to the pool however the request ends (answer or bad body)."""
    checked_in: list[int] = []
    checked_out: list[int] = []
    engine = db.engine.sync_engine
    listeners = [(engine.pool, "checkout", lambda *a: checked_out.append(1)),
                 (engine.pool, "checkin", lambda *a: checked_in.append(1))]
    for target, name, fn in listeners:
        event.listen(target, name, fn)
    try:
        await gql(PAGE, {"first": 5}, token=manager_token)
        await gql(LOOKUP, {"id": "1"}, token=manager_token, expect_errors=True)
        response = await gql.client.post("/graphql", content=b'{"query": "{ __typename }", "variables": "\\ud800"}',
                                         headers={"Content-Type": "application/json",
                                                  "Authorization": f"Bearer {manager_token}"})
        assert response.status_code == 400
    finally:
        for target, name, fn in listeners:
            event.remove(target, name, fn)
    assert checked_out and len(checked_in) == len(checked_out)


DAY_LIST = """query($day: Date!) {
  reservations(first: 100, filter: {dateFrom: $day, dateTo: $day}) {
    edges { node { id startAt customer { id customerNo fullName isCaution isBlacklisted } } }
  }
}"""


async def test_a_day_list_with_customers_and_their_marks_is_at_most_two_statements(gql, given, staff_token, db):
    """❗ and ⛔ are stored on the customer: the day's reservations and their customers, nothing per flag."""
    menu = await given.menu("カット")
    customers = [await given.customer() for _ in range(12)]
    await given.rows(*(Caution(customer_id=c.id, memo="遅刻が多い") for c in customers[:4]),
                     *(BlacklistEntry(customer_id=c.id, memo="暴言") for c in customers[3:5]))
    for customer in customers:
        await given.visit(customer, menu=menu, days_ago=1)
    day = (datetime.now(UTC) - timedelta(days=1)).astimezone(JST).date().isoformat()
    await gql(PAGE_WITHOUT_TOTAL, token=staff_token)

    with counting(db) as counted:
        data = await gql(DAY_LIST, {"day": day}, token=staff_token)

    got = {e["node"]["customer"]["customerNo"]: (e["node"]["customer"]["isCaution"],
                                                 e["node"]["customer"]["isBlacklisted"])
           for e in data["reservations"]["edges"]}
    assert got == {c.customer_no: (i < 4, 3 <= i < 5) for i, c in enumerate(customers)}
    assert counted.count <= 2, counted.statements
    assert not any("cautions" in s or "blacklist_entries" in s for s in counted.statements), counted.statements
    assert counted.checkouts == 1


MEMOS_ON_A_PAGE = """query { customers(first: 50) { edges { node { customerNo isCaution cautionMemo } } } }"""


async def test_caution_memos_are_read_once_and_only_for_caution_customers(gql, given, staff_token, db):
    customers = [await given.customer() for _ in range(6)]
    await gql(PAGE_WITHOUT_TOTAL, token=staff_token)
    with counting(db) as counted:
        await gql(MEMOS_ON_A_PAGE, token=staff_token)
    assert not any("cautions" in s for s in counted.statements), counted.statements

    await given.rows(*(Caution(customer_id=c.id, memo=f"メモ{c.id}") for c in customers[:3]))
    with counting(db) as counted:
        data = await gql(MEMOS_ON_A_PAGE, token=staff_token)
    memos = {e["node"]["customerNo"]: e["node"]["cautionMemo"] for e in data["customers"]["edges"]}
    assert memos == {c.customer_no: f"メモ{c.id}" if i < 3 else None for i, c in enumerate(customers)}
    assert len([s for s in counted.statements if "cautions" in s]) == 1, counted.statements
