"""A /graphql body over GRAPHQL_MAX_BODY_BYTES is refused before it is parsed (HTTP 413)."""

from __future__ import annotations

import pytest

PADDED = "query { __typename }\n#" + "x" * 1_000_000


@pytest.mark.parametrize("padding", ["comment", "whitespace"])
async def test_a_query_padded_to_a_megabyte_is_refused(client, padding):
    query = PADDED if padding == "comment" else "query { __typename }" + " " * 1_000_000
    response = await client.post("/graphql", json={"query": query})
    assert response.status_code == 413
    error = response.json()["errors"][0]
    assert error["message"] == "リクエストが大きすぎます。"
    assert error["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


async def test_a_chunked_body_without_length_is_counted(client):
    async def chunks():
        yield b'{"query": "query { __typename }", "x": "'
        for _ in range(200):
            yield b"y" * 1000
        yield b'"}'

    response = await client.post("/graphql", content=chunks(), headers={"Content-Type": "application/json"})
    assert response.status_code == 413


async def test_an_ordinary_query_still_answers(client):
    response = await client.post("/graphql", json={"query": "query { __typename }"})
    assert response.status_code == 200
    assert response.json()["data"] == {"__typename": "Query"}
