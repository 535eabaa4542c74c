"""予約: the Reservation type, its menu lines and the statuses offered.

Customer, stylist and menus come through the request's dataloaders, so a day's list
costs a handful of queries whatever its length. The staff memo and who waived a fee
are for staff: a customer token reads null.
"""

from __future__ import annotations

from typing import Annotated

import strawberry

import models
from resolvers.runtime.fields import derived, link
from resolvers.runtime.loaders import Loaders
from resolvers.runtime.rows import ColumnMap
from schema.generate import model_type
from schema.relay import Connection
from schema.types.catalog import Menu, StaffMember
from services.permissions import Action

Parent = strawberry.Parent[models.Reservation]
CustomerType = Annotated["Customer", strawberry.lazy("schema.types.customer")]
SalesReportType = Annotated["SalesReport", strawberry.lazy("schema.types.karte")]

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
}, "Reservation")  # links and derived fields declare their own columns (resolvers.runtime.fields)

@strawberry.type(description="操作したスタッフ (the staff account that took an action: its id and name)")
class ActingStaff:
    id: strawberry.ID = strawberry.field(description="アカウントID (staff account id)")
    name: str = strawberry.field(description="表示名 (the account's display name)")


def _acting(account: models.StaffAccount | None) -> ActingStaff | None:
    return None if account is None else ActingStaff(id=strawberry.ID(str(account.id)), name=account.display_name)


@strawberry.type(description="予約メニュー (one menu of a reservation, with the price charged)")
class ReservationMenuLine:
    """Resolved from a ``reservation_menus`` row."""

    price: int = strawberry.field(description="料金(円) (price charged, yen)")

    menu: Menu = link(Loaders.menu, "menu_id", description="メニュー (the menu)")


@model_type(models.Reservation, include=RESERVATION_COLUMNS, description="予約 (reservation, SPEC §3)")
class Reservation:
    guest_name: str | None = derived(
        lambda r: r.guest_name, columns=("guest_name",), visible=Action.READ_STAFF_FIELDS,
        description="非会員名 (a walk-in guest's name, null for a customer's reservation; staff only)")
    guest_phone: str | None = derived(
        lambda r: r.guest_phone, columns=("guest_phone",), visible=Action.READ_STAFF_FIELDS,
        description="非会員電話番号 (a walk-in guest's phone, when given; staff only)")
    status_label: str = derived(
        lambda r: r.status.label, columns=("status",),
        description="ステータス表示名 (Japanese label of the status, e.g. キャンセル料未払い)")
    late_cancel_label: str | None = derived(
        lambda r: "直前キャンセル" if r.is_late_cancel else None, columns=("is_late_cancel",),
        description="直前キャンセル (same as isLateCancel: after the deadline or a no-show)")
    customer: CustomerType | None = link(Loaders.customer, "customer_id",
                                         description="お客様 (the customer; null for a walk-in guest)")
    staff: StaffMember | None = link(Loaders.staff_member, "staff_member_id",
                                     description="担当スタッフ (the stylist; null when none was chosen)")
    menus: list[ReservationMenuLine] = link(Loaders.menu_lines_by_reservation,
                                            description="メニュー (the menus, with the prices charged)")
    total_price: int = link(Loaders.menu_lines_by_reservation,
                            then=lambda lines: sum(line.price for line in lines),
                            description="合計金額(円) (sum of the menu prices)")
    memo: str | None = derived(lambda r: r.memo, columns=("memo",), visible=Action.READ_STAFF_FIELDS,
                               description="メモ (staff memo; staff only, null otherwise)")
    sales_report: SalesReportType | None = link(
        Loaders.sales_report_by_reservation, visible=Action.READ_STAFF_FIELDS,
        description="営業報告 (the reservation's sales report; null when none is written yet; staff only, "
                    "null otherwise)")
    cancel_fee_paid_by: ActingStaff | None = link(
        Loaders.staff_account_name, "cancel_fee_paid_by_id", then=_acting, visible=Action.READ_STAFF_FIELDS,
        description="キャンセル料受領者 (who recorded the fee as paid; staff only, null otherwise)")
    cancel_fee_waived_by: ActingStaff | None = link(
        Loaders.staff_account_name, "cancel_fee_waived_by_id", then=_acting, visible=Action.READ_STAFF_FIELDS,
        description="キャンセル料取消者 (who waived the fee; staff only, null otherwise)")


@strawberry.type(name="ReservationConnection", description="予約一覧 (a page of reservations)")
class ReservationConnection(Connection[Reservation]):
    pass
