"""予約 in the admin: the list with ❗, filtered by day (Japan time), status, stylist and channel.

Filter values come from the URL: one that is not offered leaves the list unfiltered
(a bad date says so in the filter box) instead of failing.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from markupsafe import Markup
from sqladmin.filters import ForeignKeyFilter, StaticValuesFilter
from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from starlette.requests import Request
from starlette.responses import Response

from admin import reservation_messages
from admin.base import JapaneseModelView
from admin.display import JST, datetime_cell, format_datetime, format_day, wrapping
from admin.flags import CautionMarkMixin, customer_cell, list_customer_cell
from admin.mutation import operate
from admin.notices import notify
from models import (
    Customer,
    Reservation,
    ReservationChannel,
    ReservationMenu,
    ReservationStatus,
    StaffMember,
)
from services.actor import Actor
from services.customer_search import free_text_clause
from services.errors import DomainError, ErrorCode
from services.ids import parse_id
from services.store import REMAINING_PREPAYMENT_STATUSES, USES_PREPAYMENT, statuses_shown

RESERVATIONS = "予約"


def _menus_cell(model: Reservation, attribute: str) -> list[str]:
    return [item.menu.name for item in model.items]


def _menus_list_cell(model: Reservation, attribute: str) -> Markup:
    """The list's メニュー: one line per menu, a long name cut with 「…」 and whole in its tooltip, so that
    the status stays in view at 1366 px and on the 820 px tablet."""
    return Markup("").join(
        Markup('<span class="list-clip d-block text-truncate" title="{name}">{name}</span>').format(name=name)
        for name in _menus_cell(model, attribute))


def _label_cell(model: Reservation, attribute: str) -> Markup:
    value = getattr(model, attribute)
    return wrapping(value.label if value is not None else "")


class SafeStaticValuesFilter(StaticValuesFilter):
    """A value not offered (typed into the URL) leaves the list unfiltered instead of failing."""

    async def get_filtered_query(self, query: Select, value: Any, model: Any) -> Select:
        if value not in {v for v, _ in self.values}:
            return query
        return await super().get_filtered_query(query, value, model)


class StatusFilter(SafeStaticValuesFilter):
    """予約ステータス: the statuses the store uses, and those that only remain on older reservations
    (a salon without prepayment is not offered 事前決済未払い …)."""

    async def lookups(self, request: Request, model: Any, run_query: Any) -> list[tuple[str, str]]:
        setting = await run_query(USES_PREPAYMENT)  # rows
        remaining = {row[0] for row in await run_query(REMAINING_PREPAYMENT_STATUSES)}
        shown = statuses_shown(bool(setting and setting[0][0]), remaining)
        return [("__all", "すべて")] + [(status.value, status.label) for status, _ in shown]


class StaffFilter(ForeignKeyFilter):
    async def lookups(self, request: Request, model: Any, run_query: Any) -> list[tuple[str, str]]:
        rows = await run_query(select(StaffMember.id, StaffMember.name).order_by(StaffMember.display_order,
                                                                                 StaffMember.id))
        return [("__all", "すべて")] + [(str(i), name) for i, name in rows]

    async def get_filtered_query(self, query: Select, value: Any, model: Any) -> Select:
        staff_id = parse_id(value)
        return query if staff_id is None else query.where(Reservation.staff_member_id == staff_id)


class DateFilter:
    """予約日: a date box; the day is a salon day in Japan time. Without one the list opens on today
    (the front desk's day); 「すべての日」 (``date=__all``) lists every day."""

    has_operator = False
    template = "salon/date_filter.html"
    title = "予約日"
    parameter_name = "date"
    #: sqladmin applies a filter with a default even when the URL names no value.
    default_value = "today"
    ALL = "__all"

    async def lookups(self, request: Request, model: Any, run_query: Any) -> list[tuple[str, str]]:
        return []

    @staticmethod
    def parse(value: Any) -> date | None:
        try:
            day = date.fromisoformat(str(value or "").strip()[:10])
        except ValueError:
            return None
        return day if date(2000, 1, 1) <= day <= date(2100, 12, 31) else None

    @staticmethod
    def today() -> date:
        return datetime.now(JST).date()

    @classmethod
    def label(cls, value: Any) -> str:
        """The chosen day as the admin writes dates, with its weekday: 2026/12/06（日）."""
        day = cls.parse(value)
        return "" if day is None else format_day(day)

    async def get_filtered_query(self, query: Select, value: Any, model: Any) -> Select:
        if value == self.ALL:
            return query
        day = self.today() if value in (None, "") else self.parse(value)
        if day is None:
            return query
        start = datetime.combine(day, time(0), JST)
        return query.where(Reservation.start_at >= start, Reservation.start_at < start + timedelta(days=1))


class ReservationListBase(CautionMarkMixin, JapaneseModelView):
    """The reservation list and details; admin.reservation_forms adds the booking service's forms."""

    name = name_plural = "予約"
    category = RESERVATIONS
    icon = "fa-solid fa-calendar-check"
    column_list = [Reservation.start_at, Reservation.customer, Reservation.staff_member, "menus",
                   Reservation.status, Reservation.channel]
    # Under 1400 px (the 1366 px desk PC, the 820 px tablet) the channel gives way, so that the status
    # stays in view beside the filters; it is on the details page and is a filter.
    column_list_desktop_only = ["channel"]
    column_list_desktop_from = "xxl"
    column_labels = {Reservation.customer: "お客様", Reservation.items: "メニュー", "menus": "メニュー",
                     Reservation.staff_member: "担当スタッフ",
                     Reservation.cancel_fee_waived_by: "キャンセル料取消者"}
    column_formatters = {Reservation.start_at: datetime_cell, Reservation.customer: list_customer_cell,
                         "menus": _menus_list_cell, Reservation.status: _label_cell,
                         Reservation.channel: _label_cell}
    column_formatters_detail = {Reservation.customer: customer_cell, Reservation.items: _menus_cell}
    non_link_related_fields = [Reservation.items, Reservation.cancel_fee_waived_by]
    #: The details in the order the front desk reads a booking: who, when, with whom, what, its state;
    #: then the cancellation and its fee; the record's own data last.
    details_booking = [
        Reservation.customer, Reservation.guest_name, Reservation.guest_phone, Reservation.start_at,
        Reservation.end_at, Reservation.staff_member, Reservation.items, Reservation.status,
        Reservation.channel, Reservation.memo, Reservation.visited_at, Reservation.cancelled_at,
        Reservation.cancel_kind, Reservation.is_late_cancel, Reservation.cancel_fee_yen,
    ]
    details_record = [Reservation.cancel_fee_waived_at, Reservation.cancel_fee_waived_by,
                      Reservation.created_by_id, Reservation.created_at, Reservation.updated_at, Reservation.id]
    column_details_list = [*details_booking, *details_record]
    column_sortable_list = [Reservation.start_at, Reservation.status, Reservation.cancel_fee_yen]
    column_default_sort = [("start_at", True)]
    column_searchable_list = [Reservation.guest_name]
    column_filters = [
        DateFilter(),
        StatusFilter(Reservation.status, ReservationStatus.choices(), title="予約ステータス"),
        StaffFilter(Reservation.staff_member_id, StaffMember.name, StaffMember, title="担当スタッフ",
                    parameter_name="staff"),
        SafeStaticValuesFilter(Reservation.channel, ReservationChannel.choices(), title="予約経路"),
    ]
    can_delete = False  # a reservation is cancelled, never deleted (the figures count it)
    list_template = "salon/list_with_filters.html"

    def search_placeholder(self) -> str:
        return "お客様の氏名・フリガナ・お客様番号・電話番号"

    def detail_title(self, model: Reservation) -> str:
        who = str(model.customer) if model.customer is not None else f"{model.guest_name}（非会員）"
        return f"予約: {format_datetime(model.start_at)} {who}"

    def row_label(self, model: Reservation) -> str:
        """「予約（2026/12/04 16:00）を登録しました。」: the booking by its time, as the front desk says it."""
        return f"予約（{format_datetime(model.start_at)}）"

    def search_query(self, stmt: Select, term: str) -> Select:
        clause = free_text_clause(term)
        guest = Reservation.guest_name.contains(term.strip(), autoescape=True)
        return stmt.outerjoin(Reservation.customer).where(guest if clause is None else or_(clause, guest))

    def list_query(self, request: Request) -> Select:
        return select(Reservation).options(selectinload(Reservation.items).selectinload(ReservationMenu.menu))

    def details_query(self, request: Request) -> Select:
        return super().details_query(request).options(
            selectinload(Reservation.items).selectinload(ReservationMenu.menu))


async def post_reservation_operation(view: Any, request: Request, operations: dict[str, Any], *,
                                     reservation_id: int | None, back: str, title: str,
                                     back_label: str) -> Response:
    """Run the booking operation a form POSTed (``operation`` field) and go back, saying what happened
    (「…をキャンセルしました。キャンセル料 6,600円が未払いです。」), or show its refusal.

    The CSRF token was checked by the middleware; the booking service decides everything else.
    """
    async with request.form(max_files=0, max_fields=10) as form:
        key = str(form.get("operation") or "")
    operation = operations.get(key)
    done: list[str] = []

    async def perform(session: AsyncSession, actor: Actor) -> None:
        if reservation_id is None:
            raise DomainError(ErrorCode.NOT_FOUND, "予約が見つかりません。")
        if operation is None:
            raise DomainError(ErrorCode.INVALID, "操作が正しくありません。")
        reservation = await operation(session, reservation_id, actor)
        customer = (await session.get(Customer, reservation.customer_id)
                    if reservation.customer_id is not None else None)
        done.append(reservation_messages.result(key, reservation, customer))

    response = await operate(view, request, perform, title=title, back=back, back_label=back_label)
    if done and response.status_code == 303:
        notify(request, done[0])
    return response
