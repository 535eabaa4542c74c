"""Relay-style connections (``edges { node cursor }``, ``pageInfo``, ``totalCount``).

Cursors are opaque to clients (base64 of a versioned position); only
:func:`encode_cursor` / :func:`decode_cursor` know what is inside, so the
paging strategy can change without breaking a frontend.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable
from functools import lru_cache
from typing import Generic, TypeVar

import strawberry

from resolvers.runtime.prefetch import MISSING

NodeT = TypeVar("NodeT")
_CURSOR_PREFIX = "o1:"


@lru_cache(maxsize=4096)
def encode_cursor(offset: int) -> str:
    # Cached: every page of every list writes the same first few thousand positions again.
    return base64.urlsafe_b64encode(f"{_CURSOR_PREFIX}{offset}".encode()).decode()


def decode_cursor(cursor: str) -> int | None:
    """The position a cursor stands for, or None when it is not one of ours."""
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeError, ValueError):
        return None
    digits = text[len(_CURSOR_PREFIX) :]
    # ASCII digits only ("²".isdigit() is true) and short enough to be a real SQL offset
    if not text.startswith(_CURSOR_PREFIX) or not digits.isascii() or not digits.isdigit() or len(digits) > 15:
        return None
    return int(digits)


@strawberry.type(description="ページ情報 (Relay page info: where this page sits in the whole list)")
class PageInfo:
    has_next_page: bool = strawberry.field(description="次のページあり (more items after endCursor)")
    has_previous_page: bool = strawberry.field(description="前のページあり (items before startCursor)")
    start_cursor: str | None = strawberry.field(description="先頭のカーソル (cursor of the first edge)")
    end_cursor: str | None = strawberry.field(
        description="末尾のカーソル (cursor of the last edge; pass it as `after` for the next page)"
    )


@strawberry.type(description="一覧の1件 (edge: a node and its cursor)")
class Edge(Generic[NodeT]):
    node: NodeT = strawberry.field(description="要素 (the item)")
    cursor: str = strawberry.field(description="カーソル (opaque position of this item)")


@strawberry.type(description="ページ分割された一覧 (Relay connection with the total count)")
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]] = strawberry.field(description="このページの要素 (the items of this page)")
    page_info: PageInfo = strawberry.field(description="ページ情報 (page info)")
    count_total: strawberry.Private[Callable[[], Awaitable[int]]]
    #: The total when the page's own statement counted it (``count_total`` then just returns it).
    known_total: strawberry.Private[int | None] = None

    @strawberry.field(description="総件数 (number of items matching the filter, over all pages)")
    async def total_count(self) -> int:
        # Counted only when asked for: a second query the infinite-scroll case does not need.
        if self.known_total is not None:
            return self.known_total
        return await self.count_total()


def known_total(connection: Connection, context: object) -> object:
    """``totalCount`` when already at hand, else ``MISSING``: the executor writes it out directly."""
    return MISSING if connection.known_total is None else connection.known_total


#: The executor (``resolvers/runtime/execution.py``) reads a field's value at hand through its resolver's ``now``.
Connection.total_count.now = known_total  # type: ignore[attr-defined]
