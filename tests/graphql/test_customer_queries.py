"""customer / customerByNo: every SPEC §1 field, derived fields, and who may read what."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from models import BlacklistEntry, Caution, Referral
from services.customer_stats import refresh_customer_stats

CUSTOMER_FIELDS = """
  id customerNo lastName firstName lastNameKana firstNameKana fullName fullNameKana
  phone email birthDate birthDateWareki gender postalCode prefecture city addressLine
  lineUserId lineName linePictureUrl isLineRegistered
  occupation { id name } firstVisitMotive { name }
  attributes inflowRoutes { name }
  freeItemValues { freeItem { position name } choice { name } }
  notes mailOk phoneOk dmOk preSystemVisitCount registeredAt registrationPath withdrawnAt
  visitCount reservationCount cancelCount hasLateCancel firstVisitAt lastVisitAt lastMenu { name }
  averageVisitIntervalDays isCaution cautionMemo isBlacklisted hasUnpaidCancelFee isPhoneOnly
  referredBy { memo customer { customerNo } }
  referred { memo customer { customerNo } }
"""

CUSTOMER = "query Customer($id: ID!) { customer(id: $id) {" + CUSTOMER_FIELDS + "} }"
CUSTOMER_BY_NO = "query CustomerByNo($no: String!) { customerByNo(customerNo: $no) { id customerNo } }"
CUSTOMER_LIST = (
    "query List($first: Int) { customers(first: $first) { totalCount edges { node {"
    + CUSTOMER_FIELDS
    + "} } } }"
)


async def test_staff_read_every_field_of_a_customer(gql, given, staff_token):
    # given a customer with masters, a free item, a caution and a visit
    occupation = await given.occupation("会社員")
    route = await given.inflow_route("Instagram")
    item = await given.free_item(1, "髪質", ["普通", "くせ毛"])
    curly = (await given.choices_of(item))[1]
    customer = await given.customer(
        birth_date="平成2年4月1日",
        gender="FEMALE",
        postal_code="100-0001",
        occupation_id=occupation.id,
        attributes=["車椅子の方"],
        inflow_route_ids=[route.id],
        free_item_choice_ids=[curly.id],
        notes="コーヒー派",
        dm_ok=False,
    )
    await given.rows(Caution(customer_id=customer.id, memo="遅刻が多い"))
    menu = await given.menu("カット")
    await given.visit(customer, menu=menu)

    # when
    data = (await gql(CUSTOMER, {"id": str(customer.id)}, token=staff_token))["customer"]

    # then
    assert data["customerNo"] == customer.customer_no
    assert data["fullName"] == "山田 太郎" and data["fullNameKana"] == "ヤマダ タロウ"
    assert data["birthDate"] == "1990-04-01" and data["birthDateWareki"] == "平成2年4月1日"
    assert data["gender"] == "FEMALE"
    assert (data["postalCode"], data["prefecture"], data["city"]) == ("1000001", "東京都", "千代田区")
    assert data["occupation"]["name"] == "会社員"
    assert data["attributes"] == ["車椅子の方"]
    assert data["inflowRoutes"] == [{"name": "Instagram"}]
    assert data["freeItemValues"] == [
        {"freeItem": {"position": 1, "name": "髪質"}, "choice": {"name": "くせ毛"}}
    ]
    assert (data["mailOk"], data["dmOk"], data["notes"]) == (True, False, "コーヒー派")
    assert data["registrationPath"] == "FULL" and data["withdrawnAt"] is None
    assert (data["visitCount"], data["reservationCount"], data["cancelCount"]) == (1, 1, 0)
    assert data["lastMenu"] == {"name": "カット"} and data["lastVisitAt"] is not None
    assert (data["isCaution"], data["cautionMemo"], data["isBlacklisted"]) == (True, "遅刻が多い", False)
    assert (data["isLineRegistered"], data["isPhoneOnly"], data["hasUnpaidCancelFee"]) == (
        False,
        False,
        False,
    )
    assert data["referredBy"] == [] and data["referred"] == []


async def test_referrals_show_on_both_customers_with_their_memo(gql, given, staff_token):
    referrer = await given.customer(first_name="一郎")
    newcomer = await given.customer(first_name="花子")
    await given.rows(Referral(referrer_id=referrer.id, referred_id=newcomer.id, memo="500円引き"))

    old = (await gql(CUSTOMER, {"id": str(referrer.id)}, token=staff_token))["customer"]
    new = (await gql(CUSTOMER, {"id": str(newcomer.id)}, token=staff_token))["customer"]

    assert old["referred"] == [{"memo": "500円引き", "customer": {"customerNo": newcomer.customer_no}}]
    assert new["referredBy"] == [{"memo": "500円引き", "customer": {"customerNo": referrer.customer_no}}]


async def test_blacklist_shows_to_staff(gql, given, staff_token):
    customer = await given.customer()
    await given.rows(BlacklistEntry(customer_id=customer.id, memo="無断キャンセル3回"))

    data = (await gql(CUSTOMER, {"id": str(customer.id)}, token=staff_token))["customer"]

    assert data["isBlacklisted"] is True


async def test_customer_by_no_accepts_full_width_input(gql, given, staff_token):
    customer = await given.customer(customer_no="A131")

    data = await gql(CUSTOMER_BY_NO, {"no": "Ａ１３１"}, token=staff_token)

    assert data["customerByNo"] == {"id": str(customer.id), "customerNo": "A131"}


async def test_unknown_ids_and_numbers_are_null(gql, given, staff_token):
    await given.customer()

    assert (await gql(CUSTOMER, {"id": "999"}, token=staff_token))["customer"] is None
    assert (await gql(CUSTOMER, {"id": "not-a-number"}, token=staff_token))["customer"] is None
    assert (await gql(CUSTOMER_BY_NO, {"no": "Z999"}, token=staff_token))["customerByNo"] is None


async def test_a_customer_token_reads_its_own_record_without_staff_flags(gql, given):
    customer = await given.customer()
    await given.rows(
        BlacklistEntry(customer_id=customer.id, memo="内部メモ"),
        Caution(customer_id=customer.id, memo="内部メモ"),
    )
    token = await given.customer_token(customer)

    data = (await gql(CUSTOMER, {"id": str(customer.id)}, token=token))["customer"]

    assert data["customerNo"] == customer.customer_no
    assert (data["isBlacklisted"], data["isCaution"], data["cautionMemo"]) == (None, None, None)
    assert data["referredBy"] is None and data["referred"] is None


async def test_a_customer_token_cannot_read_someone_else(gql, given):
    me = await given.customer()
    other = await given.customer(customer_no="B200")
    token = await given.customer_token(me)

    assert (await gql(CUSTOMER, {"id": str(other.id)}, token=token))["customer"] is None
    assert (await gql(CUSTOMER_BY_NO, {"no": "B200"}, token=token))["customerByNo"] is None


async def test_anonymous_callers_cannot_read_a_customer(gql, given):
    customer = await given.customer()

    body = await gql(CUSTOMER, {"id": str(customer.id)}, expect_errors=True)

    assert body["data"]["customer"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@contextmanager
def counting_statements(db):
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", record)


async def test_a_page_of_customers_costs_a_fixed_number_of_queries(gql, given, staff_token, db):
    # given 12 customers, each with every relationship filled
    occupation = await given.occupation("学生")
    route = await given.inflow_route("看板")
    item = await given.free_item(1, "髪質", ["普通"])
    choice = (await given.choices_of(item))[0]
    menu = await given.menu("カラー")
    customers = [
        await given.customer(
            occupation_id=occupation.id,
            inflow_route_ids=[route.id],
            free_item_choice_ids=[choice.id],
            attributes=["常連"],
        )
        for _ in range(12)
    ]
    for customer in customers[1:]:
        await given.rows(Referral(referrer_id=customers[0].id, referred_id=customer.id))
    await given.visit(customers[0], menu=menu)
    async with db.transaction() as session:
        await refresh_customer_stats(session, [c.id for c in customers])

    # when reading a page of 3, then a page of 12
    with counting_statements(db) as small:
        await gql(CUSTOMER_LIST, {"first": 3}, token=staff_token)
    with counting_statements(db) as large:
        data = await gql(CUSTOMER_LIST, {"first": 12}, token=staff_token)

    # then one query per field (token, page, count, each dataloader), whatever the page size; a
    # batch may split over two event-loop ticks, but one query per row would pass 12 more
    assert data["customers"]["totalCount"] == 12
    assert len(small) <= 20 and len(large) <= 20, large
