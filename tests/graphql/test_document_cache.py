"""A document sent again is neither parsed nor validated again; the limits still refuse what they refuse."""

from __future__ import annotations

import uuid

from resolvers import limits
from resolvers.limits import MAX_ALIASES, MAX_QUERY_DEPTH
from resolvers.runtime.lru import LRU


def unique(document: str) -> str:
    """The document with a comment no other test sends, so the process-wide caches start cold for it."""
    return f"# {uuid.uuid4()}\n{document}"


def count_calls(monkeypatch) -> dict[str, int]:
    calls = {"parse": 0, "validate": 0}
    parse, validate = limits.parse, limits.validate_document

    def counted_parse(*args, **kwargs):
        calls["parse"] += 1
        return parse(*args, **kwargs)

    def counted_validate(*args, **kwargs):
        calls["validate"] += 1
        return validate(*args, **kwargs)

    monkeypatch.setattr(limits, "parse", counted_parse)
    monkeypatch.setattr(limits, "validate_document", counted_validate)
    return calls


async def test_a_repeated_document_is_parsed_and_validated_once(gql, staff_token, monkeypatch):
    calls = count_calls(monkeypatch)
    document = unique('query { customer(id: "1") { id fullName } __typename }')

    answers = [await gql(document, token=staff_token) for _ in range(3)]

    assert answers == [{"customer": None, "__typename": "Query"}] * 3
    assert calls == {"parse": 1, "validate": 1}


async def test_a_refused_document_is_refused_every_time_and_validated_once(gql, monkeypatch):
    calls = count_calls(monkeypatch)
    aliases = " ".join(f"a{i}: __typename" for i in range(MAX_ALIASES + 1))
    document = unique(f"query {{ {aliases} }}")

    bodies = [await gql(document, expect_errors=True) for _ in range(2)]

    for body in bodies:
        assert body["errors"][0]["extensions"]["code"] == "TOO_MANY_ALIASES"
        assert body.get("data") is None
    assert calls == {"parse": 1, "validate": 1}


async def test_depth_is_still_limited_on_a_cached_path(gql):
    selection = "id"
    for _ in range(MAX_QUERY_DEPTH):
        selection = f"referredBy {{ customer {{ {selection} }} }}"
    document = unique(f'query {{ customer(id: "1") {{ {selection} }} }}')

    for _ in range(2):
        body = await gql(document, expect_errors=True)
        assert body["errors"][0]["extensions"] == {"code": "QUERY_TOO_DEEP", "limit": MAX_QUERY_DEPTH}


async def test_a_syntax_error_is_reported_every_time(gql):
    document = unique("query { customer(id: ")

    for _ in range(2):
        body = await gql(document, expect_errors=True)
        assert "Syntax Error" in body["errors"][0]["message"]


def test_the_caches_are_bounded():
    cache: LRU[int, int] = LRU(3)
    for key in range(10):
        cache.get_or_make(key, lambda key=key: key * 2)

    assert len(cache) == 3
    assert cache.get_or_make(9, lambda: -1) == 18 and cache.hits == 1
    assert cache.get_or_make(0, lambda: -1) == -1  # evicted long ago: made again
    assert limits.PARSED.maxsize == limits.VALIDATED.maxsize == limits.CACHE_SIZE
