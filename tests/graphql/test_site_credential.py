"""The site credential (サイト連携キー): what the reservation site's server presents instead of a
manager token. It can link a LINE account, issue a customer token for a linked customer, start an
e-mail change and read the salon's public lists; every other root field refuses it (one test each,
found by walking the schema, so a field added later is covered); a revoked key can do nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLList, GraphQLNonNull, GraphQLScalarType
from sqlalchemy import select

from models import ApiClient, AuditLog, Customer, Reservation
from models.base import utcnow
from resolvers.schema import schema
from services import api_clients
from services.actor import Actor
from tests.factories import count_rows

LINE_ID = "U" + "a" * 32
LINK = """mutation($input: LinkLineAccountInput!) { linkLineAccount(input: $input) {
  customer { id customerNo registrationPath } created linked errors { field code message } } }"""
ISSUE = """mutation($input: IssueCustomerTokenInput!) { issueCustomerToken(input: $input) {
  token customer { id } errors { field code message } } }"""
START = """mutation($input: StartEmailChangeInput!) { startEmailChange(input: $input) {
  token errors { field code message } } }"""
ME = "{ me { ... on Customer { id } } }"
MENUS = "{ menus { edges { node { name } } } }"

#: What the site may run: its three powers, the public lists it shows, and the anonymous doors
#: (login, logout and confirming an e-mail change hold their own proof: a password or a token).
ALLOWED = {"linkLineAccount", "issueCustomerToken", "startEmailChange", "confirmEmailChange",
           "menus", "staff", "inflowRoutes", "occupations", "firstVisitMotives", "freeItems",
           "reservationStatuses", "addressByPostalCode", "me", "login", "logout",
           # what the booking site shows: the calendar, its free times and the tickets on sale
           "storeCalendar", "availableSlots", "ticketMenus"}
QUERY_FIELDS = sorted(schema._schema.query_type.fields)
MUTATION_FIELDS = sorted(schema._schema.mutation_type.fields)
REFUSED = [("query", n) for n in QUERY_FIELDS if n not in ALLOWED] + \
          [("mutation", n) for n in MUTATION_FIELDS if n not in ALLOWED]


def _profile(**overrides) -> dict:
    return {"lineUserId": LINE_ID, "displayName": "やまだ", "pictureUrl": "https://profile.line-scdn.net/x",
            "lastName": "山田", "firstName": "花子", "email": "hanako@example.jp", **overrides}


async def test_the_site_links_a_line_account_issues_its_token_and_starts_an_email_change(gql, site_secret):
    linked = (await gql(LINK, {"input": _profile()}, site=site_secret))["linkLineAccount"]
    assert linked["errors"] == [] and linked["created"] and linked["customer"]["registrationPath"] == "LINE"
    customer_id = linked["customer"]["id"]

    issued = (await gql(ISSUE, {"input": {"customerId": customer_id}}, site=site_secret))["issueCustomerToken"]
    assert issued["errors"] == [] and issued["customer"]["id"] == customer_id
    assert (await gql(ME, token=issued["token"]))["me"] == {"id": customer_id}

    started = (await gql(START, {"input": {"customerId": customer_id, "email": "new@example.jp"}},
                         site=site_secret))["startEmailChange"]
    assert started["errors"] == [] and started["token"]
    await gql(MENUS, site=site_secret)  # the public lists the booking site shows


async def test_no_customer_token_for_a_customer_who_is_not_linked(gql, given, site_secret, db):
    customer = await given.customer()
    out = (await gql(ISSUE, {"input": {"customerId": str(customer.id)}}, site=site_secret))["issueCustomerToken"]
    assert out["token"] is None
    assert [(e["field"], e["code"]) for e in out["errors"]] == [("customerId", "NOT_LINKED")]
    assert "LINE連携" in out["errors"][0]["message"]


@pytest.mark.parametrize("who", ["manager", "staff"])
async def test_staff_tokens_no_longer_issue_customer_tokens_nor_start_email_changes(gql, given, manager_token,
                                                                                  staff_token, who):
    token = manager_token if who == "manager" else staff_token
    customer = await given.customer()
    out = (await gql(ISSUE, {"input": {"customerId": str(customer.id)}}, token=token))["issueCustomerToken"]
    assert out["token"] is None
    assert out["errors"] == [{"field": None, "code": "PERMISSION_DENIED",
                              "message": "予約サイトのサーバー（サイト連携キー）だけが行える操作です。"}]
    started = (await gql(START, {"input": {"customerId": str(customer.id), "email": "x@example.jp"}},
                         token=token))["startEmailChange"]
    assert [e["code"] for e in started["errors"]] == ["PERMISSION_DENIED"] and started["token"] is None


def _value(type_, customer_id: str):
    """A plausible value for an argument: refusals must come from who is asking, not from the input."""
    if isinstance(type_, GraphQLNonNull):
        return _value(type_.of_type, customer_id)
    if isinstance(type_, GraphQLList):
        return [_value(type_.of_type, customer_id)]
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    if isinstance(type_, GraphQLInputObjectType):
        return {name: _value(field.type, customer_id) for name, field in type_.fields.items()}
    assert isinstance(type_, GraphQLScalarType)
    later = (utcnow() + timedelta(days=10)).replace(microsecond=0)
    return {"ID": customer_id, "String": "テスト", "Int": 1, "Boolean": False, "Float": 1.0,
            "Date": later.date().isoformat(), "DateTime": later.isoformat()}.get(type_.name, "x")


def _document(operation: str, name: str) -> tuple[str, list[str]]:
    root = schema._schema.query_type if operation == "query" else schema._schema.mutation_type
    field = root.fields[name]
    declared = ", ".join(f"${a}: {t.type}" for a, t in field.args.items())
    passed = ", ".join(f"{a}: ${a}" for a in field.args)
    named = field.type
    while hasattr(named, "of_type"):
        named = named.of_type
    leaf = isinstance(named, (GraphQLScalarType, GraphQLEnumType))
    selection = "" if leaf else " { __typename }"
    if not leaf and "errors" in getattr(named, "fields", {}):
        selection = " { errors { code } }"
    head = f"{operation}({declared})" if declared else operation
    return f"{head} {{ {name}{f'({passed})' if passed else ''}{selection} }}", list(field.args)


async def _written(db) -> tuple[int, ...]:
    return (await count_rows(db, AuditLog), await count_rows(db, Customer), await count_rows(db, Reservation))


def _refused(data: dict, errors: list, name: str) -> bool:
    codes = {e.get("extensions", {}).get("code") for e in errors}
    if codes & {"PERMISSION_DENIED", "UNAUTHENTICATED"}:
        return True
    answer = data.get(name) if data else None
    if isinstance(answer, dict) and "errors" in answer:
        return bool(answer["errors"]) and {e["code"] for e in answer["errors"]} <= {
            "PERMISSION_DENIED", "UNAUTHENTICATED", "NOT_FOUND"}
    return answer is None and not errors  # a lookup that reads null for whoever may not see it


@pytest.mark.parametrize(("operation", "name"), REFUSED, ids=[n for _, n in REFUSED])
async def test_every_other_root_field_refuses_the_site_credential(gql, given, site_secret, db, operation, name):
    customer = await given.customer()
    document, args = _document(operation, name)
    root = schema._schema.query_type if operation == "query" else schema._schema.mutation_type
    variables = {a: _value(root.fields[name].args[a].type, str(customer.id)) for a in args}
    before = await _written(db)
    body = await gql(document, variables, site=site_secret, expect_errors=True)
    assert _refused(body.get("data") or {}, body.get("errors") or [], name), body
    assert await _written(db) == before


async def test_a_revoked_site_credential_can_do_nothing(gql, given, db, site_secret):
    linked = (await gql(LINK, {"input": _profile()}, site=site_secret))["linkLineAccount"]
    async with db.transaction() as s:
        client_id = await s.scalar(select(ApiClient.id))
        await api_clients.revoke_api_client(s, client_id, Actor.system("test"))
    before = await _written(db)
    for document, variables in ((LINK, {"input": _profile(lineUserId="U" + "b" * 32, email="b@example.jp")}),
                                (ISSUE, {"input": {"customerId": linked["customer"]["id"]}}),
                                (START, {"input": {"customerId": linked["customer"]["id"], "email": "n@example.jp"}})):
        body = await gql(document, variables, site=site_secret, expect_errors=True)
        (answer,) = body["data"].values()
        assert [e["code"] for e in answer["errors"]] == ["UNAUTHENTICATED"]
    body = await gql("{ customers { totalCount } }", site=site_secret, expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert await _written(db) == before


async def test_an_unknown_or_malformed_site_credential_is_nobody(gql):
    for secret in ("slk_nope", "x" * 5000, "\u0000"):
        body = await gql(ISSUE, {"input": {"customerId": "1"}}, site=secret, expect_errors=True)
        assert [e["code"] for e in body["data"]["issueCustomerToken"]["errors"]] == ["UNAUTHENTICATED"]


async def test_its_use_is_noted_at_most_once_a_minute(db, site_secret):
    first = await api_clients.actor_for_secret(db, site_secret)
    async with db.sessionmaker() as s:
        used = await s.scalar(select(ApiClient.last_used_at))
    assert first is not None and used is not None
    await api_clients.actor_for_secret(db, site_secret, now=used + timedelta(seconds=30))
    async with db.sessionmaker() as s:
        assert await s.scalar(select(ApiClient.last_used_at)) == used
    await api_clients.actor_for_secret(db, site_secret, now=used + timedelta(minutes=2))
    async with db.sessionmaker() as s:
        assert await s.scalar(select(ApiClient.last_used_at)) == used + timedelta(minutes=2)


async def test_only_the_hash_is_stored_and_the_name_is_checked(db, system_actor):
    async with db.transaction() as s:
        client, secret = await api_clients.create_api_client(s, " 予約サイト ", system_actor)
    assert secret.startswith("slk_") and client.name == "予約サイト"
    assert client.secret_hash != secret and secret not in client.secret_hash
    from services.errors import DomainError
    for bad, code in (("", "REQUIRED"), ("x" * 65, "TOO_LONG"), ("a\u202eb", "INVALID")):
        with pytest.raises(DomainError) as refused:
            async with db.transaction() as s:
                await api_clients.create_api_client(s, bad, system_actor)
        assert refused.value.errors[0].code.value == code
