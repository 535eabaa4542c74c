"""Cursor pagination of a ``Select`` into a Relay connection, and the one way a list or a lookup reads.

Every list of the schema (``customers``, ``reservations``, the flag and master lists) answers with
:func:`list_page` and every lookup by a key (``customer``, ``customerByNo``, ``reservation``) with
:func:`lookup`: the columns the selection needs (the node type's ``ColumnMap``, when it has one),
one statement per shape built once, the rows as views, then the links below them prefetched.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import Select, bindparam, func, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.db import Database
from resolvers.errors import invalid_argument
from resolvers.runtime import selection
from resolvers.runtime.lru import LRU
from resolvers.runtime.prefetch import prefetch
from resolvers.runtime.reads import RequestReads
from resolvers.runtime.rows import COLUMN_MAPS, column_keys, view
from schema.relay import Connection, Edge, PageInfo, decode_cursor, encode_cursor

C = TypeVar("C", bound=Connection)

DEFAULT_PAGE_SIZE = 50
OFFSET, LIMIT = "page_offset", "page_limit"
#: (node type, the list's shape, columns, count) → (query, page statement), built once: a list
#: paged, re-sorted or polled all day (the day sheet) reuses its statement; values are parameters.
PAGE_STATEMENTS: LRU[tuple, tuple[Select[Any], Select[Any]]] = LRU(512)


async def list_page(
    info: Any,
    connection: type[C],
    node_type: str,
    shape: Hashable,
    build: Callable[[], tuple[Select[Any], list[Any]]],
    *,
    first: int | None,
    after: str | None,
    parameters: Mapping[str, Any] | None = None,
    max_size: int | None = None,
) -> C:
    """A page of a list field whose nodes are of GraphQL type ``node_type``.

    ``build()`` answers the list's query and its order (ending with a unique column); it runs once
    per ``shape`` (whatever decides the statement's text, not its values: those are
    ``parameters``) and may refuse (a ``DomainError``: nothing is kept). ``max_size``: the page
    size cap, by default the server's.
    """
    top = selection.selected(info)
    below = selection.path(top, "edges", "node")
    with_total = "totalCount" in selection.children(top)
    column_map = COLUMN_MAPS.get(node_type)
    keys = None if column_map is None else column_map.keys_for(below)

    def statements() -> tuple[Select[Any], Select[Any]]:
        query, order_by = build()
        columns = None if keys is None else column_map.columns(keys)  # type: ignore[union-attr]
        return query, page_statement(query, order_by, with_total=with_total, columns=columns)

    query, statement = PAGE_STATEMENTS.get_or_make((node_type, shape, keys, with_total), statements)
    page = await paginate(info.context.reads, connection, query, [], first=first, after=after,
                          max_size=max_size or info.context.settings.graphql_max_page_size,
                          with_total=with_total, statement=statement,
                          view=None if keys is None else column_map.view(keys),  # type: ignore[union-attr]
                          parameters=parameters)
    await prefetch(info, node_type, [edge.node for edge in page.edges], below)
    return page


async def lookup(info: Any, node_type: str, column: Any, value: Any,
                 may_see: Callable[[Any], bool] | None = None, sees: tuple[str, ...] = ()) -> Any | None:
    """The one row of ``node_type``'s model whose ``column`` equals ``value`` (a view of the columns the
    selection reads, all of them when it reads a field its ``ColumnMap`` does not know), its links
    prefetched; None when there is none or ``may_see(row)`` says no (it reads ``column`` and the
    columns ``sees``)."""
    column_map = COLUMN_MAPS[node_type]
    selected = selection.children(selection.selected(info))
    keys = column_map.keys_for(selected)
    keys = column_keys(column_map.model) if keys is None else tuple(sorted({*keys, column.key, *sees}))
    statement = _lookup_statement(column_map.model, column.key, keys)
    row = await info.context.reads.first(statement, {"value": value})
    if row is None:
        return None
    found = view(column_map.model, keys)._make(row)  # type: ignore[attr-defined]
    if may_see is not None and not may_see(found):
        return None
    await prefetch(info, node_type, [found], selected)
    return found


@lru_cache(maxsize=256)
def _lookup_statement(model: type, key: str, keys: tuple[str, ...]) -> Select[Any]:
    """A lookup of ``model`` by its column ``key`` reading the columns ``keys``, built once per shape."""
    return select(*(getattr(model, k) for k in keys)).where(getattr(model, key) == bindparam("value"))


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
    source: Database | RequestReads,
    connection: type[C],
    query: Select[Any],
    order_by: list[Any],
    *,
    first: int | None,
    after: str | None,
    max_size: int,
    with_total: bool | None = None,
    options: Sequence[Any] = (),
    statement: Select[Any] | None = None,
    view: type | None = None,
    parameters: Mapping[str, Any] | None = None,
) -> C:
    """One page of ``query`` in ``order_by`` order (which must end with a unique column).

    Cursors carry positions; with a unique last sort column the order is total, so
    a cursor always means the same place unless rows are inserted or deleted before it.

    ``with_total``: True (the selection asks for ``totalCount``) counts in the page's own
    statement (a count subquery over the filtered rows); False never counts; None counts with
    a statement of its own if and when ``totalCount`` is resolved. ``options``
    (e.g. ``load_only``) shape the rows. ``statement``: the page built once by
    :func:`page_statement` and kept by the caller for reuse. ``view``: a ``resolvers.runtime.rows.view``
    class; the statement (built with ``columns=``) reads its columns with Core, in its order,
    and the nodes are views instead of ORM objects. A ``RequestReads`` source reads on the
    request's connection; a ``Database`` one opens a session of its own. ``parameters``: values
    of the query's own bound parameters (a statement built once per filter shape).
    """
    size = page_size(first, max_size)
    offset = start_after(after)
    counted = bool(with_total)
    if statement is None:
        statement = page_statement(query, order_by, with_total=counted, options=options)
    query_parameters = dict(parameters or {})
    parameters = {**query_parameters, OFFSET: offset, LIMIT: size + 1}
    if view is not None:
        rows = await _rows(source, statement, parameters)
        total = int(rows[0][-1]) if counted and rows else None
        make = view._make  # type: ignore[attr-defined]
        nodes = [make(row[:-1]) for row in rows[:size]] if counted else [make(row) for row in rows[:size]]
    else:
        async with _session(source) as session:
            result = await session.execute(statement, parameters)
            rows = list(result.all()) if counted else [(row,) for row in result.scalars().all()]
        total = int(rows[0][1]) if counted and rows else None
        nodes = [row[0] for row in rows[:size]]
    has_next = len(rows) > size
    edges = [Edge(node=node, cursor=encode_cursor(offset + i)) for i, node in enumerate(nodes)]

    async def count_total() -> int:
        if total is not None:
            return total
        if counted and offset == 0:  # no row at all, hence none carrying the count
            return 0
        # Asked late, or a cursor past the end.
        found = await _rows(source, select(_count_of(query)), query_parameters)
        return int(found[0][0] or 0)

    return connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=has_next,
            has_previous_page=offset > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        count_total=count_total,
        known_total=total,
    )


def page_statement(
    query: Select[Any], order_by: list[Any], *, with_total: bool, options: Sequence[Any] = (),
    columns: Sequence[Any] | None = None,
) -> Select[Any]:
    """The page of ``query`` with its offset and size as parameters, so one statement serves every page.

    ``columns``: read these instead of ``query``'s entity (Core rows for ``paginate(view=…)``).
    """
    page = query.order_by(*order_by).offset(bindparam(OFFSET)).limit(bindparam(LIMIT)).options(*options)
    if columns is not None:
        page = page.with_only_columns(*columns, maintain_column_froms=True)
    if with_total:
        # A scalar subquery, evaluated once per statement (PostgreSQL: an InitPlan). Unlike
        # count(*) OVER () it lets the page itself stop after size + 1 rows of an index scan.
        page = page.add_columns(_count_of(query).label("total_count"))
    return page


def _session(source: Database | RequestReads) -> AbstractAsyncContextManager[AsyncSession]:
    return source.session() if isinstance(source, RequestReads) else source.sessionmaker()


async def _rows(source: Database | RequestReads, statement: Select[Any], parameters: Mapping[str, Any]
                ) -> list[Sequence[Any]]:
    if isinstance(source, RequestReads):
        return await source.rows(statement, parameters)
    async with source.read_engine.connect() as connection:
        return list((await connection.execute(statement, parameters)).all())


def _count_of(query: Select[Any]) -> Any:
    """``(SELECT count(*) FROM <query's rows>)``; the rows' columns are dropped unless they decide
    which rows there are (DISTINCT, GROUP BY)."""
    rows = query.order_by(None)
    if not (rows._distinct or rows._group_by_clauses):
        rows = rows.with_only_columns(literal_column("1"), maintain_column_froms=True)
    return select(func.count()).select_from(rows.subquery()).scalar_subquery()
