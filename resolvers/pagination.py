"""Cursor pagination of a ``Select`` into a Relay connection."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select, func, select

from models.db import Database
from resolvers.errors import invalid_argument
from schema.relay import Connection, Edge, PageInfo, decode_cursor, encode_cursor

C = TypeVar("C", bound=Connection)

DEFAULT_PAGE_SIZE = 50


def page_size(first: int | None, max_size: int) -> int:
    """``first`` capped at ``max_size``; a negative ``first`` is an error."""
    if first is None:
        return min(DEFAULT_PAGE_SIZE, max_size)
    if first < 0:
        raise invalid_argument("first には0以上の数を指定してください。")
    return min(first, max_size)


def start_after(after: str | None) -> int:
    if after is None:
        return 0
    position = decode_cursor(after)
    if position is None:
        raise invalid_argument("カーソル(after)が正しくありません。")
    return position + 1


async def paginate(
    db: Database,
    connection: type[C],
    query: Select[Any],
    order_by: list[Any],
    *,
    first: int | None,
    after: str | None,
    max_size: int,
) -> C:
    """One page of ``query`` in ``order_by`` order (which must end with a unique column).

    Cursors carry positions; with a unique last sort column the order is total, so
    a cursor always means the same place unless rows are inserted or deleted before it.
    """
    size = page_size(first, max_size)
    offset = start_after(after)
    async with db.sessionmaker() as session:
        rows = list((await session.scalars(query.order_by(*order_by).offset(offset).limit(size + 1))).all())
    has_next = len(rows) > size
    rows = rows[:size]
    edges = [Edge(node=row, cursor=encode_cursor(offset + i)) for i, row in enumerate(rows)]

    async def count_total() -> int:
        async with db.sessionmaker() as session:
            return int(
                await session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
            )

    return connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=has_next,
            has_previous_page=offset > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        count_total=count_total,
    )
