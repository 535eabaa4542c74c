"""The /graphql endpoint itself: GraphiQL offline, error masking, limits on depth, aliases and size, CORS."""

from __future__ import annotations

import base64
import hashlib
import re

import httpx

from resolvers import catalog
from resolvers.errors import UNEXPECTED_MESSAGE
from resolvers.schema import MAX_ALIASES, MAX_QUERY_DEPTH, MAX_TOKENS
from server import create_app
from services.config import Settings

ADDRESS = 'query { addressByPostalCode(postalCode: "1000001") { city } }'


async def test_get_serves_graphiql_without_any_cdn(client):
    response = await client.get("/graphql", headers={"Accept": "text/html"})

    assert response.status_code == 200
    assert "text/html" in response.headers["content-type"]
    html = response.text
    assert "GraphiQL" in html and "Authorization" in html
    assert "unpkg.com" not in html and "jsdelivr" not in html
    assert not re.search(r"""(src|href)=["']https?://""", html)


async def test_every_graphiql_asset_is_served_and_matches_its_integrity_hash(client):
    html = (await client.get("/graphql", headers={"Accept": "text/html"})).text
    assets = re.findall(r'(?:src|href)="([^"]+)"\s+integrity="sha384-([^"]+)"', html)

    assert len(assets) == 6
    for url, digest in assets:
        response = await client.get(url)
        assert response.status_code == 200, url
        assert base64.b64encode(hashlib.sha384(response.content).digest()).decode() == digest, url


async def test_graphql_is_not_redirected(client):
    response = await client.post("/graphql", json={"query": "{ __typename }"})

    assert response.status_code == 200
    assert response.json() == {"data": {"__typename": "Query"}}


async def test_queries_work_over_get_too(client):
    response = await client.get("/graphql", params={"query": ADDRESS})

    assert response.json() == {"data": {"addressByPostalCode": {"city": "千代田区"}}}


async def test_unexpected_errors_are_masked(gql, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr(catalog.normalize, "lookup_postal_code", broken)

    body = await gql(ADDRESS, expect_errors=True)

    assert body["errors"][0]["message"] == UNEXPECTED_MESSAGE
    assert "hunter2" not in str(body)


async def test_validation_errors_are_not_masked(gql):
    body = await gql("query { customers { nope } }", expect_errors=True)

    assert "nope" in body["errors"][0]["message"]


async def test_absurdly_deep_queries_are_refused(gql):
    selection = "id"
    for _ in range(6):
        selection = f"referredBy {{ customer {{ {selection} }} }}"

    body = await gql(f'query {{ customer(id: "1") {{ {selection} }} }}', expect_errors=True)

    error = body["errors"][0]
    assert error["message"] == f"クエリの階層が深すぎます（{MAX_QUERY_DEPTH}段まで）。"
    assert error["extensions"] == {"code": "QUERY_TOO_DEEP", "limit": MAX_QUERY_DEPTH}
    assert body.get("data") is None


async def test_a_flood_of_aliases_is_refused(gql):
    fields = " ".join(f"a{i}: customers {{ totalCount }}" for i in range(MAX_ALIASES + 1))

    body = await gql(f"query {{ {fields} }}", expect_errors=True)

    error = body["errors"][0]
    assert error["message"] == f"別名（エイリアス）が多すぎます（{MAX_ALIASES}個まで、このクエリは{MAX_ALIASES + 1}個）。"
    assert error["extensions"] == {"code": "TOO_MANY_ALIASES", "limit": MAX_ALIASES}


async def test_an_oversized_document_is_refused(gql):
    fields = " ".join("__typename" for _ in range(MAX_TOKENS))

    body = await gql(f"query {{ {fields} }}", expect_errors=True)

    error = body["errors"][0]
    assert error["message"] == f"クエリが長すぎます（{MAX_TOKENS}トークンまで）。"
    assert error["extensions"] == {"code": "QUERY_TOO_LARGE", "limit": MAX_TOKENS}


RESERVATION_SITE = "https://reserve.salon.example.jp"


async def cors_client(db, origins: str) -> httpx.AsyncClient:
    app = create_app(database=db, settings=Settings(cors_origins=origins), run_migrations=False)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def test_the_reservation_site_may_call_graphql_from_the_browser(db):
    async with await cors_client(db, f"{RESERVATION_SITE}/, https://staff.salon.example.jp") as http:
        preflight = await http.options("/graphql", headers={
            "Origin": RESERVATION_SITE, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type"})
        answer = await http.post("/graphql", json={"query": ADDRESS}, headers={"Origin": RESERVATION_SITE})

    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == RESERVATION_SITE
    assert "authorization" in preflight.headers["access-control-allow-headers"].lower()
    assert answer.headers["access-control-allow-origin"] == RESERVATION_SITE
    assert answer.json()["data"]["addressByPostalCode"]["city"] == "千代田区"


async def test_other_origins_get_no_cors_headers(db):
    async with await cors_client(db, RESERVATION_SITE) as http:
        preflight = await http.options("/graphql", headers={
            "Origin": "https://evil.example.com", "Access-Control-Request-Method": "POST"})
        answer = await http.post("/graphql", json={"query": ADDRESS},
                                 headers={"Origin": "https://evil.example.com"})
        admin = await http.get("/admin/login", headers={"Origin": RESERVATION_SITE})

    assert preflight.status_code == 400
    assert "access-control-allow-origin" not in answer.headers
    assert "access-control-allow-origin" not in admin.headers  # the admin stays same-origin


async def test_without_cors_origins_graphql_is_same_origin_only(client):
    answer = await client.post("/graphql", json={"query": ADDRESS}, headers={"Origin": RESERVATION_SITE})

    assert "access-control-allow-origin" not in answer.headers
