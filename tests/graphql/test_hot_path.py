"""A lookup document sent again is answered by its plan (resolvers/hot_path.py), byte for byte as
the normal path answers it; whatever the plan cannot answer goes the normal way, errors included."""

from __future__ import annotations

import uuid

import pytest

from resolvers import hot_path

FIELDS = "id customerNo fullName fullNameKana phone email visitCount cancelCount lastVisitAt registeredAt isCaution"


def unique(document: str) -> str:
    """The document with a comment no other test sends, so that its plan starts cold."""
    return f"# {uuid.uuid4()}\n{document}"


async def post(client, document: str, variables: dict | None = None, token: str | None = None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return await client.post("/graphql", json={"query": document, "variables": variables}, headers=headers)


async def twice(client, document: str, variables: dict | None = None, token: str | None = None):
    """The normal path's answer, then the answer to the same request again, and whether the plan gave it."""
    first = await post(client, document, variables, token)
    before = hot_path.answered
    second = await post(client, document, variables, token)
    return first, second, hot_path.answered > before


@pytest.mark.parametrize("document", [
    "query($id: ID!) { customer(id: $id) { " + FIELDS + " } }",
    "query Lookup($id: ID!) { c: customer(id: $id) { " + FIELDS + " } }",
    "query($id: ID!) { customer(id: $id) { id fullName lastMenu { name price } occupation { name } } }",
    "query($id: ID!) { a: customer(id: $id) { id } b: customer(id: $id) { fullName } }",
    "query($id: ID!) { customer(id: $id) { ...Card } } fragment Card on Customer { id fullName phone }",
    "query($id: ID!) { customer(id: $id) { id } customers(first: 2) { totalCount pageInfo { hasNextPage endCursor }"
    " edges { cursor node { id fullName lastMenu { name } } } } }",
])
async def test_a_repeated_lookup_is_answered_by_its_plan_as_the_normal_path_answers(
        client, given, staff_token, document):
    customer = await given.customer(last_name="山田", first_name="花子")
    document = unique(document)

    first, second, planned = await twice(client, document, {"id": str(customer.id)}, staff_token)

    assert planned
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert first.headers["content-type"] == second.headers["content-type"] == "application/json"
    assert b"\xe5\xb1\xb1\xe7\x94\xb0" in second.content  # 山田, as UTF-8


async def test_a_missing_customer_is_null_either_way(client, staff_token):
    first, second, planned = await twice(client, unique("query($id: ID!) { customer(id: $id) { id } }"),
                                         {"id": "99999999"}, staff_token)
    assert planned and first.json() == second.json() == {"data": {"customer": None}}


@pytest.mark.parametrize(("variables", "token"), [
    ({"id": None}, "staff"),       # a null for ID!: graphql-core's variable error
    ({}, "staff"),                 # the variable missing
    ({"id": "1"}, None),           # no token: UNAUTHENTICATED from the resolver
    ({"id": "1"}, "nonsense"),     # an unknown token
])
async def test_what_the_plan_cannot_answer_goes_the_normal_way(client, given, staff_token, variables, token):
    await given.customer()
    document = unique("query($id: ID!) { customer(id: $id) { id fullName } }")
    await post(client, document, {"id": "1"}, staff_token)  # planned now
    bearer = {"staff": staff_token, None: None}.get(token, token)

    before = hot_path.answered
    answers = [await post(client, document, variables, bearer) for _ in range(2)]

    assert hot_path.answered == before
    assert answers[0].content == answers[1].content
    assert answers[0].json()["errors"]


async def test_a_customer_token_reads_only_its_own_customer_through_the_plan(client, given):
    mine, other = await given.customer(), await given.customer()
    token = await given.customer_token(mine)
    document = unique("query($id: ID!) { customer(id: $id) { id } }")

    _, own, planned = await twice(client, document, {"id": str(mine.id)}, token)
    _, foreign, _ = await twice(client, document, {"id": str(other.id)}, token)

    assert planned
    assert own.json() == {"data": {"customer": {"id": str(mine.id)}}}
    assert foreign.json() == {"data": {"customer": None}}


@pytest.mark.parametrize("document", [
    "mutation($id: ID!) { removeCaution(input: {id: $id}) { errors { code } } }",
    "query($id: ID!) { customer(id: $id) { id } __typename }",
    "query($id: ID!, $with: Boolean!) { customer(id: $id) { id fullName @include(if: $with) } }",
])
async def test_mutations_and_what_the_writers_cannot_write_whole_are_never_planned(
        client, given, manager_token, document):
    customer = await given.customer()
    variables = {"id": str(customer.id), "with": True}
    first, second, planned = await twice(client, unique(document), variables, manager_token)
    assert not planned
    assert first.status_code == second.status_code == 200


async def test_only_a_plain_json_post_is_planned(client, given, staff_token):
    customer = await given.customer()
    document = unique("query($id: ID!) { customer(id: $id) { id } }")
    await post(client, document, {"id": str(customer.id)}, staff_token)
    before = hot_path.answered
    headers = {"Authorization": f"Bearer {staff_token}"}

    by_get = await client.get("/graphql", params={"query": document, "variables": f'{{"id": "{customer.id}"}}'},
                              headers=headers)
    with_extensions = await client.post("/graphql", headers=headers, json={
        "query": document, "variables": {"id": str(customer.id)}, "extensions": {}})

    assert hot_path.answered == before
    assert by_get.json() == with_extensions.json() == {"data": {"customer": {"id": str(customer.id)}}}


def test_no_plan_answers_while_an_extension_hooks_every_resolver():
    from strawberry.extensions import SchemaExtension

    from resolvers.schema import RequestPipeline

    class Timing(SchemaExtension):
        def resolve(self, _next, root, info, *args, **kwargs):
            return _next(root, info, *args, **kwargs)

    assert hot_path.usable((RequestPipeline,))
    assert not hot_path.usable((RequestPipeline, Timing))
