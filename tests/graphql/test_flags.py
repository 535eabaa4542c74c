"""Cautions and blacklist over GraphQL: lists, mutations, who may do what, ❗ on Customer, no N+1."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from models import AuditLog, BlacklistEntry, Caution
from tests.factories import count_rows

ADD_CAUTION = """
mutation($input: AddFlagInput!) { addCaution(input: $input) {
  caution { id memo customer { customerNo isCaution cautionMemo } } errors { field code message } } }
"""
UPDATE_CAUTION = """
mutation($input: UpdateFlagInput!) { updateCaution(input: $input) {
  caution { id memo } errors { field code message } } }
"""
REMOVE_CAUTION = """
mutation($input: RemoveFlagInput!) { removeCaution(input: $input) {
  removedId customer { customerNo isCaution } errors { field code message } } }
"""
ADD_BLACKLIST = """
mutation($input: AddFlagInput!) { addToBlacklist(input: $input) {
  blacklistEntry { id memo customer { customerNo isBlacklisted } } errors { field code message } } }
"""
UPDATE_BLACKLIST = """
mutation($input: UpdateFlagInput!) { updateBlacklistEntry(input: $input) {
  blacklistEntry { id memo } errors { field code message } } }
"""
REMOVE_BLACKLIST = """
mutation($input: RemoveFlagInput!) { removeFromBlacklist(input: $input) {
  removedId customer { customerNo isBlacklisted } errors { field code message } } }
"""
LISTS = """
{ cautions(first: 10) { totalCount edges { node { memo customer { customerNo } } } }
  blacklist(first: 10) { totalCount edges { node { memo customer { customerNo } } } } }
"""
CUSTOMER_FLAGS = """
query($id: ID!) { customer(id: $id) { customerNo isCaution cautionMemo isBlacklisted blacklistMatch { memo } } }
"""


async def test_staff_add_change_and_remove_a_caution(gql, given, staff_token, db):
    customer = await given.customer()
    data = await gql(ADD_CAUTION, {"input": {"customerId": str(customer.id), "memo": "施術中の電話が多い"}},
                     token=staff_token)
    payload = data["addCaution"]
    assert payload["errors"] == []
    assert payload["caution"]["customer"] == {"customerNo": customer.customer_no, "isCaution": True,
                                              "cautionMemo": "施術中の電話が多い"}
    entry_id = payload["caution"]["id"]
    data = await gql(UPDATE_CAUTION, {"input": {"id": entry_id, "memo": "担当は店長"}}, token=staff_token)
    assert data["updateCaution"] == {"caution": {"id": entry_id, "memo": "担当は店長"}, "errors": []}
    data = await gql(LISTS, token=staff_token)
    assert data["cautions"]["totalCount"] == 1
    assert data["cautions"]["edges"][0]["node"] == {"memo": "担当は店長",
                                                     "customer": {"customerNo": customer.customer_no}}
    data = await gql(REMOVE_CAUTION, {"input": {"id": entry_id}}, token=staff_token)
    assert data["removeCaution"] == {"removedId": entry_id, "errors": [],
                                     "customer": {"customerNo": customer.customer_no, "isCaution": False}}
    assert await count_rows(db, Caution) == 0


async def test_manager_runs_the_blacklist(gql, given, manager_token, db):
    customer = await given.customer()
    data = await gql(ADD_BLACKLIST, {"input": {"customerId": str(customer.id), "memo": "無断キャンセル3回"}},
                     token=manager_token)
    entry = data["addToBlacklist"]["blacklistEntry"]
    assert entry["customer"] == {"customerNo": customer.customer_no, "isBlacklisted": True}
    data = await gql(UPDATE_BLACKLIST, {"input": {"id": entry["id"], "memo": "無断キャンセル4回"}},
                     token=manager_token)
    assert data["updateBlacklistEntry"]["blacklistEntry"]["memo"] == "無断キャンセル4回"
    data = await gql(LISTS, token=manager_token)
    assert data["blacklist"]["totalCount"] == 1
    data = await gql(REMOVE_BLACKLIST, {"input": {"id": entry["id"]}}, token=manager_token)
    assert data["removeFromBlacklist"]["customer"] == {"customerNo": customer.customer_no, "isBlacklisted": False}
    assert await count_rows(db, BlacklistEntry) == 0
    assert await count_rows(db, AuditLog) >= 3


@pytest.mark.parametrize(("document", "name"), [(ADD_CAUTION, "addCaution"), (ADD_BLACKLIST, "addToBlacklist")])
async def test_bad_input_reports_every_problem_and_writes_nothing(gql, given, manager_token, db, document, name):
    customer = await given.customer()
    cases = [
        ({}, [("memo", "REQUIRED"), ("customerId", "REQUIRED")]),
        ({"customerId": str(customer.id), "memo": "  "}, [("memo", "REQUIRED")]),
        ({"customerId": "999999", "memo": "x" * 2001}, [("memo", "TOO_LONG"), ("customerId", "NOT_FOUND")]),
        ({"customerId": "１", "memo": "メモ"}, [("customerId", "NOT_FOUND")]),
    ]
    logs = await count_rows(db, AuditLog)
    for payload, expected in cases:
        data = await gql(document, {"input": payload}, token=manager_token)
        errors = data[name]["errors"]
        assert [(e["field"], e["code"]) for e in errors] == expected
        assert all(e["message"].endswith("。") for e in errors)
    await gql(document, {"input": {"customerId": str(customer.id), "memo": "一件目"}}, token=manager_token)
    data = await gql(document, {"input": {"customerId": str(customer.id), "memo": "二件目"}}, token=manager_token)
    assert [(e["field"], e["code"]) for e in data[name]["errors"]] == [("customerId", "DUPLICATE")]
    assert await count_rows(db, Caution) + await count_rows(db, BlacklistEntry) == 1
    assert await count_rows(db, AuditLog) == logs + 1


async def test_update_and_remove_of_unknown_entries(gql, manager_token):
    for document, name in ((UPDATE_CAUTION, "updateCaution"), (UPDATE_BLACKLIST, "updateBlacklistEntry")):
        for entry_id in ("999", "abc"):
            data = await gql(document, {"input": {"id": entry_id, "memo": "x"}}, token=manager_token)
            assert [(e["field"], e["code"]) for e in data[name]["errors"]] == [("id", "NOT_FOUND")]
    for document, name in ((REMOVE_CAUTION, "removeCaution"), (REMOVE_BLACKLIST, "removeFromBlacklist")):
        data = await gql(document, {"input": {"id": "999"}}, token=manager_token)
        assert data[name]["removedId"] is None
        assert [(e["field"], e["code"]) for e in data[name]["errors"]] == [("id", "NOT_FOUND")]


async def test_who_may_change_what(gql, given, staff_token, db):
    customer = await given.customer()
    customer_token = await given.customer_token(customer)
    blacklist = {"customerId": str(customer.id), "memo": "暴言"}
    logs = await count_rows(db, AuditLog)
    for token, code in ((staff_token, "PERMISSION_DENIED"), (customer_token, "PERMISSION_DENIED"),
                        (None, "UNAUTHENTICATED")):
        data = await gql(ADD_BLACKLIST, {"input": blacklist}, token=token)
        assert [e["code"] for e in data["addToBlacklist"]["errors"]] == [code]
    for token, code in ((customer_token, "PERMISSION_DENIED"), (None, "UNAUTHENTICATED")):
        data = await gql(ADD_CAUTION, {"input": blacklist}, token=token)
        assert [e["code"] for e in data["addCaution"]["errors"]] == [code]
    assert await count_rows(db, Caution) + await count_rows(db, BlacklistEntry) == 0
    assert await count_rows(db, AuditLog) == logs


async def test_staff_cannot_touch_an_existing_blacklist_entry(gql, given, staff_token, manager_token, db):
    customer = await given.customer()
    data = await gql(ADD_BLACKLIST, {"input": {"customerId": str(customer.id), "memo": "暴言"}}, token=manager_token)
    entry_id = data["addToBlacklist"]["blacklistEntry"]["id"]
    data = await gql(UPDATE_BLACKLIST, {"input": {"id": entry_id, "memo": "書き換え"}}, token=staff_token)
    assert data["updateBlacklistEntry"]["errors"][0]["code"] == "PERMISSION_DENIED"
    data = await gql(REMOVE_BLACKLIST, {"input": {"id": entry_id}}, token=staff_token)
    assert data["removeFromBlacklist"]["errors"][0]["code"] == "PERMISSION_DENIED"
    data = await gql(LISTS, token=staff_token)  # staff may read the list
    assert data["blacklist"]["edges"][0]["node"]["memo"] == "暴言"


async def test_lists_are_refused_to_customers_and_anonymous(gql, given):
    customer = await given.customer()
    token = await given.customer_token(customer)
    for bearer, code in ((token, "PERMISSION_DENIED"), (None, "UNAUTHENTICATED")):
        body = await gql("{ cautions { totalCount } }", token=bearer, expect_errors=True)
        assert body["errors"][0]["extensions"]["code"] == code
        body = await gql("{ blacklist { totalCount } }", token=bearer, expect_errors=True)
        assert body["errors"][0]["extensions"]["code"] == code


async def test_a_customer_token_never_sees_its_own_flags(gql, given, manager_token):
    customer = await given.customer()
    for document in (ADD_CAUTION, ADD_BLACKLIST):
        await gql(document, {"input": {"customerId": str(customer.id), "memo": "内部メモ"}}, token=manager_token)
    token = await given.customer_token(customer)
    data = await gql(CUSTOMER_FLAGS, {"id": str(customer.id)}, token=token)
    assert data["customer"] == {"customerNo": customer.customer_no, "isCaution": None, "cautionMemo": None,
                                "isBlacklisted": None, "blacklistMatch": None}
    data = await gql(CUSTOMER_FLAGS, {"id": str(customer.id)}, token=manager_token)
    assert data["customer"]["cautionMemo"] == "内部メモ" and data["customer"]["isBlacklisted"] is True


async def test_flags_on_a_customer_list_take_a_fixed_number_of_queries(gql, given, staff_token, db):
    query = """{ customers(first: 100) { edges { node { customerNo isCaution cautionMemo isBlacklisted
                 blacklistMatch { customerNo reasons } } } } }"""

    async def statements() -> int:
        seen: list[str] = []

        def count_statement(conn, cursor, statement, *args):
            seen.append(statement)

        event.listen(db.engine.sync_engine, "before_cursor_execute", count_statement)
        try:
            await gql(query, token=staff_token)
        finally:
            event.remove(db.engine.sync_engine, "before_cursor_execute", count_statement)
        return len(seen)

    customers = [await given.customer() for _ in range(3)]
    await given.rows(Caution(customer_id=customers[0].id, memo="a"),
                     BlacklistEntry(customer_id=customers[1].id, memo="b"))
    await gql(query, token=staff_token)  # who the token is, looked up once: not counted in either run
    few = await statements()
    more = [await given.customer() for _ in range(12)]
    await given.rows(*(Caution(customer_id=c.id, memo="c") for c in more[:6]))
    assert await statements() == few


async def test_a_caution_memo_loses_control_and_bidi_characters_and_nothing_else(gql, given, staff_token, db):
    customer = await given.customer()
    out = (await gql(ADD_CAUTION, {"input": {"customerId": str(customer.id),
                                             "memo": "\u202e施術中の\x00電話が\x07多い\n店長  対応"}},
                     token=staff_token))["addCaution"]
    assert out["errors"] == []
    assert out["caution"]["memo"] == out["caution"]["customer"]["cautionMemo"] == "施術中の電話が多い\n店長  対応"


async def test_a_caution_memo_of_only_control_characters_is_required_and_writes_nothing(
        gql, given, staff_token, db):
    customer = await given.customer()
    before = (await count_rows(db, Caution), await count_rows(db, AuditLog))
    out = (await gql(ADD_CAUTION, {"input": {"customerId": str(customer.id), "memo": "\u202e\x00\x07"}},
                     token=staff_token))["addCaution"]
    assert out == {"caution": None, "errors": [{"field": "memo", "code": "REQUIRED",
                                                "message": "メモを入力してください。"}]}
    assert (await count_rows(db, Caution), await count_rows(db, AuditLog)) == before
