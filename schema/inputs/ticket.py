"""Inputs of the ticket mutations (SPEC §6). The service checks ids, dates and the reason."""

from __future__ import annotations

import datetime as dt
import enum

import strawberry

from services.tickets import TicketState as _State


@strawberry.enum(name="TicketState", description="回数券の状態 (a holder's ticket on a day)")
class TicketState(enum.Enum):
    ACTIVE = strawberry.enum_value(_State.ACTIVE.value, description="利用可 (not expired, uses left)")
    EXPIRED = strawberry.enum_value(_State.EXPIRED.value, description="期限切れ (expired with uses left)")
    USED_UP = strawberry.enum_value(_State.USED_UP.value, description="使い切り (every use taken)")


@strawberry.input(description="回数券の購入一覧の条件 (all given conditions must hold; days in Japan time)")
class TicketPurchaseFilter:
    customer_id: strawberry.ID | None = strawberry.field(default=None, description="顧客ID (one customer's)")
    state: TicketState | None = strawberry.field(default=None, description="状態 (today's state)")
    expiring_within_days: int | None = strawberry.field(
        default=None, description="N日以内に期限切れ (usable ones whose last day is within N days, 0-366: "
                                  "the reminder list)")


@strawberry.input(description="回数券の購入 (sell a ticket at checkout)")
class PurchaseTicketInput:
    customer_id: strawberry.ID | None = strawberry.field(default=None, description="顧客ID (required)")
    ticket_menu_id: strawberry.ID | None = strawberry.field(default=None, description="回数券メニューID (required)")
    purchased_on: dt.date | None = strawberry.field(
        default=None, description="購入日 (default today; not in the future, at most a year back)")


@strawberry.input(description="有効期限変更 (change the last day of use; recorded)")
class ChangeTicketExpiryInput:
    purchase_id: strawberry.ID = strawberry.field(description="回数券の購入ID (the purchase)")
    expires_on: dt.date | None = strawberry.field(
        default=None, description="新しい有効期限 (required; not before the purchase day nor a day booked with it)")
    reason: str | None = strawberry.field(default=None, description="変更理由 (optional, up to 255 characters)")
