"""The ❗ caution mark (and the blacklist note) on every admin list that shows a customer.

Memos are fetched for the customers of the page in one query and kept on
``request.state`` for the (synchronous) column formatters: no query per row.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from markupsafe import Markup
from sqlalchemy import select
from starlette.requests import Request

from admin.base import mark
from models import BlacklistEntry, Caution


async def remember_flags(session_maker: Any, request: Request, customer_ids: Iterable[int | None], *,
                         blacklist: bool = False) -> None:
    ids = sorted({i for i in customer_ids if i is not None})
    cautions: dict[int, str] = getattr(request.state, "caution_memos", {})
    blacklisted: dict[int, str] = getattr(request.state, "blacklist_memos", {})
    if ids:
        async with session_maker() as session:
            rows = await session.execute(
                select(Caution.customer_id, Caution.memo).where(Caution.customer_id.in_(ids)))
            cautions.update({r.customer_id: r.memo for r in rows})
            if blacklist:
                rows = await session.execute(
                    select(BlacklistEntry.customer_id, BlacklistEntry.memo)
                    .where(BlacklistEntry.customer_id.in_(ids)))
                blacklisted.update({r.customer_id: r.memo for r in rows})
    request.state.caution_memos = cautions
    request.state.blacklist_memos = blacklisted


def caution_memos(request: Request) -> dict[int, str]:
    return getattr(request.state, "caution_memos", {})


def customer_cell(model: Any, attribute: str, request: Request) -> Markup:
    """A row's customer with the ❗ mark, or the walk-in guest's name."""
    customer = getattr(model, attribute, None)
    if customer is None:
        guest = getattr(model, "guest_name", None)
        return Markup("{}（非会員）").format(guest) if guest else Markup("")
    return mark(str(customer), caution_memos(request).get(customer.id))


class CautionMarkMixin:
    """For views whose rows have ``customer_id`` and a loaded ``customer``."""

    async def list(self, request: Request):
        pagination = await super().list(request)  # type: ignore[misc]
        await remember_flags(self.session_maker, request,  # type: ignore[attr-defined]
                             [getattr(row, "customer_id", None) for row in pagination.rows])
        return pagination

    async def get_object_for_details(self, request: Request) -> Any:
        obj = await super().get_object_for_details(request)  # type: ignore[misc]
        if obj is not None:
            await remember_flags(self.session_maker, request,  # type: ignore[attr-defined]
                                 [getattr(obj, "customer_id", None)])
        return obj
