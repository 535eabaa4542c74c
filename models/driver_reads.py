"""Read statements straight on the driver: SQLAlchemy compiles them, the driver runs them.

A GraphQL read is one or a few small SELECTs whose SQL is already built once (``Select``
objects kept by the resolvers and loaders). Through ``AsyncConnection.execute`` each of them
still pays SQLAlchemy's per-execution path: a cache key walked over the whole statement, an
execution context, the cursor adapter, a hop into a greenlet and back, a ``Row`` per row. For
a primary-key lookup that is about four times the statement's own time on asyncpg (0.10 ms
against 0.02 ms), and on aiosqlite a second thread hop for the fetch.

:func:`fetch` keeps what SQLAlchemy decides (the SQL text for the dialect, the parameters'
order, every bind and result processor of the column types, so ``UTCDateTime``, ``Enum`` and
``Boolean`` come back exactly as through the ORM) in a :class:`Plan` made once per statement,
and runs it on the driver connection under the pooled one: ``asyncpg.Connection.fetch``
(asyncpg's own prepared-statement cache) or aiosqlite's ``execute_fetchall`` (one thread hop).

What the plan cannot reproduce faithfully is left to SQLAlchemy (:func:`plan` answers None):
a statement with post-compile parameters (an expanding ``IN``), escaped parameter names, any
other dialect. And while anything listens to the engine's
``before_cursor_execute`` (tests that count statements, the benchmarks that capture them),
the caller goes SQLAlchemy's way, so that every statement is seen; the SQL is the same.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from threading import Lock
from typing import Any

from sqlalchemy.engine import Dialect
from sqlalchemy.sql import Select

#: Dialects whose driver connection this module knows how to use.
DRIVERS = frozenset({"asyncpg", "aiosqlite"})
#: Plans kept per process (statements are built once per selection shape, so few are live).
MAX_PLANS = 1024


@dataclass(slots=True)
class Plan:
    """How to run one statement on one dialect's driver."""

    sql: str
    #: Parameter names in the driver's positional order.
    names: tuple[str, ...]
    #: Bind processor per positional parameter (None: the value as it is).
    binds: tuple[Callable[[Any], Any] | None, ...]
    #: (position, processor) of each result column that has one; the rest pass as they are. On
    #: asyncpg some processors depend on the column's type code (a float or a numeric), as in
    #: SQLAlchemy's own path: they are made on the first execution, from the prepared statement.
    results: tuple[tuple[int, Callable[[Any], Any]], ...] | None
    #: Values the statement carries itself (a literal in a filter), by parameter name.
    defaults: Mapping[str, Any]
    #: The result columns' SQLAlchemy types.
    types: tuple[Any, ...]


_plans: dict[tuple[int, str], tuple[Select[Any], Plan | None]] = {}
_lock = Lock()


def usable(dialect: Dialect) -> bool:
    return dialect.driver in DRIVERS


def plan(statement: Select[Any], dialect: Dialect) -> Plan | None:
    """The plan of ``statement`` on ``dialect``, made on first use and kept; None: use SQLAlchemy."""
    key = (id(statement), dialect.driver)
    found = _plans.get(key)
    if found is not None and found[0] is statement:
        return found[1]
    made = _make(statement, dialect)
    with _lock:
        if len(_plans) >= MAX_PLANS:
            _plans.clear()  # statements of past selection shapes; the live ones come back at once
        _plans[key] = (statement, made)  # the statement is kept, so its id is not reused meanwhile
    return made


def _make(statement: Select[Any], dialect: Dialect) -> Plan | None:
    if not usable(dialect):
        return None
    if any(isinstance(column.get("expr"), type) for column in statement.column_descriptions):
        return None  # an ORM entity: its columns are the ORM's to choose (deferred ones left out)
    compiled = statement.compile(dialect=dialect)
    if compiled.post_compile_params or compiled.literal_execute_params or not compiled.positional:
        return None
    names = tuple(compiled.positiontup or ())
    if compiled.escaped_bind_names or not all(name in compiled.binds for name in names):
        return None
    binds = tuple(_bind_processor(compiled.binds[name].type, dialect) for name in names)
    types = tuple(column.type for column in statement.selected_columns)
    # pysqlite and aiosqlite report no type codes: SQLAlchemy itself asks for processors with None.
    results = None if dialect.driver == "asyncpg" else _result_processors(types, [None] * len(types), dialect)
    defaults = {name: compiled.binds[name].effective_value for name in names
                if not compiled.binds[name].required}
    return Plan(sql=compiled.string, names=names, binds=binds, results=results, defaults=defaults,
                types=types)


def _result_processors(types: Sequence[Any], codes: Sequence[Any], dialect: Dialect
                       ) -> tuple[tuple[int, Callable[[Any], Any]], ...]:
    return tuple(
        (position, processor)
        for position, (type_, code) in enumerate(zip(types, codes, strict=True))
        if (processor := type_.dialect_impl(dialect).result_processor(dialect, code)) is not None
    )


def _bind_processor(type_: Any, dialect: Dialect) -> Callable[[Any], Any] | None:
    return type_.dialect_impl(dialect).bind_processor(dialect)


def arguments(plan: Plan, parameters: Mapping[str, Any] | None) -> list[Any]:
    """The positional arguments of one execution, each through its bind processor."""
    values = {**plan.defaults, **parameters} if parameters else plan.defaults
    out = []
    for name, process in zip(plan.names, plan.binds, strict=True):
        try:
            value = values[name]
        except KeyError:
            raise KeyError(f"a value is required for bind parameter {name!r}") from None
        out.append(value if process is None else process(value))
    return out


async def fetch(driver_connection: Any, dialect: Dialect, plan: Plan,
                parameters: Mapping[str, Any] | None = None) -> list[Sequence[Any]]:
    """Every row of ``plan`` run with ``parameters``, as tuples of processed values."""
    args = arguments(plan, parameters)
    if dialect.driver == "asyncpg":
        if plan.results is None:
            prepared = await driver_connection.prepare(plan.sql)
            codes = [attribute.type.oid for attribute in prepared.get_attributes()]
            plan.results = _result_processors(plan.types, codes, dialect)
        rows: Sequence[Sequence[Any]] = await driver_connection.fetch(plan.sql, *args)
    else:
        rows = await driver_connection.execute_fetchall(plan.sql, args)
    if rows and len(rows[0]) != len(plan.types):  # never: the processors would shift onto wrong columns
        raise RuntimeError(f"{len(rows[0])} columns read, {len(plan.types)} expected: {plan.sql}")
    if not plan.results:
        return [tuple(row) for row in rows]
    processed = []
    results = plan.results
    for row in rows:
        values = list(row)
        for position, process in results:
            values[position] = process(values[position])
        processed.append(tuple(values))
    return processed
