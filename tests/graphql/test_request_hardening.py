"""Requests that used to end as masked internal errors (or HTTP 500) get a clear answer.

A lone surrogate, variables nested past the stack, a body that is not UTF-8 JSON: 400
BAD_REQUEST with a Japanese message. A document nested past the recursive parser's stack:
QUERY_TOO_DEEP, in Japanese. A search text too long for SQLite's LIKE: INVALID.
"""

from __future__ import annotations

import json

import pytest

from sqlalchemy import func, select

from models import Customer, CustomerImport
from resolvers.limits import MAX_NESTING, too_deep
from resolvers.request_guard import BAD_MULTIPART
from tests.factories import count_rows
from tests.graphql.test_auth import LOGIN
from tests.graphql.test_customer_mutations import CREATE, GOOD_INPUT

BY_NO = "query($no: String!) { customerByNo(customerNo: $no) { id } }"
BY_NAME = "query($name: String) { customers(filter: {name: $name}) { totalCount } }"
BAD_TEXT = "リクエストに使用できない文字（不正なUnicode）が含まれています。"


async def post(client, query: str, variables: dict | None = None, token: str | None = None,
               raw: bytes | None = None):
    """POST as a client that escapes non-ASCII (json.dumps' default), so a lone surrogate survives."""
    body = raw if raw is not None else json.dumps({"query": query, "variables": variables or {}}).encode()
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return await client.post("/graphql", content=body, headers=headers)


def bad_request(response, message: str) -> None:
    assert response.status_code == 400, response.text
    error = response.json()["errors"][0]
    assert (error["message"], error["extensions"]["code"]) == (message, "BAD_REQUEST")


@pytest.mark.parametrize(("query", "variables"), [
    (BY_NO, {"no": "A\ud800"}),
    (BY_NAME, {"name": "やま\ud800"}),
    (CREATE, {"input": {**GOOD_INPUT, "lastName": "\ud800"}}),
    (LOGIN, {"input": {"loginId": "staff\ud800", "password": "password-123"}}),
])
async def test_a_lone_surrogate_is_a_bad_request(client, staff_token, db, query, variables):
    response = await post(client, query, variables, staff_token)

    bad_request(response, BAD_TEXT)
    assert await count_rows(db, Customer) == 0


async def test_variables_nested_as_deep_as_the_body_allows_are_a_bad_request(client, staff_token):
    depth = 49_000  # "[" and "]" per level: the deepest nesting under the 100 kB body limit
    raw = ('{"query": "query($no: String!) { customerByNo(customerNo: $no) { id } }", "variables": {"no": '
           + "[" * depth + "]" * depth + "}}").encode()

    bad_request(await post(client, "", raw=raw, token=staff_token), "リクエストの入れ子が深すぎます（32段まで）。")


async def test_moderately_deep_variables_are_a_bad_request_too(client, staff_token):
    value: object = "A1"
    for _ in range(40):
        value = [value]

    bad_request(await post(client, BY_NO, {"no": value}, staff_token), "リクエストの入れ子が深すぎます（32段まで）。")


def nested(depth: int, shape: str) -> str:
    if shape == "selection":
        return "{" + "a{" * depth + "}" * (depth + 1)
    if shape == "list":
        return "{ customers(filter: {name: " + "[" * depth + '"x"' + "]" * depth + "}) { totalCount } }"
    return "{ customers(filter: " + "{name: " * depth + '"x"' + "}" * depth + ") { totalCount } }"


@pytest.mark.parametrize("shape", ["selection", "list", "object"])
@pytest.mark.parametrize("depth", [MAX_NESTING + 1, 300, 10_000])  # 300: where the recursive parser gave up
async def test_a_deeply_nested_document_is_refused_in_japanese(client, staff_token, shape, depth):
    response = await post(client, nested(depth, shape), token=staff_token)

    assert response.status_code < 500
    body = response.json()
    assert body.get("data") is None
    assert body["errors"] == [{"message": "クエリの入れ子が深すぎます（括弧は32段まで）。",
                               "extensions": {"code": "QUERY_TOO_DEEP", "limit": MAX_NESTING}}]


async def test_a_deeply_nested_document_is_refused_on_get_too(client, staff_token):
    headers = {"Authorization": f"Bearer {staff_token}", "Accept": "application/json"}
    response = await client.get("/graphql", params={"query": nested(200, "list")}, headers=headers)

    assert response.status_code < 500
    assert response.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_DEEP"


@pytest.mark.parametrize("shape", ["selection", "list", "object"])
async def test_nesting_up_to_the_limit_reaches_the_usual_checks(gql, staff_token, shape):
    body = await gql(nested(MAX_NESTING - 4, shape), token=staff_token, expect_errors=True)

    # Not the bracket scan's refusal (the selection-depth rule may still answer QUERY_TOO_DEEP,
    # with its own limit).
    assert all(e.get("extensions") != {"code": "QUERY_TOO_DEEP", "limit": MAX_NESTING} for e in body["errors"])


@pytest.mark.parametrize(("source", "deep"), [
    ("{ a }" * 200, False),
    ('{ a(x: "' + "{[(" * 100 + '") }', False),  # brackets in a string
    ('{ a(x: "\\"' + "{" * 100 + '") }', False),  # after an escaped quote, still the string
    ('{ a(x: """' + "{" * 100 + '\\""" still """) }', False),  # a block string with an escaped """
    ("# " + "{" * 100 + "\n{ a }", False),  # a comment
    ("# c\r" + "[" * (MAX_NESTING + 1), True),
    ('{ a(x: """ { """) ' + "(" * (MAX_NESTING + 1), True),
    ("{" * MAX_NESTING + "}" * MAX_NESTING, False),
    ("{" * (MAX_NESTING + 1), True),
])
def test_the_nesting_scan_skips_strings_and_comments(source, deep):
    assert too_deep(source) is deep


@pytest.mark.parametrize("raw", [b'{"query": "{ __typename }"', b'{"query": "\xff\xfe"}'])
async def test_a_body_that_is_not_json_is_a_bad_request(client, raw):
    bad_request(await post(client, "", raw=raw), "リクエストの形式が正しくありません（JSONとして読み取れません）。")


@pytest.mark.parametrize(("field", "value", "message"), [
    ("name", "あ" * 30_000, "検索する氏名・フリガナは100文字以内で入力してください。"),
    ("name", "a" * 99_000, "検索する氏名・フリガナは100文字以内で入力してください。"),
    ("customerNo", "A" * 33, "検索するお客様番号は32文字以内で入力してください。"),
    ("phone", "0" * 33, "検索する電話番号は32文字以内で入力してください。"),
])
async def test_a_search_text_too_long_is_refused_in_japanese(gql, staff_token, field, value, message):
    query = f"query($v: String) {{ customers(filter: {{{field}: $v}}) {{ totalCount }} }}"

    result = await gql(query, {"v": value}, token=staff_token, expect_errors=True)

    assert result["data"] is None
    assert [(e["message"], e["extensions"]["code"]) for e in result["errors"]] == [(message, "INVALID")]


@pytest.mark.parametrize(("field", "value", "message"), [
    ("name", "山田\x00", "検索する氏名・フリガナに使用できない文字が含まれています。"),
    ("customerNo", "\x00", "検索するお客様番号に使用できない文字が含まれています。"),
    ("phone", "090\x1b1234", "検索する電話番号に使用できない文字が含まれています。"),
])
async def test_a_search_text_with_control_characters_is_refused_in_japanese(gql, staff_token, field, value, message):
    # A NUL used to reach PostgreSQL, which refuses it: an unexpected error instead of an answer.
    query = f"query($v: String) {{ customers(filter: {{{field}: $v}}) {{ totalCount }} }}"

    result = await gql(query, {"v": value}, token=staff_token, expect_errors=True)

    assert [(e["message"], e["extensions"]["code"], e["extensions"]["field"]) for e in result["errors"]] == [
        (message, "INVALID", field)]


@pytest.mark.parametrize(("number", "message"), [
    ("\x00", "検索するお客様番号に使用できない文字が含まれています。"),
    ("A1\u202e", "検索するお客様番号に使用できない文字が含まれています。"),
    ("A" * 33, "検索するお客様番号は32文字以内で入力してください。"),
])
async def test_a_customer_number_that_cannot_be_one_is_refused_in_japanese(gql, staff_token, number, message):
    result = await gql(BY_NO, {"no": number}, token=staff_token, expect_errors=True)

    assert [(e["message"], e["extensions"]["code"], e["extensions"]["field"]) for e in result["errors"]] == [
        (message, "INVALID", "customerNo")]


async def test_ordinary_requests_still_answer(gql, given, staff_token):
    customer = await given.customer(last_name="山田")
    data = await gql(BY_NAME, {"name": "やまだ"}, token=staff_token)
    assert data["customers"]["totalCount"] == 1
    found = await gql(BY_NO, {"no": f" {customer.customer_no} "}, token=staff_token)
    assert found["customerByNo"]["id"] == str(customer.id)


MULTIPART_QUERY = "mutation($input: ImportCustomersInput!) { importCustomers(input: $input) { errors { code } } }"


@pytest.mark.parametrize("body", ["long file name", "not multipart at all", "no closing boundary"])
async def test_a_multipart_body_that_cannot_be_read_is_a_bad_request_in_the_json_shape(client, manager_token, db,
                                                                                      body):
    """Starlette answered these with a plain-text 400 "Invalid multipart data."; a client reads
    the same JSON error shape as for any other refused body, and nothing is imported."""
    headers = {"Authorization": f"Bearer {manager_token}"}
    operations = json.dumps({"query": MULTIPART_QUERY, "variables": {"input": {"file": None}}})
    if body == "long file name":
        response = await client.post("/graphql", headers=headers, data={
            "operations": operations, "map": json.dumps({"0": ["variables.input.file"]})},
            files={"0": ("x" * 5000 + ".xlsx", b"PK\x03\x04", "application/octet-stream")})
    else:
        raw = b"garbage" if body == "not multipart at all" else (
            b'--b\r\nContent-Disposition: form-data; name="operations"\r\n\r\n' + operations.encode())
        response = await client.post("/graphql", content=raw, headers={
            **headers, "Content-Type": "multipart/form-data; boundary=b"})
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/json"), response.text
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert error["message"] == {
        "long file name": BAD_MULTIPART, "not multipart at all": BAD_MULTIPART,
        "no closing boundary": "GraphQLのクエリ（query）がありません。"}[body]
    async with db.sessionmaker() as s:
        assert await s.scalar(select(func.count()).select_from(CustomerImport)) == 0


@pytest.mark.parametrize(("method", "content_type", "body", "status", "code", "message"), [
    ("POST", "application/json", b"{}", 400, "BAD_REQUEST", "GraphQLのクエリ（query）がありません。"),
    ("POST", "text/plain", b"{ __typename }", 400, "BAD_REQUEST",
     "Content-Type は application/json か multipart/form-data にしてください。"),
    ("POST", "application/json", b'{"query": "{ __typename }", "variables": [1]}', 400, "BAD_REQUEST",
     "variables はオブジェクト（{…}）で送ってください。"),
    ("POST", "application/json", b'{"query": "query A { __typename }", "operationName": "B"}', 400,
     "BAD_REQUEST", "operationName の名前の操作がクエリにありません。"),
    ("PUT", "application/json", b'{"query": "{ __typename }"}', 405, "METHOD_NOT_ALLOWED",
     "GraphQL には GET か POST で送ってください。"),
])
async def test_the_views_own_refusals_are_json_in_japanese(client, staff_token, method, content_type, body,
                                                           status, code, message):
    response = await client.request(method, "/graphql", content=body, headers={
        "Authorization": f"Bearer {staff_token}", "Content-Type": content_type})
    assert (response.status_code, response.headers["content-type"]) == (status, "application/json")
    assert response.json() == {"errors": [{"message": message, "extensions": {"code": code}}]}


async def test_a_mutation_sent_with_get_is_refused_in_japanese(client, staff_token):
    response = await client.get("/graphql", params={"query": "mutation { logout { errors { code } } }"},
                                headers={"Authorization": f"Bearer {staff_token}", "Accept": "application/json"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "更新（mutation）は POST で送ってください。"
