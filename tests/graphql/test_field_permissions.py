"""Strawberry's field permissions hold under the app's executor (resolvers/runtime/execution.py).

A field with ``permission_classes`` keeps Strawberry's resolver wrapper, so its denial reads as it
does on stock Strawberry, even inside a list the executor otherwise writes out whole; a field that
would take a short way past the wrapper while carrying permissions is refused at schema build.
"""

from __future__ import annotations

from typing import Any

import pytest
import strawberry
from strawberry.permission import BasePermission

from resolvers.runtime.execution import DIRECT, ExecutionContext, ShortWayError, check_short_ways

DENIED = "この項目を見る権限がありません。"


class Deny(BasePermission):
    message = DENIED

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        return False


@strawberry.type
class Item:
    name: str
    secret: str | None = strawberry.field(permission_classes=[Deny])


def _label(root: Any, context: Any) -> str:
    return root.name.upper()


@strawberry.type
class Labelled:
    name: str

    @strawberry.field(permission_classes=[Deny])
    def label(self) -> str:
        return _label(self, None)


@strawberry.type
class Query:
    @strawberry.field
    def items(self) -> list[Item]:
        return [Item(name="カット", secret="原価 1200"), Item(name="カラー", secret="原価 2400")]

    @strawberry.field
    def item(self) -> Item:
        return Item(name="パーマ", secret="原価 3000")

    @strawberry.field
    def labelled(self) -> Labelled:
        return Labelled(name="cut")


DOCUMENT = "{ items { name secret } item { secret name } }"


async def _answer(schema: strawberry.Schema) -> tuple[Any, list[tuple[str, Any]]]:
    result = await schema.execute(DOCUMENT, context_value=object())
    return result.data, [(error.message, error.path) for error in result.errors or []]


async def test_a_denying_permission_answers_as_on_stock_strawberry() -> None:
    ours = strawberry.Schema(query=Query, execution_context_class=ExecutionContext)
    check_short_ways(ours)  # nothing here takes a short way past a permission
    stock = strawberry.Schema(query=Query)

    answer = await _answer(ours)

    assert answer == await _answer(stock)
    data, errors = answer
    assert data == {"items": [{"name": "カット", "secret": None}, {"name": "カラー", "secret": None}],
                    "item": {"secret": None, "name": "パーマ"}}
    assert errors == [(DENIED, ["items", 0, "secret"]), (DENIED, ["items", 1, "secret"]),
                      (DENIED, ["item", "secret"])]


def test_a_short_way_past_a_permission_is_refused_at_build(monkeypatch: pytest.MonkeyPatch) -> None:
    schema = strawberry.Schema(query=Query, execution_context_class=ExecutionContext)
    monkeypatch.setitem(DIRECT, ("Labelled", "label"), _label)  # as if it were declared derived

    with pytest.raises(ShortWayError, match=r"Labelled\.label carries permission_classes"):
        check_short_ways(schema)


def test_the_app_schema_has_no_short_way_past_a_permission() -> None:
    from resolvers.schema import schema

    check_short_ways(schema)
