"""createCustomer / updateCustomer / deleteCustomer: payloads, UserErrors, permissions, audit log."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import AuditLog, Customer, Referral
from tests.factories import count_rows
from tests.graphql.conftest import audit_rows

CREATE = """
mutation Create($input: CreateCustomerInput!) {
  createCustomer(input: $input) {
    customer {
      id customerNo fullName fullNameKana phone phoneDisplay email birthDate birthDateWareki
      postalCode prefecture city addressLine attributes inflowRoutes { name } occupation { name }
      freeItemValues { choice { name } } mailOk visitCount preSystemVisitCount isPhoneOnly
    }
    errors { field code message }
  }
}
"""

UPDATE = """
mutation Update($input: UpdateCustomerInput!) {
  updateCustomer(input: $input) {
    customer {
      id customerNo lastName firstName phone email notes birthDate mailOk attributes inflowRoutes { name }
    }
    errors { field code message }
  }
}
"""

DELETE = """
mutation Delete($input: DeleteCustomerInput!) {
  deleteCustomer(input: $input) { deletedId errors { field code message } }
}
"""

GOOD_INPUT = {
    "lastName": "山田",
    "firstName": "花子",
    "lastNameKana": "やまだ",
    "firstNameKana": "ﾊﾅｺ",
    "phone": "０９０−１２３４−５６７８",
    "email": "hanako@example.jp",
}


async def create(gql, token, **fields):
    return (await gql(CREATE, {"input": {**GOOD_INPUT, **fields}}, token=token))["createCustomer"]


# --------------------------------------------------------------------------- create


async def test_create_normalises_and_returns_the_customer(gql, given, staff_token, db):
    # given masters to refer to
    route = await given.inflow_route("ホットペッパー")
    occupation = await given.occupation("会社員")
    item = await given.free_item(1, "髪質", ["普通", "くせ毛"])
    choice = (await given.choices_of(item))[0]

    # when
    result = await create(
        gql,
        staff_token,
        birthDate="H2.4.1",
        postalCode="〒100-0001",
        attributes=["お子様と一緒にご来店"],
        inflowRouteIds=[str(route.id)],
        occupationId=str(occupation.id),
        freeItemChoiceIds=[str(choice.id)],
        preSystemVisitCount=3,
    )

    # then
    assert result["errors"] == []
    customer = result["customer"]
    assert customer["customerNo"] == "000001"
    assert customer["fullName"] == "山田 花子" and customer["fullNameKana"] == "ヤマダ ハナコ"
    assert customer["phone"] == "09012345678" and customer["phoneDisplay"] == "090-1234-5678"
    assert customer["birthDate"] == "1990-04-01" and customer["birthDateWareki"] == "平成2年4月1日"
    assert (customer["postalCode"], customer["prefecture"], customer["city"], customer["addressLine"]) == (
        "1000001",
        "東京都",
        "千代田区",
        "千代田",
    )
    assert customer["attributes"] == ["お子様と一緒にご来店"]
    assert customer["inflowRoutes"] == [{"name": "ホットペッパー"}]
    assert customer["occupation"] == {"name": "会社員"}
    assert customer["freeItemValues"] == [{"choice": {"name": "普通"}}]
    assert customer["mailOk"] is True and customer["isPhoneOnly"] is False
    assert (customer["preSystemVisitCount"], customer["visitCount"]) == (3, 3)
    assert await count_rows(db) == 1


async def test_create_writes_an_audit_row_with_the_staff_account(gql, staff_token, db, session):
    result = await create(gql, staff_token)

    rows = (await session.scalars(select(AuditLog).where(AuditLog.entity == "customer", AuditLog.action == "create"))).all()
    assert len(rows) == 1
    assert rows[0].entity == "customer" and rows[0].entity_id == int(result["customer"]["id"])
    assert rows[0].actor_account_id is not None
    assert rows[0].changes["last_name"] == [None, "山田"]


BAD_INPUTS = [
    pytest.param({"lastName": ""}, "lastName", "REQUIRED", "姓を入力してください。", id="missing-last-name"),
    pytest.param(
        {"firstName": None}, "firstName", "REQUIRED", "名を入力してください。", id="missing-first-name"
    ),
    pytest.param(
        {"lastNameKana": "山田"},
        "lastNameKana",
        "INVALID_KANA",
        "セイは全角カタカナで入力してください。",
        id="kanji-kana",
    ),
    pytest.param(
        {"firstNameKana": "Hanako"},
        "firstNameKana",
        "INVALID_KANA",
        "メイは全角カタカナで入力してください。",
        id="latin-kana",
    ),
    pytest.param(
        {"phone": "123"}, "phone", "INVALID_PHONE", "電話番号の形式が正しくありません。", id="bad-phone"
    ),
    pytest.param(
        {"email": "hanako@"},
        "email",
        "INVALID_EMAIL",
        "メールアドレスの形式が正しくありません。",
        id="bad-email",
    ),
    pytest.param(
        {"birthDate": "平成31年5月1日"},
        "birthDate",
        "INVALID_DATE",
        "平成31年5月1日は平成の期間外の日付です。",
        id="out-of-era",
    ),
    pytest.param(
        {"birthDate": "H2.2.30"},
        "birthDate",
        "INVALID_DATE",
        "生年月日に存在しない日付が指定されています。",
        id="impossible-date",
    ),
    pytest.param(
        {"postalCode": "000-0000"},
        "postalCode",
        "UNKNOWN_POSTAL_CODE",
        "郵便番号 000-0000 に該当する住所が見つかりません。",
        id="unknown-postal-code",
    ),
    pytest.param(
        {"postalCode": "12345"},
        "postalCode",
        "INVALID_POSTAL_CODE",
        "郵便番号は7桁の数字で入力してください（例: 100-0001）。",
        id="short-postal-code",
    ),
    pytest.param(
        {"customerNo": "A-1"},
        "customerNo",
        "INVALID_CUSTOMER_NO",
        "お客様番号は半角英数字(32文字以内)で入力してください。",
        id="bad-customer-no",
    ),
    pytest.param(
        {"inflowRouteIds": ["999"]},
        "inflowRouteIds",
        "NOT_FOUND",
        "指定された流入経路が見つかりません。",
        id="unknown-route",
    ),
    pytest.param(
        {"occupationId": "abc"},
        "occupationId",
        "NOT_FOUND",
        "指定された職業が見つかりません。",
        id="malformed-occupation-id",
    ),
]


@pytest.mark.parametrize("fields, field, code, message", BAD_INPUTS)
async def test_create_reports_bad_input_and_writes_nothing(
    gql, staff_token, db, fields, field, code, message
):
    result = await create(gql, staff_token, **fields)

    assert result["customer"] is None
    assert {"field": field, "code": code, "message": message} in result["errors"]
    assert await count_rows(db) == 0
    assert await audit_rows(db, "create") == []


async def test_create_reports_every_problem_at_once(gql, staff_token, db):
    result = await create(gql, staff_token, lastName=None, phone="abc", email="x")

    assert {(e["field"], e["code"]) for e in result["errors"]} == {
        ("lastName", "REQUIRED"),
        ("phone", "INVALID_PHONE"),
        ("email", "INVALID_EMAIL"),
    }
    assert await count_rows(db) == 0


async def test_create_refuses_a_duplicate_email_case_insensitively(gql, given, staff_token, db):
    await given.customer(email="Hanako@Example.jp")

    result = await create(gql, staff_token, email="HANAKO@example.JP")

    assert result["errors"] == [
        {
            "field": "email",
            "code": "DUPLICATE_EMAIL",
            "message": "このメールアドレスは既に他のお客様が登録しています。",
        }
    ]
    assert await count_rows(db) == 1


async def test_create_refuses_a_duplicate_customer_number(gql, given, staff_token, db):
    await given.customer(customer_no="A131")

    result = await create(gql, staff_token, customerNo="A131")

    assert result["errors"] == [
        {
            "field": "customerNo",
            "code": "DUPLICATE_CUSTOMER_NO",
            "message": "お客様番号「A131」は既に使われています。",
        }
    ]
    assert await count_rows(db) == 1


async def test_create_needs_a_staff_token(gql, given, db):
    customer = await given.customer()
    customer_token = await given.customer_token(customer)

    anonymous = await create(gql, None)
    as_customer = await create(gql, customer_token)

    assert anonymous["errors"] == [
        {"field": None, "code": "UNAUTHENTICATED", "message": "ログインが必要です。"}
    ]
    assert [e["code"] for e in as_customer["errors"]] == ["PERMISSION_DENIED"]
    assert await count_rows(db) == 1


# --------------------------------------------------------------------------- update


async def test_update_changes_only_the_given_fields(gql, given, staff_token, db):
    route = await given.inflow_route("紹介")
    customer = await given.customer(
        notes="最初のメモ", birth_date="1990-04-01", attributes=["常連"], inflow_route_ids=[route.id]
    )

    result = (
        await gql(
            UPDATE,
            {"input": {"id": str(customer.id), "phone": "080-9999-8888", "notes": None}},
            token=staff_token,
        )
    )["updateCustomer"]

    assert result["errors"] == []
    updated = result["customer"]
    assert updated["phone"] == "08099998888" and updated["notes"] is None
    assert (updated["lastName"], updated["email"], updated["birthDate"]) == (
        "山田",
        customer.email,
        "1990-04-01",
    )
    assert updated["attributes"] == ["常連"] and updated["inflowRoutes"] == [{"name": "紹介"}]
    assert updated["customerNo"] == customer.customer_no and updated["mailOk"] is True


async def test_update_replaces_lists_when_given(gql, given, staff_token):
    customer = await given.customer(attributes=["常連"])

    result = (
        await gql(
            UPDATE,
            {"input": {"id": str(customer.id), "attributes": ["車椅子の方", "常連"], "inflowRouteIds": []}},
            token=staff_token,
        )
    )["updateCustomer"]

    # kept values keep their place, new ones follow
    assert result["errors"] == []
    assert result["customer"]["attributes"] == ["常連", "車椅子の方"]
    assert result["customer"]["inflowRoutes"] == []


async def test_update_writes_an_audit_row_with_what_changed(gql, given, staff_token, session):
    customer = await given.customer(first_name="太郎")

    await gql(UPDATE, {"input": {"id": str(customer.id), "firstName": "次郎"}}, token=staff_token)

    rows = (await session.scalars(select(AuditLog).where(AuditLog.entity == "customer", AuditLog.action == "update"))).all()
    assert len(rows) == 1 and rows[0].entity_id == customer.id
    assert rows[0].changes == {"first_name": ["太郎", "次郎"]}
    assert rows[0].actor_account_id is not None


@pytest.mark.parametrize(
    "fields, field, code",
    [
        ({"lastName": ""}, "lastName", "REQUIRED"),
        ({"lastNameKana": "yamada"}, "lastNameKana", "INVALID_KANA"),
        ({"phone": None}, "phone", "REQUIRED"),
        ({"email": "bad"}, "email", "INVALID_EMAIL"),
        ({"birthDate": "S64.1.8"}, "birthDate", "INVALID_DATE"),
        ({"mailOk": None}, "mailOk", "REQUIRED"),
        ({"postalCode": "0000000"}, "postalCode", "UNKNOWN_POSTAL_CODE"),
    ],
)
async def test_update_reports_bad_input_and_changes_nothing(gql, given, staff_token, db, fields, field, code):
    customer = await given.customer()

    result = (await gql(UPDATE, {"input": {"id": str(customer.id), **fields}}, token=staff_token))[
        "updateCustomer"
    ]

    assert result["customer"] is None
    assert [(e["field"], e["code"]) for e in result["errors"]] == [(field, code)]
    assert all(e["message"] for e in result["errors"])
    async with db.sessionmaker() as s:
        unchanged = await s.get(Customer, customer.id)
    assert (unchanged.last_name, unchanged.phone, unchanged.email) == ("山田", customer.phone, customer.email)
    assert await audit_rows(db, "update") == []


async def test_update_refuses_another_customers_email(gql, given, staff_token):
    await given.customer(email="taken@example.jp")
    customer = await given.customer()

    result = (
        await gql(UPDATE, {"input": {"id": str(customer.id), "email": "Taken@example.jp"}}, token=staff_token)
    )["updateCustomer"]

    assert [e["code"] for e in result["errors"]] == ["DUPLICATE_EMAIL"]


async def test_update_of_an_unknown_customer_is_not_found(gql, staff_token):
    result = (await gql(UPDATE, {"input": {"id": "999", "notes": "x"}}, token=staff_token))["updateCustomer"]

    assert result["errors"] == [{"field": "id", "code": "NOT_FOUND", "message": "お客様が見つかりません。"}]


async def test_a_customer_token_updates_only_its_own_profile(gql, given):
    customer = await given.customer()
    token = await given.customer_token(customer)

    staff_field = (await gql(UPDATE, {"input": {"id": str(customer.id), "notes": "x"}}, token=token))[
        "updateCustomer"
    ]
    own_phone = (await gql(UPDATE, {"input": {"id": str(customer.id), "phone": "080-2222-3333"}},
                           token=token))["updateCustomer"]

    assert [e["code"] for e in staff_field["errors"]] == ["PERMISSION_DENIED"]
    assert staff_field["errors"][0]["message"] == "備考はお客様ご自身では変更できません。"
    assert own_phone["errors"] == [] and own_phone["customer"]["phone"] == "08022223333"


async def test_a_customer_token_cannot_update_someone_else(gql, given):
    customer = await given.customer()
    other = await given.customer(email="other@example.jp", phone="08099998888")
    token = await given.customer_token(customer)

    result = (await gql(UPDATE, {"input": {"id": str(other.id), "phone": "080-2222-3333"}}, token=token))[
        "updateCustomer"
    ]

    assert [e["code"] for e in result["errors"]] == ["NOT_FOUND"]


# --------------------------------------------------------------------------- delete


async def test_a_manager_deletes_a_customer_without_history(gql, given, manager_token, db):
    customer = await given.customer()

    result = (await gql(DELETE, {"input": {"id": str(customer.id)}}, token=manager_token))["deleteCustomer"]

    assert result == {"deletedId": str(customer.id), "errors": []}
    assert await count_rows(db) == 0
    assert len(await audit_rows(db, "delete")) == 1


async def test_staff_cannot_delete(gql, given, staff_token, db):
    customer = await given.customer()

    result = (await gql(DELETE, {"input": {"id": str(customer.id)}}, token=staff_token))["deleteCustomer"]

    assert result["deletedId"] is None
    assert result["errors"] == [
        {"field": None, "code": "PERMISSION_DENIED", "message": "店長・管理者のみが行える操作です。"}
    ]
    assert await count_rows(db) == 1


async def test_delete_is_refused_with_every_reason(gql, given, manager_token, db):
    # given a customer with a visit, a LINE link and a referral
    menu = await given.menu("カット")
    customer = await given.customer()
    friend = await given.customer()
    await given.visit(customer, menu=menu)
    await given.rows(Referral(referrer_id=customer.id, referred_id=friend.id))
    async with db.transaction() as session:
        (await session.get(Customer, customer.id)).line_user_id = "U1234"

    # when
    result = (await gql(DELETE, {"input": {"id": str(customer.id)}}, token=manager_token))["deleteCustomer"]

    # then
    assert result["deletedId"] is None
    assert result["errors"] == [
        {
            "field": None,
            "code": "HAS_VISIT_HISTORY",
            "message": "来店・予約履歴があるお客様は削除できません。顧客データの統合をご利用ください。",
        },
        {"field": None, "code": "HAS_LINE_LINK", "message": "LINE連携済みのお客様は削除できません。"},
        {
            "field": None,
            "code": "HAS_REFERRALS",
            "message": "紹介者・紹介した人が登録されているお客様は削除できません。",
        },
    ]
    assert await count_rows(db) == 2


async def test_delete_of_an_unknown_customer_is_not_found(gql, manager_token):
    result = (await gql(DELETE, {"input": {"id": "999"}}, token=manager_token))["deleteCustomer"]

    assert [(e["field"], e["code"]) for e in result["errors"]] == [("id", "NOT_FOUND")]


# --------------------------------------------------------------------------- the inputs from the registry

@pytest.mark.parametrize("input_type", ["CreateCustomerInput", "UpdateCustomerInput"])
def test_the_customer_inputs_carry_every_settable_field_with_the_registrys_label(input_type):
    """A field added to services.customer_fields reaches the API; one left out of an input fails here."""
    from schema.inputs import customer as inputs
    from services.customer_fields import FIELDS, SETTABLE

    definition = getattr(inputs, input_type).__strawberry_definition__
    fields = {f.python_name: f for f in definition.fields if f.python_name != "id"}
    assert list(fields) == list(SETTABLE)
    for name, field in fields.items():
        assert field.description.startswith(f"{FIELDS[name].label} ({FIELDS[name].about}")
