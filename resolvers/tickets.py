"""回数券 queries and mutations: thin wrappers around services.tickets (SPEC §6).

Staff list every holder; a customer token lists only its own purchases (``Customer.ticketPurchases``
too). Selling and changing an expiry are staff work; refund and transfer do not exist.
"""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

import models
from resolvers.access import id_or_not_found, reader
from resolvers.errors import graphql_error, invalid_argument
from resolvers.mutation import mutate
from resolvers.pagination import list_page
from resolvers.runtime.context import Info
from schema.inputs.ticket import ChangeTicketExpiryInput, PurchaseTicketInput, TicketPurchaseFilter
from schema.payloads.ticket import TicketPurchasePayload
from schema.types.ticket import TicketMenuConnection, TicketPurchaseConnection
from services import tickets
from services.actor import Actor
from services.errors import DomainError, ErrorCode
from services.ids import parse_id
from services.permissions import Action, Role, can, role_of

INPUT = strawberry.argument(description="入力 (input)")
First = Annotated[int | None, strawberry.argument(description="件数 (page size; default 50, capped)")]
After = Annotated[str | None, strawberry.argument(description="このカーソルの次から (previous endCursor)")]


def _customer_of_list(value: strawberry.ID | None, actor: Actor) -> int | None:
    customer_id = None
    if value is not None:
        customer_id = parse_id(value)
        if customer_id is None:
            raise invalid_argument("customerId の形式が正しくありません。")
    if role_of(actor) == Role.CUSTOMER:
        # Another customer's tickets do not exist for this token (an id no row has).
        return actor.customer_id if customer_id in (None, actor.customer_id) else 0
    return customer_id


@strawberry.type
class TicketQuery:
    @strawberry.field(description="回数券メニュー一覧 (ticket menus by name; inactive ones for staff only)")
    async def ticket_menus(
        self, info: Info,
        include_inactive: Annotated[bool, strawberry.argument(
            description="販売終了も含める (include menus no longer sold; staff only, ignored otherwise)")] = False,
        first: First = None, after: After = None,
    ) -> TicketMenuConnection:
        active_only = not (include_inactive and info.context.may(Action.SELL_TICKETS))
        model = models.TicketMenu

        def build():
            query = select(model)
            return (query.where(model.active.is_(True)) if active_only else query), [model.name, model.id]

        return await list_page(info, TicketMenuConnection, "TicketMenu", active_only, build, first=first, after=after)

    @strawberry.field(description="回数券の購入一覧 (holders: by customer, state and expiry, the soonest expiry "
                                  "first; a customer token sees only its own)")
    async def ticket_purchases(
        self, info: Info,
        filter: Annotated[TicketPurchaseFilter | None, strawberry.argument(description="絞り込み (filter)")] = None,
        first: First = None, after: After = None,
    ) -> TicketPurchaseConnection:
        actor = reader(info)
        if not can(actor, Action.READ_TICKETS, actor.customer_id):
            raise graphql_error(DomainError(ErrorCode.PERMISSION_DENIED, "回数券を参照する権限がありません。"))
        given = filter or TicketPurchaseFilter()
        state = None if given.state is None else tickets.TicketState(given.state.value)
        try:
            shape, query, parameters = tickets.purchase_list(
                _customer_of_list(given.customer_id, actor), state, given.expiring_within_days, tickets.today())
        except DomainError as exc:
            raise graphql_error(exc) from None
        return await list_page(info, TicketPurchaseConnection, "TicketPurchase", shape,
                               lambda: (query, list(tickets.LIST_ORDER)), first=first, after=after,
                               parameters=parameters)


@strawberry.type
class TicketMutation:
    @strawberry.mutation(description="回数券の購入 (sell a ticket at checkout: uses, expiry and price from the "
                                     "ticket menu; staff)")
    async def purchase_ticket(self, info: Info, input: Annotated[PurchaseTicketInput, INPUT]
                              ) -> TicketPurchasePayload:
        async def perform(session: AsyncSession, actor: Actor) -> TicketPurchasePayload:
            customer_id = None if input.customer_id is None else id_or_not_found(input.customer_id, "お客様",
                                                                                   "customerId")
            menu_id = None if input.ticket_menu_id is None else id_or_not_found(input.ticket_menu_id, "回数券",
                                                                                 "ticketMenuId")
            purchase = await tickets.purchase_ticket(session, customer_id, menu_id, input.purchased_on, actor)
            return TicketPurchasePayload(purchase=purchase)

        return await mutate(info, TicketPurchasePayload, perform, permission=Action.SELL_TICKETS)

    @strawberry.mutation(description="有効期限変更 (change a ticket's last day of use, recorded with who, when, old "
                                     "and new; staff)")
    async def change_ticket_expiry(self, info: Info, input: Annotated[ChangeTicketExpiryInput, INPUT]
                                   ) -> TicketPurchasePayload:
        async def perform(session: AsyncSession, actor: Actor) -> TicketPurchasePayload:
            purchase_id = id_or_not_found(input.purchase_id, "回数券の購入", "purchaseId")
            purchase = await tickets.change_ticket_expiry(session, purchase_id, input.expires_on, input.reason, actor)
            return TicketPurchasePayload(purchase=purchase)

        return await mutate(info, TicketPurchasePayload, perform, permission=Action.CHANGE_TICKET_EXPIRY)
