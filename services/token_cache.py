"""Who a bearer token stands for, remembered for a few seconds per process.

Looking the token up costs a database round trip (two for a staff token) on every GraphQL
request. This keeps token → actor (or → nobody) in a bounded in-process map for
``TOKEN_CACHE_SECONDS`` (default 5 s).

The bound: a change that ends or changes a token's rights — logout or any other revocation,
an account deactivated, locked, deleted or given another role, a customer withdrawn or
deleted — takes effect **at once in the process that writes it** (every committed write to
``api_tokens`` or ``staff_accounts``, or of a customer's withdrawal, empties this process's map)
and **within TOKEN_CACHE_SECONDS in every other worker**. The same bound applies to a token
passing its expiry time. ``TOKEN_CACHE_SECONDS=0`` turns the cache off.
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, UOWTransaction

from models import ApiToken, Customer, StaffAccount
from services.actor import Actor

#: Distinct tokens remembered per process (a salon has tens of staff and customer sessions).
MAX_ENTRIES = 10_000
#: What a cache miss returns (``None`` is a valid answer: "nobody").
MISSING: Any = object()
#: Tables whose writes may change what a token stands for.
WATCHED = (ApiToken, StaffAccount)
_STALE = "token_cache_stale"


class TokenCache:
    def __init__(self, seconds: float, max_entries: int = MAX_ENTRIES) -> None:
        self.seconds = seconds
        self.max_entries = max_entries
        self._entries: OrderedDict[str, tuple[float, Actor | None]] = OrderedDict()
        #: Bumped by every ``clear``: an answer read before a clear is not stored after it.
        self.generation = 0

    @staticmethod
    def key(raw: str) -> str:
        # The raw token is not kept in memory any longer than the request holding it.
        return hashlib.sha256(raw.encode()).hexdigest()

    def get(self, raw: str) -> Actor | None:
        """The remembered actor (or None for "no one"), or ``MISSING``."""
        if self.seconds <= 0:
            return MISSING
        key = self.key(raw)
        entry = self._entries.get(key)
        if entry is None:
            return MISSING
        until, actor = entry
        if until <= time.monotonic():
            del self._entries[key]
            return MISSING
        return actor

    def put(self, raw: str, actor: Actor | None, generation: int | None = None) -> None:
        """Remember ``actor``; ``generation`` (read before the lookup) drops it when a change
        committed meanwhile, so a lookup racing a logout cannot bring the old answer back."""
        if self.seconds <= 0 or (generation is not None and generation != self.generation):
            return
        self._entries[self.key(raw)] = (time.monotonic() + self.seconds, actor)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)  # the oldest

    def clear(self) -> None:
        self._entries.clear()
        self.generation += 1

    def __len__(self) -> int:
        return len(self._entries)


#: The process's cache; its lifetime comes from the settings when the app starts.
cache = TokenCache(seconds=5)


def configure(seconds: float) -> None:
    cache.seconds = seconds
    cache.clear()


def _changes_rights(session: Session) -> bool:
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, WATCHED) and obj not in session.new:
            return True
        if isinstance(obj, Customer) and (
            obj in session.deleted or inspect(obj).attrs.withdrawn_at.history.has_changes()
        ):
            return True
    return False


@event.listens_for(Session, "before_flush")
def _note_flushed_changes(session: Session, _flush: UOWTransaction, _instances: Any) -> None:
    if _changes_rights(session):
        session.info[_STALE] = True


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_changes(state: Any) -> None:
    # update(ApiToken)… / delete(StaffAccount)… run as statements, not through the flush.
    if (state.is_update or state.is_delete) and state.bind_mapper is not None:
        if state.bind_mapper.class_ in WATCHED:
            state.session.info[_STALE] = True
            cache.clear()


@event.listens_for(Session, "after_commit")
def _forget_after_commit(session: Session) -> None:
    # Cleared after the commit too: a request may have refilled the map from the old rows meanwhile.
    if session.info.pop(_STALE, False):
        cache.clear()


@event.listens_for(Session, "after_soft_rollback")
def _nothing_changed(session: Session, _previous: Any) -> None:
    if not session.in_transaction():
        session.info.pop(_STALE, None)
