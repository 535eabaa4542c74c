"""``Customer.blacklistMatch`` (staff only) and ``clearBlacklistMatch`` (managers only) over HTTP."""

from __future__ import annotations

from sqlalchemy import func, update

from models import AuditLog, BlacklistEntry, BlacklistMatchClearance, Customer
from tests.factories import count_rows

MATCH = """
query($id: ID!) { customer(id: $id) { customerNo isBlacklisted
  blacklistMatch { entryId customerNo reasons memo customer { customerNo } } } }
"""
LIST = """
{ customers(first: 50, filter: {includeWithdrawn: true}) { edges { node { customerNo
  blacklistMatch { customerNo reasons } } } } }
"""
CLEAR = """
mutation($input: ClearBlacklistMatchInput!) { clearBlacklistMatch(input: $input) {
  customer { customerNo blacklistMatch { customerNo } } errors { field code message } } }
"""


async def _listed_and_newcomer(given):
    listed = await given.customer(phone="090-1234-5678", email="taro@example.jp")
    entry = BlacklistEntry(customer_id=listed.id, memo="暴言あり")
    await given.rows(entry)
    async with given.db.transaction() as session:
        await session.execute(update(Customer).where(Customer.id == listed.id).values(
            withdrawn_at=func.current_timestamp()))
    newcomer = await given.customer(phone="09012345678", email="TARO@example.jp")
    return listed, entry, newcomer


async def test_staff_see_why_a_new_account_matches(gql, given, staff_token):
    listed, entry, newcomer = await _listed_and_newcomer(given)
    data = await gql(MATCH, {"id": str(newcomer.id)}, token=staff_token)
    assert data["customer"]["isBlacklisted"] is False
    assert data["customer"]["blacklistMatch"] == {
        "entryId": str(entry.id), "customerNo": listed.customer_no,
        "reasons": ["カナ氏名と電話番号が一致", "メールアドレスが一致"], "memo": "暴言あり",
        "customer": {"customerNo": listed.customer_no}}
    data = await gql(MATCH, {"id": str(listed.id)}, token=staff_token)
    assert data["customer"]["blacklistMatch"]["reasons"] == ["本人がブラックリストに登録されています"]


async def test_list_shows_matches_in_one_batch(gql, given, staff_token):
    listed, entry, newcomer = await _listed_and_newcomer(given)
    clean = await given.customer(last_name_kana="スズキ")
    data = await gql(LIST, token=staff_token)
    got = {e["node"]["customerNo"]: e["node"]["blacklistMatch"] for e in data["customers"]["edges"]}
    assert got[clean.customer_no] is None
    assert got[newcomer.customer_no]["customerNo"] == listed.customer_no
    assert got[listed.customer_no]["customerNo"] == listed.customer_no


async def test_a_customer_token_never_sees_the_match(gql, given):
    listed, entry, newcomer = await _listed_and_newcomer(given)
    token = await given.customer_token(newcomer)
    data = await gql(MATCH, {"id": str(newcomer.id)}, token=token)
    assert data["customer"] == {"customerNo": newcomer.customer_no, "isBlacklisted": None,
                                "blacklistMatch": None}


async def test_manager_clears_a_false_match(gql, given, manager_token, staff_token):
    listed, entry, newcomer = await _listed_and_newcomer(given)
    data = await gql(CLEAR, {"input": {"customerId": str(newcomer.id), "entryId": str(entry.id),
                                       "memo": "生年月日が違う別人"}}, token=manager_token)
    assert data["clearBlacklistMatch"] == {
        "customer": {"customerNo": newcomer.customer_no, "blacklistMatch": None}, "errors": []}
    assert await count_rows(given.db, BlacklistMatchClearance) == 1
    data = await gql(MATCH, {"id": str(newcomer.id)}, token=staff_token)
    assert data["customer"]["blacklistMatch"] is None


async def test_clearing_is_refused_and_writes_nothing(gql, given, staff_token):
    listed, entry, newcomer = await _listed_and_newcomer(given)
    customer_token = await given.customer_token(newcomer)
    good = {"customerId": str(newcomer.id), "entryId": str(entry.id)}
    logs = await count_rows(given.db, AuditLog)
    cases = [
        (staff_token, good, "PERMISSION_DENIED", None),
        (customer_token, good, "PERMISSION_DENIED", None),
        (None, good, "UNAUTHENTICATED", None),
        ("not-a-token", good, "UNAUTHENTICATED", None),
    ]
    for token, payload, code, field in cases:
        body = await gql(CLEAR, {"input": payload}, token=token, expect_errors=True)
        if body.get("errors"):
            assert body["errors"][0]["extensions"]["code"] == code
        else:
            errors = body["data"]["clearBlacklistMatch"]["errors"]
            assert [(e["code"], e["field"]) for e in errors] == [(code, field)], errors
    assert await count_rows(given.db, BlacklistMatchClearance) == 0
    assert await count_rows(given.db, AuditLog) == logs


async def test_bad_input_gives_a_japanese_error_and_writes_nothing(gql, given, manager_token):
    listed, entry, newcomer = await _listed_and_newcomer(given)
    cases = [
        ({"customerId": "abc", "entryId": str(entry.id)}, "NOT_FOUND", "customerId"),
        ({"customerId": str(newcomer.id), "entryId": "9999999"}, "NOT_FOUND", "entryId"),
        ({"customerId": str(listed.id), "entryId": str(entry.id)}, "INVALID", "entryId"),
        ({"customerId": str(newcomer.id), "entryId": str(entry.id), "memo": "あ" * 2001}, "TOO_LONG", "memo"),
    ]
    for payload, code, field in cases:
        data = await gql(CLEAR, {"input": payload}, token=manager_token)
        errors = data["clearBlacklistMatch"]["errors"]
        assert [(e["code"], e["field"]) for e in errors] == [(code, field)]
        assert errors[0]["message"].endswith("。")
        assert data["clearBlacklistMatch"]["customer"] is None
    assert await count_rows(given.db, BlacklistMatchClearance) == 0
