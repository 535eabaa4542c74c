"""One way to run a mutation (in the manner of saleor's ``BaseMutation.mutate``).

:func:`mutate` does, for every mutation, what each resolver used to repeat:

1. who: an anonymous caller gets ``UNAUTHENTICATED`` in the payload (unless ``anonymous``);
2. may: ``permission`` is checked against the one table (``services.permissions``);
   actions whose answer depends on the record (a customer token editing its own record)
   are left to the service, which gets the id;
3. one write transaction (``db.transaction()``: committed when ``perform`` returns, rolled
   back when it raises, so a refusal writes nothing);
4. a :class:`DomainError` from anywhere inside (input parsing, permission, the service,
   a constraint the service recognised) becomes the payload's ``errors``; so does a write the
   database gave up on because a concurrent one held the lock (``services.locking.write_conflict``:
   a deadlock or a lock timeout, "try again").

Anything else (a bug, an ``IntegrityError`` no service recognised) is not caught here: it
leaves as a masked GraphQL error and is logged. Services turn constraint violations into
domain errors themselves (``services.constraints``), so no resolver maps them.

This module is the only place in ``resolvers/`` that turns a ``DomainError`` into payload
errors (a test insists): a resolver parses its input and calls the service inside ``perform``.

The payload ``perform`` returns is built inside the transaction and resolved after the commit:
the records it holds come from ``session`` (its own writes, still usable after the commit), not
from the request's read session or dataloaders, which do not see uncommitted rows.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from resolvers.runtime.context import Info
from schema.errors import user_errors
from services.actor import Actor
from services.errors import DomainError, Unauthenticated
from services.locking import write_conflict
from services.permissions import Action, check

logger = logging.getLogger(__name__)

P = TypeVar("P")
Perform = Callable[[AsyncSession, Actor], Awaitable[P]]


async def _answered(payload: type[P], run: Callable[[], Awaitable[P]]) -> P:
    """``run()``, or ``payload(errors=[...])`` when it was refused."""
    try:
        return await run()
    except DomainError as exc:
        return payload(errors=user_errors(exc))  # type: ignore[call-arg]
    except DBAPIError as exc:
        conflict = write_conflict(exc)
        if conflict is None:
            raise
        logger.warning("a mutation's write was refused by the database", exc_info=True)
        return payload(errors=user_errors(conflict))  # type: ignore[call-arg]


async def mutate(info: Info, payload: type[P], perform: Perform[P], *,
                 permission: Action | None = None) -> P:
    """Run ``perform(session, actor)`` as one mutation and return its payload.

    ``payload`` is the payload class: on a refusal it is built as ``payload(errors=[...])``.
    """
    async def run() -> P:
        actor = info.context.actor
        if actor is None:
            raise Unauthenticated()
        if permission is not None:
            check(actor, permission)
        async with info.context.db.transaction() as session:
            return await perform(session, actor)

    return await _answered(payload, run)


async def mutate_anonymous(info: Info, payload: type[P],
                           perform: Callable[[AsyncSession, Actor | None], Awaitable[P]]) -> P:
    """:func:`mutate` for the few mutations open to callers without a token (login, logout by token).

    The transaction begins with ``perform``'s first statement on ``session``: work that keeps its
    own transactions (login counting attempts that must stay counted when refused) runs before it.
    """
    async def run() -> P:
        async with info.context.db.transaction() as session:
            return await perform(session, info.context.actor)

    return await _answered(payload, run)
