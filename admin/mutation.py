"""One way for an admin page to change data, as :func:`resolvers.mutation.mutate` is for GraphQL.

:func:`mutate` runs ``perform(session, actor)`` in one write transaction on the view's session
maker (``BEGIN IMMEDIATE`` on SQLite, see ``models.db``) with the logged-in staff member as the
actor. A :class:`DomainError` from anywhere inside (a form value that cannot be an id, the service,
a constraint the service recognised), or a write the database gave up on because a concurrent one
held the lock, rolls it back and comes out as an :class:`AdminError`, which sqladmin shows on the
form. :func:`operate` is the same for a button that POSTs to a page of its own: the refusal is shown
on the message page, success goes back to where the button was.

The rules are the service's: a view parses its form into the service's arguments and checks
nothing the service checks again.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from admin.auth import current_actor
from admin.errors import AdminError
from models.db import WRITE_OPTION
from services.actor import Actor
from services.errors import DomainError, ErrorCode
from services.locking import write_conflict

logger = logging.getLogger(__name__)

R = TypeVar("R")
Perform = Callable[[AsyncSession, Actor], Awaitable[R]]
Refusal = Callable[[Request, DomainError], AdminError]


@asynccontextmanager
async def write_transaction(session_maker: Any) -> AsyncIterator[AsyncSession]:
    """A write transaction on sqladmin's session maker (BEGIN IMMEDIATE on SQLite, see models.db).

    sqladmin reads with deferred transactions; services that write (and lock customers) need this."""
    engine = session_maker.kw["bind"]
    async with session_maker(bind=engine.execution_options(**{WRITE_OPTION: True})) as session, \
            session.begin():
        yield session


async def _run(view: Any, request: Request, perform: Perform[R]) -> R:
    try:
        async with write_transaction(view.session_maker) as session:
            return await perform(session, current_actor(request))
    except DBAPIError as exc:
        conflict = write_conflict(exc)
        if conflict is None:
            raise
        logger.warning("an admin write was refused by the database", exc_info=True)
        raise conflict from exc


async def mutate(view: Any, request: Request, perform: Perform[R], *,
                 refusal: Refusal = AdminError.from_domain) -> R:
    """``perform(session, actor)`` in one write transaction; a refusal as an :class:`AdminError`.

    ``refusal`` words it for the form (a view whose form names a field differently from the
    service maps the field here)."""
    try:
        return await _run(view, request, perform)
    except DomainError as exc:
        raise refusal(request, exc) from exc


def status_for(exc: DomainError) -> int:
    if exc.code == ErrorCode.PERMISSION_DENIED:
        return 403
    if exc.code == ErrorCode.NOT_FOUND:
        return 404
    return 400


async def message_page(view: Any, request: Request, title: str, messages: list[str], back_url: str,
                       status_code: int = 400, back_label: str = "戻る") -> Response:
    return await view.templates.TemplateResponse(
        request, "salon/message.html",
        {"title": title, "messages": messages, "back_url": back_url, "back_label": back_label},
        status_code=status_code)


async def operate(view: Any, request: Request, perform: Perform[Any], *, title: str, back: str,
                  back_label: str = "戻る") -> Response:
    """:func:`mutate` for a button's POST: back to ``back``, or the refusal on the message page."""
    try:
        await _run(view, request, perform)
    except DomainError as exc:
        return await message_page(view, request, title, [e.message for e in exc.errors], back,
                                  status_for(exc), back_label)
    return RedirectResponse(back, status_code=303)
