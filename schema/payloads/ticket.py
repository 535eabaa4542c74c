"""Payloads of the ticket mutations: the purchase (null on failure) and ``errors``."""

from __future__ import annotations

import strawberry

from schema.errors import UserError
from schema.payloads.common import ERRORS as _ERRORS
from schema.types.ticket import TicketPurchase


@strawberry.type(description="回数券の購入・有効期限変更の結果 (purchaseTicket / changeTicketExpiry result)")
class TicketPurchasePayload:
    purchase: TicketPurchase | None = strawberry.field(default=None, description="回数券の購入 (the purchase)")
    errors: list[UserError] = strawberry.field(default_factory=list, description=_ERRORS)
