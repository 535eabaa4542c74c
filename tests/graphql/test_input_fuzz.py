"""Every root field of the schema, fed hostile arguments: never an unexpected error.

The schema is read by introspection (a field added later is covered without touching this
file); each field with arguments gets a few argument sets drawn from values that broke real
servers: ids past 64 bits, days past the calendar's ends, 5,000-character strings, NUL, SQL,
emoji, unknown enum names. Whatever the answer (data, a payload's ``errors``, a validation
error), it must be an answer, not the masked 「予期しないエラー」 of a bug, and never a 5xx.
"""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from resolvers.errors import UNEXPECTED_MESSAGE

#: Fields left out: they end the very token the sweep is sending, logout by revoking it and withdraw
#: by withdrawing its customer (their own tests cover them, hostile reasons included).
SKIPPED = {"logout", "withdraw"}
SAMPLES_PER_FIELD = 20
HOSTILE: dict[str, list[Any]] = {
    "Int": [2**31 - 1, -(2**31), -1, 0, 1, 10**6],
    "ID": ["0", "-1", "1", "2", "2147483647", "2147483648", "9223372036854775808", "99999999999999999999", "abc",
           "", "1" * 300, "１"],
    "String": ["", " ", "x" * 5000, "😀" * 300, "\u0000", "'; DROP TABLE customers; --", "ｱｲｳ", "山田"],
    "Boolean": [True, False],
    "Float": [1e308, -1.0],
    "Date": ["2026-02-30", "0001-01-01", "9999-12-31", "1899-12-31", "令和9年1月1日", "", "2026-12-06"],
    "DateTime": ["2026-12-06T10:00:00", "2026-12-06T10:00:00+09:00", "0001-01-01T00:00:00+09:00",
                 "9999-12-31T23:59:59-09:00", "1900-01-01T00:00:00Z", "bad", "tomorrow 10am",
                 "2026-12-10T10:00:00+23:59", "2026-12-10T10:00:00+14:00"],
}

INTROSPECTION = """{ __schema {
  types { name kind enumValues { name } inputFields { name type { ...T } } }
  queryType { fields { name args { name type { ...T } } type { ...T } } }
  mutationType { fields { name args { name type { ...T } } type { ...T } } } } }
fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }"""


class Hostile:
    def __init__(self, types: dict[str, dict], seed: int) -> None:
        self.types = types
        self.rng = random.Random(seed)

    def value(self, type_: dict, depth: int = 0) -> Any:
        non_null = type_["kind"] == "NON_NULL"
        if non_null:
            type_ = type_["ofType"]
        if type_["kind"] == "LIST":
            return [self.value(type_["ofType"], depth + 1) for _ in range(self.rng.choice([0, 1, 3]))]
        if not non_null and self.rng.random() < 0.2:
            return None
        named = self.types[type_["name"]]
        if named["kind"] == "ENUM":
            # Mostly a real name: an unknown one stops the request at validation, before any resolver.
            names = [e["name"] for e in named["enumValues"]]
            return "NOPE" if self.rng.random() < 0.05 else self.rng.choice(names)
        if named["kind"] == "INPUT_OBJECT":
            if depth > 3:
                return {}
            return {f["name"]: self.value(f["type"], depth + 1) for f in named["inputFields"]
                    if f["type"]["kind"] == "NON_NULL" or self.rng.random() < 0.8}
        return self.rng.choice(HOSTILE.get(type_["name"], ["x", 1]))

    def literal(self, value: Any, type_: dict) -> str:
        """``value`` written into the document as GraphQL would read it for ``type_``."""
        if type_["kind"] == "NON_NULL":
            type_ = type_["ofType"]
        if value is None:
            return "null"
        if type_["kind"] == "LIST":
            return "[" + ", ".join(self.literal(item, type_["ofType"]) for item in value) + "]"
        named = self.types[type_["name"]]
        if named["kind"] == "ENUM":
            return str(value)
        if named["kind"] == "INPUT_OBJECT":
            fields = {f["name"]: f["type"] for f in named["inputFields"]}
            return "{" + ", ".join(f"{k}: {self.literal(v, fields[k])}" for k, v in value.items()) + "}"
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, float)):
            return repr(value)
        return json.dumps(value, ensure_ascii=False)  # GraphQL's string escapes are JSON's


def _type_name(type_: dict) -> str:
    if type_["kind"] == "NON_NULL":
        return _type_name(type_["ofType"]) + "!"
    if type_["kind"] == "LIST":
        return f"[{_type_name(type_['ofType'])}]"
    return type_["name"]


def _named(type_: dict) -> str:
    while type_["kind"] in ("NON_NULL", "LIST"):
        type_ = type_["ofType"]
    return type_["name"]


@pytest.mark.parametrize("how", ["variables", "literals"])
@pytest.mark.parametrize("who", ["manager", "customer"])
async def test_hostile_arguments_to_every_root_field_get_answers(gql, given, manager_token, who, how):
    """As a manager (every staff door) and as a customer of the LINE site (the customer channel's own
    rules: its own reservations only, the masked full-slot answer); the values sent as variables
    and, the same values, written into the document (validation refuses those, not coercion)."""
    customer = await given.customer()
    await given.customer(last_name="佐藤", first_name="花子")
    await given.menu("カット")
    await given.staff_member("高橋 美咲")
    token = manager_token if who == "manager" else await given.customer_token(customer)
    schema = (await gql(INTROSPECTION, token=manager_token))["__schema"]
    types = {t["name"]: t for t in schema["types"]}
    hostile = Hostile(types, seed=20261204)
    tried = 0
    for operation, root in (("query", schema["queryType"]), ("mutation", schema["mutationType"])):
        for field in root["fields"]:
            if not field["args"] or field["name"] in SKIPPED:
                continue
            declared = ", ".join(f"${a['name']}: {_type_name(a['type'])}" for a in field["args"])
            passed = ", ".join(f"{a['name']}: ${a['name']}" for a in field["args"])
            leaf = types[_named(field["type"])]["kind"] in ("SCALAR", "ENUM")
            document = f"{operation}({declared}) {{ {field['name']}({passed}) {'' if leaf else '{ __typename }'} }}"
            for _ in range(SAMPLES_PER_FIELD):
                variables = {a["name"]: hostile.value(a["type"]) for a in field["args"]}
                body = {"query": document, "variables": variables}
                if how == "literals":
                    written = ", ".join(f"{a['name']}: {hostile.literal(variables[a['name']], a['type'])}"
                                        for a in field["args"])
                    body = {"query": f"{operation} {{ {field['name']}({written}) "
                                     f"{'' if leaf else '{ __typename }'} }}"}
                response = await gql.client.post("/graphql", json=body,
                                                 headers={"Authorization": f"Bearer {token}"})
                tried += 1
                assert response.status_code < 500, (field["name"], variables, response.text[:500])
                assert UNEXPECTED_MESSAGE not in response.text, (field["name"], variables, response.text[:500])
    assert tried >= 30 * SAMPLES_PER_FIELD, tried  # the schema was really walked
