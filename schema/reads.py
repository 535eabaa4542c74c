"""The one read connection of a GraphQL request.

Strawberry resolves sibling fields concurrently and an ``AsyncSession`` must not be used
by two coroutines at once; instead of a session (and a pool checkout, and on PostgreSQL a
BEGIN/ROLLBACK) per root resolver and per dataloader batch, every read of a request waits
its turn on one session, opened on first use and closed when the request ends. Writes
(mutations) keep their own transaction (``Database.transaction``).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession

from models.db import Database


class RequestReads:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._session: AsyncSession | None = None
        self._turn = asyncio.Lock()

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """The request's read session, for one coroutine at a time (others wait their turn)."""
        async with self._turn:
            if self._session is None:
                self._session = self.db.read_sessionmaker()
            yield self._session

    async def close(self) -> None:
        """Give the connection back (the end of the request)."""
        async with self._turn:
            session, self._session = self._session, None
        if session is not None:
            await session.close()
