"""回数券: a customer's ticket purchases (staff, and the customer itself on the site)."""

from __future__ import annotations

import models
from resolvers.runtime.fields import derived, link
from resolvers.runtime.loaders import Loaders
from schema.generate import model_type


@model_type(models.TicketPurchase, include={
    "id": "identifier", "purchased_on": "購入日 (purchase date)", "expires_on": "有効期限 (last day of use)",
    "total_uses": "使用回数 (uses bought)", "used_count": "使用済み回数 (uses so far)",
    "price_paid": "購入金額 (yen paid)"},
    description="回数券 (a ticket the customer bought)")
class TicketPurchase:
    ticket_name: str = link(Loaders.ticket_menu, "ticket_menu_id", then=lambda menu: menu.name,
                            description="回数券名 (the ticket's name)")
    remaining: int = derived(lambda t: max(t.total_uses - t.used_count, 0), columns=("total_uses", "used_count"),
                             description="残り回数 (uses left)")
