"""The one read connection of a GraphQL request.

Strawberry resolves sibling fields concurrently and a connection must not be used by two
coroutines at once; instead of a session (and a pool checkout, and on PostgreSQL a
BEGIN/ROLLBACK) per root resolver and per dataloader batch, every read of a request waits
its turn on one connection, checked out on first use and given back when the request ends.
Lists, lookups and dataloaders read Core rows on it (:meth:`RequestReads.rows`), run on the
driver connection under it where ``models.driver_reads`` can (SQLAlchemy compiles, the driver
runs); what needs ORM objects uses a session bound to the same connection
(:meth:`RequestReads.session`), made only when one of them runs. The connection sends no
BEGIN (``Database.read_engine``): each statement sees what is committed when it runs,
including what a mutation of the same request committed. Writes (mutations) keep their own
transaction (``Database.transaction``).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from models import driver_reads
from models.db import Database


class RequestReads:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._connection: AsyncConnection | None = None
        self._session: AsyncSession | None = None
        self._driver: Any = None
        self._turn = asyncio.Lock()
        #: Statements this request ran on the driver itself (tests read it).
        self.driver_statements = 0

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """An ORM session on the request's read connection, for one coroutine at a time."""
        async with self._turn:
            if self._session is None:
                self._session = self.db.read_session(await self._connect())
            yield self._session

    async def rows(self, statement: Select[Any], parameters: Mapping[str, Any] | None = None
                   ) -> list[Sequence[Any]]:
        """Every row of ``statement`` as a tuple of its columns' values, on the request's connection.

        On the driver itself when ``models.driver_reads`` has a plan for the statement and nothing
        listens to the engine's statements; otherwise through SQLAlchemy. Same SQL, same values.
        """
        async with self._turn:
            connection = await self._connect()
            engine = self.db.engine.sync_engine
            plan = None if engine.dispatch.before_cursor_execute else driver_reads.plan(statement, engine.dialect)
            if plan is None:
                return [tuple(row) for row in (await connection.execute(statement, parameters)).all()]
            if self._driver is None:  # the pooled connection is checked out: no await needed
                self._driver = connection.sync_connection.connection.driver_connection  # type: ignore[union-attr]
            self.driver_statements += 1
            try:
                return await driver_reads.fetch(self._driver, engine.dialect, plan, parameters)
            except BaseException:
                # SQLAlchemy never saw this error, so it would put the connection back in the pool
                # even if it is broken (the server restarted, the request was cancelled mid-read),
                # and every later request would fail on it: it is discarded instead.
                self._driver = None
                await connection.invalidate()
                raise

    async def first(self, statement: Select[Any], parameters: Mapping[str, Any] | None = None
                    ) -> Sequence[Any] | None:
        """The first row of :meth:`rows`, or None."""
        rows = await self.rows(statement, parameters)
        return rows[0] if rows else None

    async def _connect(self) -> AsyncConnection:
        if self._connection is None:
            self._connection = await self.db.read_engine.connect()
        return self._connection

    async def close(self) -> None:
        """Give the connection back (the end of the request)."""
        async with self._turn:
            session, self._session = self._session, None
            connection, self._connection = self._connection, None
            self._driver = None
        try:
            if session is not None:
                await session.close()
        finally:
            if connection is not None:
                await connection.close()
