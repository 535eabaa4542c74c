"""キャンセル料金一覧: reservations that owe (or owed) a cancellation fee, with 取り消し and 受領 as POSTs.

The same ``reservations`` rows as the reservation list, under their own identity;
waiving and recording payment go through services.booking, which checks who may do
it and records who and when.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup
from sqladmin import expose
from sqlalchemy import Select, select
from starlette.requests import Request
from starlette.responses import Response

from admin.base import ReadOnlyView
from admin.display import datetime_cell, format_datetime
from admin.csrf import FIELD_NAME, current_token
from admin.flags import CautionMarkMixin, customer_cell, list_customer_cell
from admin.reservation_views import post_reservation_operation
from models import Reservation, ReservationStatus
from services import booking
from services.ids import parse_id

STATES = [("unpaid", "未払い"), ("paid", "受領済み"), ("waived", "取り消し済み")]


def _fee_cell(model: Reservation, attribute: str) -> str:
    return f"{model.cancel_fee_yen:,}円"


def _state(model: Reservation) -> str:
    if model.cancel_fee_waived_at is not None:
        return f"取り消し済み（{format_datetime(model.cancel_fee_waived_at)}）"
    if model.cancel_fee_paid_at is not None:
        return f"受領済み（{format_datetime(model.cancel_fee_paid_at)}）"
    return "未払い"


def _actions_cell(model: Reservation, attribute: str, request: Request) -> Markup:
    if model.status != ReservationStatus.CANCEL_FEE_UNPAID:
        return Markup("{}").format(_state(model))
    url = request.url_for("admin:view-cancellation-fee-change_fee", pk=model.id)
    who = f"{model.customer.full_name}様" if model.customer is not None else "このお客様"
    buttons = Markup("")
    for operation, label, style, does in (("waive", "取り消す", "btn-outline-danger", "取り消します"),
                                          ("pay", "受領済みにする", "btn-outline-primary", "受領済みにします")):
        buttons += Markup(
            '<form method="post" action="{url}" class="d-inline-block" data-confirm="{question}">'
            '<input type="hidden" name="{field}" value="{token}">'
            '<input type="hidden" name="operation" value="{operation}">'
            '<button type="submit" class="btn btn-sm {style}">{label}</button></form>'
        ).format(url=url, field=FIELD_NAME, token=current_token(), operation=operation, label=label, style=style,
                 question=f"{who}のキャンセル料 {model.cancel_fee_yen:,}円を{does}。よろしいですか？")
    # Stacked when the column is narrow (the tablet), side by side when there is room.
    return Markup('<div class="d-flex flex-wrap align-items-center gap-1">'
                  '<span class="text-danger me-1">未払い</span>{}</div>').format(buttons)


class FeeStateFilter:
    """状態: 未払い (the default), 受領済み, 取り消し済み, すべて."""

    has_operator = False
    template = "sqladmin/filters/lookup_filter.html"
    title = "状態"
    parameter_name = "state"
    default_value = "unpaid"

    async def lookups(self, request: Request, model: Any, run_query: Any) -> list[tuple[str, str]]:
        return [*STATES, ("__all", "すべて")]

    async def get_filtered_query(self, query: Select, value: Any, model: Any) -> Select:
        if value == "paid":
            return query.where(Reservation.cancel_fee_paid_at.is_not(None))
        if value == "waived":
            return query.where(Reservation.cancel_fee_waived_at.is_not(None))
        if value == "__all":
            return query
        return query.where(Reservation.status == ReservationStatus.CANCEL_FEE_UNPAID)


class CancellationFeeAdmin(CautionMarkMixin, ReadOnlyView, model=Reservation):
    name = name_plural = "キャンセル料金一覧"
    category = "予約"
    icon = "fa-solid fa-yen-sign"
    column_list = [Reservation.start_at, Reservation.customer, Reservation.cancel_kind, Reservation.cancelled_at,
                   Reservation.cancel_fee_yen, "fee_actions"]
    column_labels = {Reservation.start_at: "予約日時", Reservation.customer: "お客様", "fee_actions": "状態・操作"}
    column_formatters = {Reservation.start_at: datetime_cell, Reservation.cancelled_at: datetime_cell,
                         Reservation.customer: list_customer_cell, Reservation.cancel_fee_yen: _fee_cell,
                         "fee_actions": _actions_cell}
    column_formatters_detail = {Reservation.customer: customer_cell, Reservation.cancel_fee_yen: _fee_cell}
    column_sortable_list = [Reservation.start_at, Reservation.cancelled_at, Reservation.cancel_fee_yen]
    column_default_sort = [("cancelled_at", True)]
    can_view_details = False
    list_template = "salon/list_with_filters.html"

    column_filters = [FeeStateFilter()]

    def list_query(self, request: Request) -> Select:
        return select(Reservation).where(Reservation.cancel_fee_yen > 0)

    @expose("/fee/{pk}", methods=["POST"])
    async def change_fee(self, request: Request) -> Response:
        """キャンセル料の取り消し / 受領 (POST with the CSRF token, never a GET link)."""
        operations: dict[str, Any] = {"waive": booking.waive_cancellation_fee, "pay": booking.pay_cancellation_fee}
        back = str(request.url_for("admin:list", identity=self.identity))
        return await post_reservation_operation(
            self, request, operations, reservation_id=parse_id(request.path_params.get("pk")), back=back,
            title="キャンセル料", back_label="キャンセル料金一覧に戻る")


# sqladmin names a view after its model when the class is made; this one shares the model.
CancellationFeeAdmin.identity = "cancellation-fee"
