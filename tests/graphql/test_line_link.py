"""LINE連携 through GraphQL (site credential) and its unlinking (staff, both doors): the matching
rule (normalised full name AND e-mail, case-insensitive; placeholders never match), a new customer
with path LINE otherwise, a LINE id of another customer refused, the same link again a no-op, the
blacklist's person match for customers made here."""

from __future__ import annotations

from sqlalchemy import select

from models import AuditLog, BlacklistEntry, Customer, RegistrationPath
from services import customers as customer_service
from services import flags
from services.actor import Actor
from tests.factories import count_rows

LINK = """mutation($input: LinkLineAccountInput!) { linkLineAccount(input: $input) {
  customer { id customerNo lineName } created linked errors { field code message } } }"""
UNLINK = """mutation($input: UnlinkLineAccountInput!) { unlinkLineAccount(input: $input) {
  customer { id } errors { field code message } } }"""
ME = "{ me { ... on Customer { id } } }"
LINE_A, LINE_B = "U" + "1" * 32, "U" + "2" * 32


def profile(**overrides) -> dict:
    return {"lineUserId": LINE_A, "displayName": "はなこ", "pictureUrl": "https://profile.line-scdn.net/a",
            "lastName": "山田", "firstName": "花子", "email": "yamada@example.com", **overrides}


async def _customer(db, customer_id) -> Customer:
    async with db.sessionmaker() as s:
        return await s.get(Customer, int(customer_id))


async def test_same_name_and_email_in_other_case_links_the_customer(gql, given, db, site_secret):
    existing = await given.customer(last_name="山田", first_name="花子", email="yamada@example.com")
    before = await count_rows(db)

    out = (await gql(LINK, {"input": profile(email="Yamada@Example.COM", lastName="山田 ", firstName="花子")},
                     site=site_secret))["linkLineAccount"]

    assert out["errors"] == [] and not out["created"] and out["linked"]
    assert out["customer"]["id"] == str(existing.id) and out["customer"]["lineName"] == "はなこ"
    linked = await _customer(db, existing.id)
    assert (linked.line_user_id, linked.line_picture_url) == (LINE_A, "https://profile.line-scdn.net/a")
    assert linked.line_linked_at is not None and await count_rows(db) == before
    assert await count_rows(db, AuditLog, AuditLog.action == "link_line", AuditLog.entity_id == existing.id) == 1


async def test_same_name_only_registers_a_new_customer_with_path_line(gql, given, db, site_secret):
    existing = await given.customer(last_name="山田", first_name="花子", email="other@example.com")

    out = (await gql(LINK, {"input": profile()}, site=site_secret))["linkLineAccount"]

    assert out["errors"] == [] and out["created"] and out["customer"]["id"] != str(existing.id)
    new = await _customer(db, out["customer"]["id"])
    assert new.registration_path == RegistrationPath.LINE and new.line_user_id == LINE_A
    assert new.email == "yamada@example.com" and (await _customer(db, existing.id)).line_user_id is None


async def test_a_placeholder_email_never_links(gql, db, site_secret, system_actor):
    async with db.transaction() as s:
        phone_only = await customer_service.register_phone_customer(
            s, {"last_name": "山田", "first_name": "花子", "phone": "09011112222"}, system_actor)
    before = await count_rows(db)

    out = (await gql(LINK, {"input": profile(email="09011112222@leporto.com")}, site=site_secret))["linkLineAccount"]

    assert out["customer"] is None and [e["code"] for e in out["errors"]] == ["DUPLICATE_EMAIL"]
    assert (await _customer(db, phone_only.id)).line_user_id is None and await count_rows(db) == before


async def test_relinking_the_same_is_a_no_op_and_another_customers_line_id_is_refused(gql, given, db, site_secret):
    first = (await gql(LINK, {"input": profile()}, site=site_secret))["linkLineAccount"]
    audits = await count_rows(db, AuditLog)

    again = (await gql(LINK, {"input": profile()}, site=site_secret))["linkLineAccount"]
    assert again["errors"] == [] and not again["linked"] and not again["created"]
    assert again["customer"]["id"] == first["customer"]["id"] and await count_rows(db, AuditLog) == audits

    other = await given.customer(last_name="佐藤", first_name="一郎", email="sato@example.com")
    audits = await count_rows(db, AuditLog)
    taken = (await gql(LINK, {"input": profile(lastName="佐藤", firstName="一郎", email="sato@example.com")},
                       site=site_secret))["linkLineAccount"]
    assert taken["customer"] is None
    assert taken["errors"] == [{"field": "lineUserId", "code": "DUPLICATE",
                                "message": "このLINEアカウントは既に他のお客様と連携しています。"}]
    second_line = (await gql(LINK, {"input": profile(lineUserId=LINE_B)}, site=site_secret))["linkLineAccount"]
    assert [e["code"] for e in second_line["errors"]] == ["DUPLICATE"]
    assert (await _customer(db, other.id)).line_user_id is None and await count_rows(db, AuditLog) == audits


async def test_bad_input_is_said_in_japanese_and_nothing_is_written(gql, db, site_secret):
    before = await count_rows(db), await count_rows(db, AuditLog)
    for overrides, field, code in (({"lineUserId": "nope"}, "lineUserId", "INVALID"),
                                   ({"lineUserId": ""}, "lineUserId", "REQUIRED"),
                                   ({"pictureUrl": "http://x"}, "pictureUrl", "INVALID"),
                                   ({"displayName": "x" * 101}, "displayName", "TOO_LONG"),
                                   ({"email": "not mail"}, "email", "INVALID_EMAIL"),
                                   ({"lastName": None}, "lastName", "REQUIRED"),
                                   ({"email": None}, "email", "REQUIRED")):
        out = (await gql(LINK, {"input": profile(**overrides)}, site=site_secret))["linkLineAccount"]
        assert out["customer"] is None and (field, code) in [(e["field"], e["code"]) for e in out["errors"]], out
    assert (await count_rows(db), await count_rows(db, AuditLog)) == before


async def test_the_blacklist_follows_the_person_to_a_customer_made_here(gql, given, db, site_secret, manager_token):
    listed = (await gql(LINK, {"input": profile()}, site=site_secret))["linkLineAccount"]["customer"]
    async with db.transaction() as s:
        await flags.add_to_blacklist(s, int(listed["id"]), "暴言あり", Actor.system("test"))
    unlinked = (await gql(UNLINK, {"input": {"customerId": listed["id"]}}, token=manager_token))["unlinkLineAccount"]
    assert unlinked["errors"] == []

    again = (await gql(LINK, {"input": profile(lastName="別名", firstName="次郎", email="new@example.com")},
                       site=site_secret))["linkLineAccount"]
    assert again["created"]
    async with db.sessionmaker() as s:
        match = await flags.find_blacklist_match(s, int(again["customer"]["id"]))
    assert match is not None and flags.LINE_REASON in match.reasons
    async with db.sessionmaker() as s:
        assert await s.scalar(select(BlacklistEntry.customer_id)) == int(listed["id"])


async def test_unlinking_is_a_recorded_staff_action_that_ends_the_customers_tokens(gql, db, site_secret, staff_token,
                                                                                    given):
    linked = (await gql(LINK, {"input": profile()}, site=site_secret))["linkLineAccount"]["customer"]
    issued = (await gql("""mutation($id: ID!) { issueCustomerToken(input: {customerId: $id}) { token } }""",
                        {"id": linked["id"]}, site=site_secret))["issueCustomerToken"]["token"]
    assert (await gql(ME, token=issued))["me"] == {"id": linked["id"]}

    refused = (await gql(UNLINK, {"input": {"customerId": linked["id"]}}, site=site_secret))["unlinkLineAccount"]
    assert [e["code"] for e in refused["errors"]] == ["PERMISSION_DENIED"]
    customer_token = await given.customer_token(await _customer(db, linked["id"]))
    refused = (await gql(UNLINK, {"input": {"customerId": linked["id"]}}, token=customer_token))["unlinkLineAccount"]
    assert [e["code"] for e in refused["errors"]] == ["PERMISSION_DENIED"]

    done = (await gql(UNLINK, {"input": {"customerId": linked["id"]}}, token=staff_token))["unlinkLineAccount"]
    assert done["errors"] == [] and (await _customer(db, linked["id"])).line_user_id is None
    assert (await gql(ME, token=issued))["me"] is None
    assert await count_rows(db, AuditLog, AuditLog.action == "unlink_line") == 1
    twice = (await gql(UNLINK, {"input": {"customerId": linked["id"]}}, token=staff_token))["unlinkLineAccount"]
    assert [e["code"] for e in twice["errors"]] == ["NOT_LINKED"]
