"""registerPhoneCustomer (新規電話予約): names and phone only, the placeholder e-mail stored as a mark."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, update

from models import AuditLog, Customer, RegistrationPath
from services.customers import placeholder_email
from tests.factories import count_rows

REGISTER = """
mutation Register($input: RegisterPhoneCustomerInput!) {
  registerPhoneCustomer(input: $input) {
    customer { id customerNo lastName firstName lastNameKana firstNameKana phone email isPhoneOnly }
    errors { field code message }
  }
}
"""

UPDATE = """
mutation Update($input: UpdateCustomerInput!) {
  updateCustomer(input: $input) { customer { phone email isPhoneOnly } errors { field code message } }
}
"""


async def register(gql, token, **fields):
    data = {"lastName": "鈴木", "firstName": "ハナコ", "phone": "090-1111-1111", **fields}
    return (await gql(REGISTER, {"input": data}, token=token))["registerPhoneCustomer"]


async def written(db) -> tuple[int, int]:
    return await count_rows(db), await count_rows(db, AuditLog)


def test_the_placeholder_is_the_phone_digits_at_the_store_domain():
    assert placeholder_email("00011111111", "leporto.com") == "00011111111@leporto.com"


async def test_registers_with_names_and_phone_and_the_placeholder_email(gql, staff_token, db):
    # when: kanji and half-width katakana names, hiragana kana, a written phone
    result = await register(gql, staff_token, firstName="ﾊﾅｺ", lastNameKana="すずき")

    # then
    assert result["errors"] == []
    customer = result["customer"]
    assert (customer["lastName"], customer["firstName"], customer["lastNameKana"], customer["firstNameKana"]) \
        == ("鈴木", "ハナコ", "スズキ", "")
    assert customer["phone"] == "09011111111"
    assert customer["email"] == "09011111111@leporto.com"
    assert customer["isPhoneOnly"] is True
    async with db.sessionmaker() as session:
        stored = await session.scalar(select(Customer))
    assert stored.registration_path == RegistrationPath.PHONE
    assert stored.email_is_placeholder is True


async def test_the_mark_survives_a_new_phone_and_a_real_email_clears_it(gql, staff_token, db):
    # given
    customer = (await register(gql, staff_token))["customer"]

    # when: the phone changes, the address stays the old placeholder
    moved = (await gql(UPDATE, {"input": {"id": customer["id"], "phone": "080-2222-3333"}},
                       token=staff_token))["updateCustomer"]

    # then it is still a placeholder (it was derived from the phone before)
    assert moved["errors"] == []
    assert (moved["customer"]["email"], moved["customer"]["isPhoneOnly"]) == ("09011111111@leporto.com", True)

    # when a real address is saved
    real = (await gql(UPDATE, {"input": {"id": customer["id"], "email": "hanako@example.jp"}},
                      token=staff_token))["updateCustomer"]

    # then the mark is gone for good
    assert real["errors"] == []
    assert real["customer"]["isPhoneOnly"] is False
    async with db.sessionmaker() as session:
        stored = await session.scalar(select(Customer))
    assert (stored.email_is_placeholder, stored.person_email) == (False, "hanako@example.jp")


async def test_an_address_typed_like_a_placeholder_later_is_a_real_one(gql, staff_token, given):
    # given a fully registered customer
    customer = await given.customer(phone="09033334444")

    # when staff type the phone-at-domain form as the address
    result = (await gql(UPDATE, {"input": {"id": str(customer.id), "email": "09033334444@leporto.com"}},
                        token=staff_token))["updateCustomer"]

    # then it is not a placeholder: the mark is only given at registration
    assert result["errors"] == []
    assert result["customer"]["isPhoneOnly"] is False


async def test_missing_names_are_named_in_japanese_and_nothing_is_written(gql, staff_token, db):
    before = await written(db)

    result = await register(gql, staff_token, lastName="", firstName=None)

    assert result["customer"] is None
    assert {(e["field"], e["code"]) for e in result["errors"]} == {("lastName", "REQUIRED"), ("firstName", "REQUIRED")}
    assert all("入力" in e["message"] for e in result["errors"])
    assert await written(db) == before


async def test_a_bad_or_missing_phone_is_named_and_nothing_is_written(gql, staff_token, db):
    before = await written(db)

    bad = await register(gql, staff_token, phone="00011111111")
    missing = await register(gql, staff_token, phone="")

    assert [(e["field"], e["code"], e["message"]) for e in bad["errors"]] \
        == [("phone", "INVALID_PHONE", "電話番号の形式が正しくありません。")]
    assert [(e["field"], e["code"]) for e in missing["errors"]] == [("phone", "REQUIRED")]
    assert bad["customer"] is None and missing["customer"] is None
    assert await written(db) == before


async def test_a_phone_of_an_active_customer_names_that_customer_and_writes_nothing(gql, staff_token, given, db):
    # given
    owner = await given.customer(last_name="青木", first_name="花子", phone="09055556666")
    before = await written(db)

    # when
    result = await register(gql, staff_token, phone="090-5555-6666")

    # then
    assert result["customer"] is None
    assert [(e["field"], e["code"], e["message"]) for e in result["errors"]] == [(
        "phone", "DUPLICATE_PHONE",
        f"この電話番号は既にお客様番号「{owner.customer_no}」青木 花子様が登録しています。")]
    assert await written(db) == before


async def test_a_withdrawn_customers_phone_may_be_registered_again(gql, staff_token, given, db):
    # given
    old = await given.customer(phone="09077778888", email="old@example.jp")
    async with db.transaction() as session:
        await session.execute(update(Customer).where(Customer.id == old.id).values(withdrawn_at=datetime.now(UTC)))

    # when
    result = await register(gql, staff_token, phone="09077778888")

    # then
    assert result["errors"] == []


async def test_a_customer_token_may_not_register(gql, given):
    customer = await given.customer()
    token = await given.customer_token(customer)

    result = await register(gql, token)

    assert result["customer"] is None
    assert [e["code"] for e in result["errors"]] == ["PERMISSION_DENIED"]


PHONE_ONLY = """
query PhoneOnly($first: Int, $after: String) {
  phoneOnlyCustomers(first: $first, after: $after) {
    edges { node { customerNo lastName isPhoneOnly } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


async def test_phone_only_customers_lists_the_placeholders_until_a_real_email(gql, staff_token, given):
    # given two registered by phone, one fully
    await given.customer(last_name="本登録")
    first = (await register(gql, staff_token, lastName="一", phone="09010000001"))["customer"]
    await register(gql, staff_token, lastName="二", phone="09010000002")

    # then both phone-only customers are listed, a page at a time
    page = (await gql(PHONE_ONLY, {"first": 1}, token=staff_token))["phoneOnlyCustomers"]
    rest = (await gql(PHONE_ONLY, {"after": page["pageInfo"]["endCursor"]}, token=staff_token))["phoneOnlyCustomers"]
    names = [e["node"]["lastName"] for e in page["edges"] + rest["edges"]]
    assert names == ["一", "二"]
    assert page["pageInfo"]["hasNextPage"] is True

    # when one gets a real address
    await gql(UPDATE, {"input": {"id": first["id"], "email": "ichi@example.jp"}}, token=staff_token)

    # then it leaves that list and stays in the customer list
    listed = (await gql(PHONE_ONLY, {}, token=staff_token))["phoneOnlyCustomers"]
    assert [e["node"]["lastName"] for e in listed["edges"]] == ["二"]
    everyone = await gql("{ customers { edges { node { lastName } } } }", token=staff_token)
    assert sorted(e["node"]["lastName"] for e in everyone["customers"]["edges"]) == ["一", "二", "本登録"]


async def test_phone_only_customers_is_for_staff(gql, given):
    token = await given.customer_token(await given.customer())

    response = await gql(PHONE_ONLY, {}, token=token, expect_errors=True)

    assert response["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"


async def test_a_phone_of_a_phone_only_customer_is_said_once_as_the_phone(gql, staff_token, db):
    # given a customer registered by phone (its placeholder is the address a second one would get)
    first = (await register(gql, staff_token, lastName="電話", firstName="花子"))["customer"]
    before = await written(db)

    # when
    result = await register(gql, staff_token, lastName="別人")

    # then the phone names the customer; the placeholder address is no second complaint
    assert [(e["field"], e["code"], e["message"]) for e in result["errors"]] == [(
        "phone", "DUPLICATE_PHONE", f"この電話番号は既にお客様番号「{first['customerNo']}」電話 花子様が登録しています。")]
    assert await written(db) == before
