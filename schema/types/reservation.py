"""予約: the Reservation type, its menu lines and the statuses offered.

Customer, stylist and menus come through the request's dataloaders, so a day's list
costs a handful of queries whatever its length. The staff memo and who waived a fee
are for staff: a customer token reads null.
"""

from __future__ import annotations

from typing import Annotated

import strawberry

import models
from schema.context import Info
from schema.generate import model_type
from schema.relay import Connection
from schema.types.catalog import Menu, StaffMember

Parent = strawberry.Parent[models.Reservation]
CustomerType = Annotated["Customer", strawberry.lazy("schema.types.customer")]

RESERVATION_COLUMNS = {
    "id": "identifier",
    "start_at": "start",
    "end_at": "end",
    "status": "status; its Japanese label is statusLabel",
    "channel": "where it was booked",
    "visited_at": "when the customer came",
    "cancelled_at": "when it was cancelled",
    "cancel_kind": "who cancelled, and when",
    "is_late_cancel": "cancelled after the deadline, or a no-show",
    "cancel_fee_yen": "cancellation fee owed or settled, in yen",
    "cancel_fee_paid_at": "when the fee was paid",
    "cancel_fee_waived_at": "when the fee was waived",
    "created_at": "when it was booked",
}


@strawberry.type(description="予約メニュー (one menu of a reservation, with the price charged)")
class ReservationMenuLine:
    price: int = strawberry.field(description="料金(円) (price charged, yen)")
    menu_id: strawberry.Private[int]

    @strawberry.field(description="メニュー (the menu)")
    async def menu(self, info: Info) -> Menu:
        return await info.context.loaders.menu.load(self.menu_id)


@model_type(models.Reservation, include=RESERVATION_COLUMNS, description="予約 (reservation, SPEC §3)")
class Reservation:
    @strawberry.field(description="ステータス表示名 (Japanese label of the status, e.g. キャンセル料未払い)")
    def status_label(self, root: Parent) -> str:
        return root.status.label

    @strawberry.field(description="直前キャンセル (same as isLateCancel: after the deadline or a no-show)")
    def late_cancel_label(self, root: Parent) -> str | None:
        return "直前キャンセル" if root.is_late_cancel else None

    @strawberry.field(description="お客様 (the customer; null for a walk-in guest)")
    async def customer(self, root: Parent, info: Info) -> CustomerType | None:
        if root.customer_id is None:
            return None
        return await info.context.loaders.customer.load(root.customer_id)

    @strawberry.field(description="担当スタッフ (the stylist; null when none was chosen)")
    async def staff(self, root: Parent, info: Info) -> StaffMember | None:
        if root.staff_member_id is None:
            return None
        return await info.context.loaders.staff_member.load(root.staff_member_id)

    @strawberry.field(description="メニュー (the menus, with the prices charged)")
    async def menus(self, root: Parent, info: Info) -> list[ReservationMenuLine]:
        lines = await info.context.loaders.menu_lines_by_reservation.load(root.id)
        return [ReservationMenuLine(price=line.price, menu_id=line.menu_id) for line in lines]

    @strawberry.field(description="合計金額(円) (sum of the menu prices)")
    async def total_price(self, root: Parent, info: Info) -> int:
        lines = await info.context.loaders.menu_lines_by_reservation.load(root.id)
        return sum(line.price for line in lines)

    @strawberry.field(description="メモ (staff memo; staff only, null otherwise)")
    def memo(self, root: Parent, info: Info) -> str | None:
        return root.memo if info.context.is_staff else None


@strawberry.type(name="ReservationConnection", description="予約一覧 (a page of reservations)")
class ReservationConnection(Connection[Reservation]):
    pass
