"""One way to run a mutation (in the manner of saleor's ``BaseMutation.mutate``).

:func:`mutate` does, for every mutation, what each resolver used to repeat:

1. who: an anonymous caller gets ``UNAUTHENTICATED`` in the payload (unless ``anonymous``);
2. may: ``permission`` is checked against the one table (``services.permissions``);
   actions whose answer depends on the record (a customer token editing its own record)
   are left to the service, which gets the id;
3. one write transaction (``db.transaction()``: committed when ``perform`` returns, rolled
   back when it raises, so a refusal writes nothing);
4. a :class:`DomainError` from anywhere inside (input parsing, permission, the service,
   a constraint the service recognised) becomes the payload's ``errors``.

Anything else (a bug, an ``IntegrityError`` no service recognised) is not caught here: it
leaves as a masked GraphQL error and is logged. Services turn constraint violations into
domain errors themselves (``services.constraints``), so no resolver maps them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from schema.context import Info
from schema.errors import user_errors
from services.actor import Actor
from services.errors import DomainError, Unauthenticated
from services.permissions import Action, check


P = TypeVar("P")
Perform = Callable[[AsyncSession, Actor], Awaitable[P]]


async def mutate(info: Info, payload: type[P], perform: Perform[P], *,
                 permission: Action | None = None) -> P:
    """Run ``perform(session, actor)`` as one mutation and return its payload.

    ``payload`` is the payload class: on a refusal it is built as ``payload(errors=[...])``.
    """
    try:
        actor = info.context.actor
        if actor is None:
            raise Unauthenticated()
        if permission is not None:
            check(actor, permission)
        async with info.context.db.transaction() as session:
            return await perform(session, actor)
    except DomainError as exc:
        return payload(errors=user_errors(exc))  # type: ignore[call-arg]


async def mutate_anonymous(info: Info, payload: type[P],
                           perform: Callable[[AsyncSession, Actor | None], Awaitable[P]]) -> P:
    """:func:`mutate` for the few mutations open to callers without a token (logout by token)."""
    try:
        async with info.context.db.transaction() as session:
            return await perform(session, info.context.actor)
    except DomainError as exc:
        return payload(errors=user_errors(exc))  # type: ignore[call-arg]
