"""紹介 through GraphQL: a link added from either side shows on both customers (referredBy /
referred), its memo changes at any time, it can be removed; self-referral and a pair already
linked (either way round) are refused; customers and the site cannot touch them."""

from __future__ import annotations

from models import AuditLog, Referral
from tests.factories import count_rows

ADD = """mutation($input: AddReferralInput!) { addReferral(input: $input) {
  id memo referrer { customerNo } referred { customerNo } errors { field code message } } }"""
UPDATE = """mutation($input: UpdateReferralInput!) { updateReferral(input: $input) {
  id memo errors { field code message } } }"""
REMOVE = """mutation($input: RemoveReferralInput!) { removeReferral(input: $input) {
  id errors { field code message } } }"""
BOTH = """query($a: ID!, $b: ID!) {
  a: customer(id: $a) { referredBy { id memo customer { customerNo } } referred { id memo customer { customerNo } } }
  b: customer(id: $b) { referredBy { id memo customer { customerNo } } referred { id memo customer { customerNo } } } }"""


async def test_a_referral_shows_on_both_sides_its_memo_changes_and_it_goes(gql, given, db, staff_token):
    a, b = await given.customer(last_name="紹介者"), await given.customer(last_name="新規")

    added = (await gql(ADD, {"input": {"referrerId": str(a.id), "referredId": str(b.id), "memo": "初回20%引き"}},
                       token=staff_token))["addReferral"]
    assert added["errors"] == [] and added["referrer"]["customerNo"] == a.customer_no
    both = await gql(BOTH, {"a": str(a.id), "b": str(b.id)}, token=staff_token)
    link = {"id": added["id"], "memo": "初回20%引き"}
    assert both["a"] == {"referredBy": [], "referred": [{**link, "customer": {"customerNo": b.customer_no}}]}
    assert both["b"] == {"referredBy": [{**link, "customer": {"customerNo": a.customer_no}}], "referred": []}

    changed = (await gql(UPDATE, {"input": {"id": added["id"], "memo": "紹介者にも10%引き"}},
                         token=staff_token))["updateReferral"]
    assert changed == {"id": added["id"], "memo": "紹介者にも10%引き", "errors": []}
    both = await gql(BOTH, {"a": str(a.id), "b": str(b.id)}, token=staff_token)
    assert both["b"]["referredBy"][0]["memo"] == "紹介者にも10%引き"

    removed = (await gql(REMOVE, {"input": {"id": added["id"]}}, token=staff_token))["removeReferral"]
    assert removed["errors"] == [] and await count_rows(db, Referral) == 0
    assert await count_rows(db, AuditLog, AuditLog.entity == "referral") == 3
    gone = (await gql(REMOVE, {"input": {"id": added["id"]}}, token=staff_token))["removeReferral"]
    assert [e["code"] for e in gone["errors"]] == ["NOT_FOUND"]


async def test_self_referral_duplicates_and_bad_input_are_refused(gql, given, db, staff_token):
    a, b = await given.customer(), await given.customer()
    first = (await gql(ADD, {"input": {"referrerId": str(a.id), "referredId": str(b.id)}},
                       token=staff_token))["addReferral"]
    assert first["errors"] == []
    before = await count_rows(db, Referral), await count_rows(db, AuditLog)
    cases = (
        ({"referrerId": str(a.id), "referredId": str(a.id)}, [("referredId", "INVALID")]),
        ({"referrerId": str(a.id), "referredId": str(b.id)}, [("referredId", "DUPLICATE")]),
        ({"referrerId": str(b.id), "referredId": str(a.id)}, [("referredId", "DUPLICATE")]),
        ({"referrerId": "999999", "referredId": "abc"}, [("referrerId", "NOT_FOUND"), ("referredId", "NOT_FOUND")]),
        ({"referrerId": str(a.id), "referredId": str(b.id), "memo": "x" * 1001},
         [("memo", "TOO_LONG"), ("referredId", "DUPLICATE")]),
    )
    for given_input, expected in cases:
        out = (await gql(ADD, {"input": given_input}, token=staff_token))["addReferral"]
        assert sorted((e["field"], e["code"]) for e in out["errors"]) == sorted(expected), out
    assert "ご本人を紹介者にはできません。" in str(
        (await gql(ADD, {"input": {"referrerId": str(a.id), "referredId": str(a.id)}}, token=staff_token)))
    too_long = (await gql(UPDATE, {"input": {"id": first["id"], "memo": "x" * 1001}}, token=staff_token))
    assert [e["code"] for e in too_long["updateReferral"]["errors"]] == ["TOO_LONG"]
    assert (await count_rows(db, Referral), await count_rows(db, AuditLog)) == before


async def test_customers_and_the_site_cannot_touch_referrals(gql, given, db, site_secret):
    a, b = await given.customer(), await given.customer()
    token = await given.customer_token(a)
    for who in ({"token": token}, {"site": site_secret}):
        out = (await gql(ADD, {"input": {"referrerId": str(a.id), "referredId": str(b.id)}}, **who))["addReferral"]
        assert [e["code"] for e in out["errors"]] == ["PERMISSION_DENIED"]
    assert await count_rows(db, Referral) == 0
    # A customer reads no referrals, not even its own.
    mine = await gql("query($id: ID!) { customer(id: $id) { referredBy { id } referred { id } } }",
                     {"id": str(a.id)}, token=token)
    assert mine["customer"] == {"referredBy": None, "referred": None}
