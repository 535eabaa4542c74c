"""予約: the Reservation type, its menu lines and the statuses offered.

Customer, stylist and menus come through the request's dataloaders, so a day's list
costs a handful of queries whatever its length. The staff memo and who waived a fee
are for staff: a customer token reads null.
"""

from __future__ import annotations

from typing import Annotated

import strawberry

import models
from resolvers.runtime.context import Context, Info
from resolvers.runtime.prefetch import derived, link
from resolvers.runtime.rows import ColumnMap
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


#: Columns each field of Reservation reads besides ``id`` (a list reads only these, as Core rows).
COLUMNS = ColumnMap(models.Reservation, {
    **{key: (key,) for key in RESERVATION_COLUMNS},
    "status_label": ("status",),
    "late_cancel_label": ("is_late_cancel",),
    "memo": ("memo",),
    "customer": ("customer_id",),
    "staff": ("staff_member_id",),
    "menus": (),
    "total_price": (),
}, "Reservation")

#: Links (resolvers.runtime.prefetch): a day's list loads these for all its rows before it is written out.
CUSTOMER = link("Reservation", "customer", "customer", "customer_id", target="Customer")
STAFF = link("Reservation", "staff", "staff_member", "staff_member_id", target="StaffMember")
MENU_LINES = link("Reservation", "menus", "menu_lines_by_reservation", "id", target="ReservationMenuLine",
                  many=True)
TOTAL_PRICE = link("Reservation", "totalPrice", "menu_lines_by_reservation", "id",
                   then=lambda lines: sum(line.price for line in lines))
LINE_MENU = link("ReservationMenuLine", "menu", "menu", "menu_id", target="Menu")



@derived("Reservation", "statusLabel")
def status_label(root: models.Reservation, context: Context) -> str:
    return root.status.label


@derived("Reservation", "lateCancelLabel")
def late_cancel_label(root: models.Reservation, context: Context) -> str | None:
    return "直前キャンセル" if root.is_late_cancel else None


@derived("Reservation", "memo")
def staff_memo(root: models.Reservation, context: Context) -> str | None:
    return root.memo if context.is_staff else None


@strawberry.type(description="予約メニュー (one menu of a reservation, with the price charged)")
class ReservationMenuLine:
    """Resolved from a ``reservation_menus`` row."""

    price: int = strawberry.field(description="料金(円) (price charged, yen)")

    @strawberry.field(description="メニュー (the menu)")
    def menu(self, root: strawberry.Parent[models.ReservationMenu], info: Info) -> Menu:
        return LINE_MENU.resolve(info, root)


@model_type(models.Reservation, include=RESERVATION_COLUMNS, description="予約 (reservation, SPEC §3)")
class Reservation:
    @strawberry.field(description="ステータス表示名 (Japanese label of the status, e.g. キャンセル料未払い)")
    def status_label(self, root: Parent, info: Info) -> str:
        return status_label(root, info.context)

    @strawberry.field(description="直前キャンセル (same as isLateCancel: after the deadline or a no-show)")
    def late_cancel_label(self, root: Parent, info: Info) -> str | None:
        return late_cancel_label(root, info.context)

    @strawberry.field(description="お客様 (the customer; null for a walk-in guest)")
    def customer(self, root: Parent, info: Info) -> CustomerType | None:
        return CUSTOMER.resolve(info, root)

    @strawberry.field(description="担当スタッフ (the stylist; null when none was chosen)")
    def staff(self, root: Parent, info: Info) -> StaffMember | None:
        return STAFF.resolve(info, root)

    @strawberry.field(description="メニュー (the menus, with the prices charged)")
    def menus(self, root: Parent, info: Info) -> list[ReservationMenuLine]:
        return MENU_LINES.resolve(info, root)

    @strawberry.field(description="合計金額(円) (sum of the menu prices)")
    def total_price(self, root: Parent, info: Info) -> int:
        return TOTAL_PRICE.resolve(info, root)

    @strawberry.field(description="メモ (staff memo; staff only, null otherwise)")
    def memo(self, root: Parent, info: Info) -> str | None:
        return staff_memo(root, info.context)


@strawberry.type(name="ReservationConnection", description="予約一覧 (a page of reservations)")
class ReservationConnection(Connection[Reservation]):
    pass
