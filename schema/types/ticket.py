"""回数券 types: ticket menus, purchases and their expiry changes (SPEC §6)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

import models
from resolvers.runtime.fields import derived, link
from resolvers.runtime.loaders import Loaders
from schema.generate import model_type
from schema.relay import Connection
from schema.types.catalog import Menu, StaffMember
from schema.types.reservation import ActingStaff, _acting
from services.permissions import Action

if TYPE_CHECKING:
    from schema.types.customer import Customer

CustomerType = Annotated["Customer", strawberry.lazy("schema.types.customer")]


@model_type(models.TicketMenu, include={
    "id": "identifier",
    "name": "name",
    "price": "price in yen",
    "validity_days": "days of validity, counting the day of purchase",
    "uses": "number of uses",
    "active": "on sale",
}, description="回数券メニュー (ticket menu: what a ticket costs, how long and how often it is used)")
class TicketMenu:
    menus: list[Menu] = link(Loaders.menus_by_ticket_menu, "id",
                             description="対象メニュー (the menus a use of the ticket covers)")
    staff_members: list[StaffMember] = link(Loaders.staff_by_ticket_menu, "id",
                                            description="担当できるスタッフ (staff who may serve it; empty: anyone)")


@model_type(models.TicketExpiryChange, include={
    "id": "identifier",
    "old_expires_on": "the last day of use before",
    "new_expires_on": "the last day of use after",
    "reason": "why",
    "changed_at": "when",
}, description="有効期限変更の記録 (one change of a ticket's expiry)")
class TicketExpiryChange:
    changed_by: ActingStaff | None = link(Loaders.staff_account_name, "changed_by_id", then=_acting,
                                          description="変更者 (who changed it)")


@model_type(models.TicketPurchase, include={
    "id": "identifier",
    "purchased_on": "day of purchase",
    "expires_on": "last day of use (Japan time)",
    "total_uses": "uses bought",
    "used_count": "uses taken",
    "price_paid": "price paid in yen (kept when the menu's price changes)",
}, description="回数券の購入 (a ticket a customer holds; never refunded nor transferred)")
class TicketPurchase:
    remaining: int = derived(lambda p: p.total_uses - p.used_count, columns=("total_uses", "used_count"),
                             description="残り回数 (uses left)")
    customer: CustomerType = link(Loaders.customer, "customer_id", description="お客様 (the holder)")
    ticket_menu: TicketMenu = link(Loaders.ticket_menu, "ticket_menu_id", description="回数券 (the ticket menu)")
    expiry_changes: list[TicketExpiryChange] | None = link(
        Loaders.expiry_changes_by_purchase, "id", visible=Action.READ_STAFF_FIELDS,
        description="有効期限変更の履歴 (oldest first; staff only, null otherwise)")


@strawberry.type(name="TicketMenuConnection", description="回数券メニュー一覧 (a page of ticket menus)")
class TicketMenuConnection(Connection[TicketMenu]):
    pass


@strawberry.type(name="TicketPurchaseConnection", description="回数券の購入一覧 (a page of ticket purchases)")
class TicketPurchaseConnection(Connection[TicketPurchase]):
    pass
