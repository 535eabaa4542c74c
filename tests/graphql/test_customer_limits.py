"""Bounds on what createCustomer / updateCustomer accept: numbers, text lengths, invisible characters.

Each refusal is a UserError with a Japanese message, and nothing is written.
"""

from __future__ import annotations

import pytest

from models import Customer
from tests.factories import count_rows
from tests.graphql.conftest import audit_rows
from tests.graphql.test_customer_mutations import CREATE, GOOD_INPUT, UPDATE

LIST = "{ customers(first: 50) { totalCount edges { node { customerNo visitCount } } } }"


async def _stored(db, customer_id: int) -> Customer:
    async with db.sessionmaker() as s:
        return await s.get(Customer, customer_id)


async def test_a_huge_pre_system_visit_count_is_refused_and_lists_keep_working(gql, given, staff_token, db):
    customer = await given.customer()
    await given.visit(customer, menu=await given.menu("カット"))

    result = (await gql(UPDATE, {"input": {"id": str(customer.id), "preSystemVisitCount": 2147483647}},
                        token=staff_token))["updateCustomer"]

    assert result["errors"] == [{"field": "preSystemVisitCount", "code": "INVALID",
                                 "message": "システム導入前来店回数は0〜10,000の整数で入力してください。"}]
    assert (await _stored(db, customer.id)).pre_system_visit_count == 0
    assert await audit_rows(db, "update") == []
    listed = await gql(LIST, token=staff_token)
    assert listed["customers"]["edges"][0]["node"]["visitCount"] == 1


@pytest.mark.parametrize("count_value", [-1, 10001, 2147483647])
async def test_create_refuses_a_pre_system_visit_count_out_of_range(gql, staff_token, db, count_value):
    result = (await gql(CREATE, {"input": {**GOOD_INPUT, "preSystemVisitCount": count_value}},
                        token=staff_token))["createCustomer"]

    assert [(e["field"], e["code"]) for e in result["errors"]] == [("preSystemVisitCount", "INVALID")]
    assert await count_rows(db) == 0


@pytest.mark.parametrize(("field", "limit"), [
    ("lastName", 64), ("firstNameKana", 64), ("prefecture", 16), ("city", 64), ("addressLine", 200),
    ("notes", 2000),
])
async def test_text_over_its_limit_is_refused_not_cut(gql, given, staff_token, db, field, limit):
    customer = await given.customer()
    before = await _stored(db, customer.id)

    for value in ("ア" * (limit + 1), "a" * 90_000):
        result = (await gql(UPDATE, {"input": {"id": str(customer.id), field: value}},
                            token=staff_token))["updateCustomer"]
        assert [(e["field"], e["code"]) for e in result["errors"]] == [(field, "TOO_LONG")]
        assert f"{limit}文字以内で入力してください。" in result["errors"][0]["message"]

    after = await _stored(db, customer.id)
    assert (after.last_name, after.prefecture, after.city, after.address_line, after.notes) == (
        before.last_name, before.prefecture, before.city, before.address_line, before.notes)
    assert await audit_rows(db, "update") == []


@pytest.mark.parametrize(("fields", "field", "code"), [
    ({"lastName": "山田\u0000"}, "lastName", "INVALID"),
    ({"firstName": "\u202e郎太"}, "firstName", "INVALID"),
    ({"lastNameKana": "ヤマダ\u0000"}, "lastNameKana", "INVALID_KANA"),
    ({"phone": "090-1234-5678\u0000"}, "phone", "INVALID_PHONE"),
    ({"email": "hanako\u202e@example.jp"}, "email", "INVALID_EMAIL"),
])
async def test_invisible_characters_in_identifying_fields_are_refused(gql, staff_token, db, fields, field,
                                                                      code):
    result = (await gql(CREATE, {"input": {**GOOD_INPUT, **fields}}, token=staff_token))["createCustomer"]

    assert [(e["field"], e["code"]) for e in result["errors"]] == [(field, code)]
    assert "使用できない文字" in result["errors"][0]["message"] or code != "INVALID"
    assert await count_rows(db) == 0


async def test_free_text_loses_control_characters_but_keeps_newlines(gql, staff_token, db):
    result = (await gql(CREATE, {"input": {**GOOD_INPUT, "notes": "紅茶\u0000派\u202e\n\tミルク",
                                           "addressLine": "神南1-2-3\u0000 サロンビル"}},
                        token=staff_token))["createCustomer"]

    assert result["errors"] == []
    stored = await _stored(db, int(result["customer"]["id"]))
    assert (stored.notes, stored.address_line) == ("紅茶派\n\tミルク", "神南1-2-3 サロンビル")


@pytest.mark.parametrize("field", ["mailOk", "phoneOk", "dmOk", "preSystemVisitCount"])
async def test_null_is_refused_for_fields_without_an_empty_value(gql, given, staff_token, db, field):
    customer = await given.customer()

    result = (await gql(UPDATE, {"input": {"id": str(customer.id), field: None}},
                        token=staff_token))["updateCustomer"]

    assert [(e["field"], e["code"]) for e in result["errors"]] == [(field, "REQUIRED")]
    assert result["errors"][0]["message"].endswith("にnullは指定できません。")
    assert await audit_rows(db, "update") == []
