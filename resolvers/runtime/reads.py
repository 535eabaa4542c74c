"""The one read connection of a GraphQL request.

Strawberry resolves sibling fields concurrently and a connection must not be used by two
coroutines at once; instead of a session (and a pool checkout, and on PostgreSQL a
BEGIN/ROLLBACK) per root resolver and per dataloader batch, every read of a request waits
its turn on one connection, checked out on first use and given back when the request ends.
Lists, lookups and dataloaders read Core rows on it (:meth:`RequestReads.rows`, through
SQLAlchemy, whose compiled cache serves statements built once); what needs ORM objects uses a
session bound to the same connection
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

from models.db import Database


class RequestReads:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._connection: AsyncConnection | None = None
        self._session: AsyncSession | None = None
        self._turn = asyncio.Lock()

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """An ORM session on the request's read connection, for one coroutine at a time."""
        async with self._turn:
            if self._session is None:
                self._session = self.db.read_session(await self._connect())
            yield self._session

    async def rows(self, statement: Select[Any], parameters: Mapping[str, Any] | None = None
                   ) -> list[Sequence[Any]]:
        """Every row of ``statement`` as a tuple of its columns' values, on the request's connection."""
        async with self._turn:
            connection = await self._connect()
            return [tuple(row) for row in (await connection.execute(statement, parameters)).all()]

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
        try:
            if session is not None:
                await session.close()
        finally:
            if connection is not None:
                await connection.close()
