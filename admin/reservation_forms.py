"""予約 forms in the admin: create, reschedule and status changes through services.booking.

Every write goes through the booking service, so the admin refuses exactly what the
other channels refuse (a blacklisted customer, a busy stylist …) and shows the
service's Japanese message on the page. Nothing changes on a GET: the status changes
are POST forms carrying the CSRF token.
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import datetime, time
from typing import Any

from sqladmin import expose
from sqladmin.fields import BooleanField, SelectField
from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from starlette.requests import Request
from starlette.responses import Response
from wtforms import StringField, TextAreaField

from admin.display import JST
from admin.errors import AdminError
from admin.forms import BLANK_CHOICE, JapaneseForm, choices_of
from admin.flag_views import CustomerLoader, customer_picker
from admin.mutation import mutate
from admin.notices import warn
from admin.reservation_views import DateFilter, ReservationListBase, post_reservation_operation
from admin.widgets import NO_BROWSER_CHECK, CheckboxListField, RequiredMark
from models import Customer, Menu, Reservation, ReservationChannel, StaffMember
from services import booking
from services.actor import Actor
from services.errors import DomainError, ErrorCode, FieldError
from services.ids import parse_id

#: The booking service's field names → this form's.
FORM_FIELDS = {"customerId": "customer", "startAt": "start_date", "endAt": "start_time", "menuIds": "menu_ids",
               "staffId": "staff_member_id", "memo": "memo"}
#: A form field that could not be read → the service's field it reached the service as (missing).
UNREAD = {"start_date": "startAt", "start_time": "startAt", "menu_ids": "menuIds", "customer": "customerId"}
STAFF_CHANNELS = [c for c in ReservationChannel if c != ReservationChannel.SITE]
#: Refusals about who the customer is, not about what was typed: shown once, above the form, rather
#: than both there and under the お客様 field.
WARNING_TITLE = "ご確認ください"
PAGE_REFUSALS = {ErrorCode.BLACKLISTED, ErrorCode.CUSTOMER_WITHDRAWN}


def parse_start(day_text: Any, time_text: Any) -> tuple[datetime | None, list[FieldError]]:
    """The form's 予約日 + 開始時刻 (Japan time) as an aware datetime, or the problems."""
    problems = []
    day = when = None
    if not str(day_text or "").strip():
        problems.append(FieldError("start_date", ErrorCode.REQUIRED, "予約日を入力してください。"))
    else:
        day = DateFilter.parse(day_text)
        if day is None:
            problems.append(FieldError("start_date", ErrorCode.INVALID, "予約日の形式が正しくありません（例: 2026-04-01）。"))
    if not str(time_text or "").strip():
        problems.append(FieldError("start_time", ErrorCode.REQUIRED, "開始時刻を入力してください。"))
    else:
        try:
            when = time.fromisoformat(str(time_text).strip()[:5])
        except ValueError:
            problems.append(FieldError("start_time", ErrorCode.INVALID, "開始時刻の形式が正しくありません（例: 10:30）。"))
    if problems or day is None or when is None:
        return None, problems
    return datetime.combine(day, when, JST), []


def _refusal(request: Request, exc: DomainError) -> AdminError:
    exc.errors = [FieldError(None if e.code in PAGE_REFUSALS else FORM_FIELDS.get(e.field or "", e.field),
                             e.code, e.message) for e in exc.errors]
    return AdminError.from_domain(request, exc)


def _pass_on_warnings(request: Request, booked: booking.Booked) -> Any:
    """What the booking service warns staff about (an unpaid cancellation fee …) goes to the next page."""
    for warning in booked.warnings:
        warn(request, warning, WARNING_TITLE)
    return booked.reservation


def _ids(values: Any) -> tuple[list[int], list[FieldError]]:
    ids = [parse_id(v) for v in values or []]
    if any(i is None for i in ids):
        return [], [FieldError("menu_ids", ErrorCode.NOT_FOUND, "指定されたメニューが見つかりません。")]
    return [i for i in ids if i is not None], []


async def _with_form_problems(problems: list[FieldError], call: Awaitable[booking.Booked]) -> booking.Booked:
    """The service's answer, with what the form could not read reported beside the service's problems.

    A day, time or menu the form could not read reaches the service as missing; the form's own
    words for it replace the service's, so every problem of the form is shown at once."""
    try:
        booked = await call
    except DomainError as exc:
        unread = {UNREAD.get(p.field or "") for p in problems}
        raise DomainError.many(problems + [e for e in exc.errors if e.field not in unread]) from exc
    if problems:
        raise DomainError.many(problems)
    return booked


class ReservationAdmin(ReservationListBase, model=Reservation):
    name = name_plural = "予約"  # sqladmin names a model view after its model unless the class says
    details_template = "salon/reservation_details.html"
    column_labels = {**ReservationListBase.column_labels, Reservation.cancel_fee_paid_by: "キャンセル料受領者"}
    non_link_related_fields = [*ReservationListBase.non_link_related_fields, Reservation.cancel_fee_paid_by]
    # The fee's receipt (when, by whom) after the fee, before its waiver.
    column_details_list = [*ReservationListBase.details_booking, Reservation.cancel_fee_paid_at,
                           Reservation.cancel_fee_paid_by, *ReservationListBase.details_record]
    form_ajax_refs = {"customer": {"fields": ("customer_no",), "limit": 20}}
    form_create_rules = ["customer", "start_date", "start_time", "staff_member_id", "menu_ids", "channel",
                         "tentative", "memo"]
    form_edit_rules = ["start_date", "start_time", "staff_member_id", "menu_ids"]

    def __init__(self) -> None:
        super().__init__()
        self._form_ajax_refs["customer"] = CustomerLoader("customer", Customer, self, fields=("customer_no",),
                                                          limit=20)

    # ------------------------------------------------------------------ forms

    async def scaffold_form(self, rules: list[str] | None = None):
        rules = rules or []
        menus = await choices_of(self.session_maker, Menu, Menu.sort_order)
        staff = await choices_of(self.session_maker, StaffMember, StaffMember.display_order)
        fields: dict[str, Any] = {}
        if "customer" in rules:
            fields["customer"] = customer_picker(self)
        fields["start_date"] = StringField("予約日", validators=[RequiredMark()],
                                           render_kw={"type": "date", "class": "form-control",
                                                      **NO_BROWSER_CHECK})
        fields["start_time"] = StringField("開始時刻", description="終了時刻はメニューの所要時間から決まります。",
                                           validators=[RequiredMark()],
                                           render_kw={"type": "time", "class": "form-control", "step": 300,
                                                      **NO_BROWSER_CHECK})
        fields["staff_member_id"] = SelectField("担当スタッフ", choices=staff, allow_blank=True,
                                                blank_text=BLANK_CHOICE, render_kw={"class": "form-control"})
        # Checkboxes, not a Ctrl-click list box: the front desk's iPad has no Ctrl key.
        fields["menu_ids"] = CheckboxListField("メニュー", choices=menus, validate_choice=False,
                                               validators=[RequiredMark()],
                                               description="複数選べます。所要時間の合計で終了時刻が決まります。")
        if "channel" in rules:
            fields["channel"] = SelectField("予約経路", choices=[(c.value, c.label) for c in STAFF_CHANNELS],
                                            default=ReservationChannel.PHONE.value,
                                            render_kw={"class": "form-control"})
            fields["tentative"] = BooleanField("仮予約にする", render_kw={"class": "form-check-input"})
            fields["memo"] = TextAreaField("メモ", render_kw={"class": "form-control", "rows": 3,
                                                              "maxlength": booking.booking.MEMO_MAX})
        return type("ReservationForm", (JapaneseForm,), fields)

    async def get_form_data_for_edit(self, obj: Reservation) -> dict[str, Any]:
        start = obj.start_at.astimezone(JST)
        return {"start_date": start.date().isoformat(), "start_time": start.strftime("%H:%M"),
                "staff_member_id": str(obj.staff_member_id) if obj.staff_member_id else None,
                "menu_ids": [str(item.menu_id) for item in obj.items]}

    def form_edit_query(self, request: Request) -> Select:
        return self._stmt_by_identifier(request.path_params["pk"]).options(selectinload(Reservation.items))

    async def insert_model(self, request: Request, data: dict) -> Any:
        async def perform(session: AsyncSession, actor: Actor) -> booking.Booked:
            # The form's own text (day, time, the picker's and checkboxes' values) is parsed here;
            # whether a customer and menus were chosen and exist is the booking service's rule.
            start_at, problems = parse_start(data.get("start_date"), data.get("start_time"))
            raw_customer = data.get("customer")
            customer_id = parse_id(raw_customer)
            if raw_customer not in (None, "", "__None") and customer_id is None:
                problems.insert(0, FieldError("customer", ErrorCode.NOT_FOUND, "お客様が見つかりません。"))
            menu_ids, menu_problems = _ids(data.get("menu_ids"))
            channel = data.get("channel") or ReservationChannel.PHONE.value
            if channel not in {c.value for c in STAFF_CHANNELS}:
                problems.append(FieldError("channel", ErrorCode.INVALID, "予約経路が正しくありません。"))
            request_ = booking.BookingRequest(
                customer_id=customer_id, start_at=start_at, menu_ids=menu_ids,
                staff_member_id=parse_id(data.get("staff_member_id")),
                channel=ReservationChannel(channel) if not problems else ReservationChannel.PHONE,
                memo=data.get("memo"), tentative=bool(data.get("tentative")))
            return await _with_form_problems(problems + menu_problems, booking.create_reservation(
                session, request_, actor))

        return _pass_on_warnings(request, await mutate(self, request, perform, refusal=_refusal))

    async def update_model(self, request: Request, pk: str, data: dict) -> Any:
        async def perform(session: AsyncSession, actor: Actor) -> booking.Booked:
            reservation_id = parse_id(pk)
            if reservation_id is None:
                raise DomainError(ErrorCode.NOT_FOUND, "予約が見つかりません。")
            start_at, problems = parse_start(data.get("start_date"), data.get("start_time"))
            menu_ids, menu_problems = _ids(data.get("menu_ids"))
            change = booking.Reschedule(start_at=start_at, staff_member_id=parse_id(data.get("staff_member_id")),
                                        menu_ids=menu_ids)
            return await _with_form_problems(problems + menu_problems, booking.reschedule_reservation(
                session, reservation_id, change, actor))

        return _pass_on_warnings(request, await mutate(self, request, perform, refusal=_refusal))

    # ------------------------------------------------------------------ status changes (POST only)

    @expose("/status/{pk}", methods=["POST"])
    async def change_status(self, request: Request) -> Response:
        """キャンセル（お客様都合・店舗都合）, 来店済み, 無断キャンセル from the details page."""
        operations = {"cancel_by_customer": booking.cancel_by_customer, "cancel_by_store": booking.cancel_by_store,
                      "visited": booking.mark_visited, "no_show": booking.mark_no_show}
        reservation_id = parse_id(request.path_params.get("pk"))
        back = str(request.url_for("admin:details", identity=self.identity, pk=reservation_id or 0))
        return await post_reservation_operation(self, request, operations, reservation_id=reservation_id,
                                                back=back, title="予約の変更", back_label="予約に戻る")
