"""Async engine and session factory.

SQLite is opened with WAL, foreign keys on and a busy timeout, so that the
embedded default behaves like a real database under the admin and the API at once.

Write transactions (:meth:`Database.transaction`) begin with ``BEGIN IMMEDIATE`` on
SQLite: the write lock is taken up front, waiting up to the busy timeout, so two writers
queue instead of one failing at once with "database is locked" when it upgrades a read
to a write (SQLite cannot upgrade a stale snapshot). Reads (:attr:`Database.sessionmaker`)
begin deferred and never block writers under WAL. ``services.locking`` relies on this.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import NullPool


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


#: Execution option marking a connection whose transactions are write transactions.
WRITE_OPTION = "salon_write"
#: ``Connection.info`` key set by the SQLite begin hook: True when BEGIN IMMEDIATE was sent.
WRITE_BEGUN = "salon_write_begun"
#: Execution option of SQLite read sessions that send no BEGIN (each statement its own snapshot).
AUTOCOMMIT_OPTION = "salon_autocommit"


def create_engine(url: str, *, busy_timeout_ms: int = 5000, null_pool: bool = False) -> AsyncEngine:
    kwargs: dict = {}
    if null_pool:
        kwargs["poolclass"] = NullPool
    engine = create_async_engine(url, **kwargs)
    if is_sqlite(url):
        _configure_sqlite(engine, busy_timeout_ms)
    return engine


def _configure_sqlite(engine: AsyncEngine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # pragma: no cover - trivial
        # The driver's own transaction handling (a deferred BEGIN before the first DML only)
        # is switched off; the "begin" hook below sends BEGIN itself (SQLAlchemy's recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        if ":memory:" not in str(engine.url):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn) -> None:
        options = conn.get_execution_options()
        if options.get(AUTOCOMMIT_OPTION):
            conn.info[WRITE_BEGUN] = False
            return
        write = bool(options.get(WRITE_OPTION))
        # On the driver's cursor, as the driver itself used to: statement counters see no BEGIN.
        cursor = conn.connection.cursor()
        try:
            cursor.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        finally:
            cursor.close()
        conn.info[WRITE_BEGUN] = write


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


class Database:
    """The engine and session factory of one process (the app, the CLI or a test)."""

    def __init__(self, url: str, *, busy_timeout_ms: int = 5000, null_pool: bool = False) -> None:
        self.url = url
        self.engine = create_engine(url, busy_timeout_ms=busy_timeout_ms, null_pool=null_pool)
        #: Sessions for reading (deferred BEGIN on SQLite); commit yourself if you write.
        self.sessionmaker = make_sessionmaker(self.engine)
        #: Sessions whose transactions are write transactions (BEGIN IMMEDIATE on SQLite).
        self.write_sessionmaker = make_sessionmaker(self.engine.execution_options(**{WRITE_OPTION: True}))
        # Reads of a GraphQL request: no transaction at all, so a read is one statement on the wire
        # (no BEGIN / ROLLBACK around it) and sees what a mutation of the same request committed.
        read_options = {AUTOCOMMIT_OPTION: True} if is_sqlite(url) else {"isolation_level": "AUTOCOMMIT"}
        self.read_engine = self.engine.execution_options(**read_options)

    def read_session(self, connection: AsyncConnection) -> AsyncSession:
        """An ORM session on a connection of :attr:`read_engine` (the caller closes both)."""
        return AsyncSession(bind=connection, expire_on_commit=False, autoflush=False)

    @asynccontextmanager
    async def transaction(self, *, write: bool = True) -> AsyncIterator[AsyncSession]:
        """A session inside one transaction: committed on success, rolled back on error.

        A write transaction (the default) holds SQLite's write lock from its first statement,
        which ``services.locking.lock_customers`` requires; ``write=False`` for a read-only one.
        """
        maker = self.write_sessionmaker if write else self.sessionmaker
        async with maker() as session, session.begin():
            yield session

    async def dispose(self) -> None:
        if is_sqlite(self.url):
            # Keeps the planner's statistics fresh for the searches (SQLite's advice for long-lived apps).
            async with self.engine.connect() as conn:
                await conn.exec_driver_sql("PRAGMA optimize")
        await self.engine.dispose()
