"""予約 forms in the admin: create, reschedule and status changes through services.booking.

Every write goes through the booking service, so the admin refuses exactly what the
other channels refuse (a blacklisted customer, a busy stylist …) and shows the
service's Japanese message on the page. Nothing changes on a GET: the status changes
are POST forms carrying the CSRF token.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
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

from admin import reservation_messages
from admin.display import JST, format_day
from admin.errors import AdminError
from admin.forms import BLANK_CHOICE, JapaneseForm, choices_of
from admin.flag_views import PRESELECTED, CustomerLoader, customer_picker, preselect_customer
from admin.mutation import mutate
from admin.notices import warn
from admin.reservation_views import DateFilter, ReservationListBase, post_reservation_operation
from admin.widgets import NO_BROWSER_CHECK, CheckboxListField, RequiredMark
from models import Customer, Menu, Reservation, ReservationChannel, ReservationMenu, StaffMember
from services import booking
from services.actor import Actor
from services.errors import DomainError, ErrorCode, FieldError
from services.ids import parse_id
from services.store import get_store_settings

#: The booking service's field names → this form's.
FORM_FIELDS = {"customerId": "customer", "startAt": "start_date", "endAt": "start_time", "menuIds": "menu_ids",
               "staffId": "staff_member_id", "memo": "memo"}
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


async def _pass_on_warnings(view: Any, request: Request, booked: booking.Booked) -> Any:
    """What the booking service warns staff about (an unpaid cancellation fee …) goes to the next page,
    and who was booked, for the message after the save (ReservationAdmin.after_save)."""
    for warning in booked.warnings:
        warn(request, warning, WARNING_TITLE)
    customer_id = booked.reservation.customer_id
    async with view.session_maker() as session:
        customer = await session.get(Customer, customer_id) if customer_id is not None else None
    request.state.booked_customer = f"{customer.full_name}様" if customer is not None else "お客様"
    return booked.reservation


def _ids(values: Any, problems: list[FieldError]) -> list[int]:
    ids = [parse_id(v) for v in values or []]
    if any(i is None for i in ids):
        problems.append(FieldError("menu_ids", ErrorCode.NOT_FOUND, "指定されたメニューが見つかりません。"))
    return [i for i in ids if i is not None]


def _every_problem(problems: list[FieldError], write: Callable[[AsyncSession, Actor], Awaitable[booking.Booked]]
                   ) -> tuple[Callable[[AsyncSession, Actor], Awaitable[booking.Booked]],
                              Callable[[Request, DomainError], AdminError]]:
    """``mutate``'s perform and refusal for a booking form: the booking service runs even when the form
    itself has problems, so that staff see every problem of the form at once (the service's too: a busy
    stylist, a blacklisted customer); the form's own come first and the service's repeat none of their
    fields. Nothing is written when any is found."""

    async def perform(session: AsyncSession, actor: Actor) -> booking.Booked:
        booked = await write(session, actor)
        if problems:
            raise DomainError.many(problems)  # rolls the write back
        return booked

    def refusal(request: Request, exc: DomainError) -> AdminError:
        found = [] if exc.errors == problems else list(exc.errors)
        covered = {FORM_FIELDS.get(p.field or "", p.field) for p in problems}
        if covered & {"start_date", "start_time"}:
            covered |= {"start_date", "start_time"}
        merged = problems + [e for e in found
                             if FORM_FIELDS.get(e.field or "", e.field) not in covered or e.field is None]
        return _refusal(request, DomainError.many(merged))

    return perform, refusal


class ReservationAdmin(ReservationListBase, model=Reservation):
    name = name_plural = "予約"  # sqladmin names a model view after its model unless the class says
    details_template = "salon/reservation_details.html"
    edit_template = "salon/reservation_edit.html"
    column_labels = {**ReservationListBase.column_labels, Reservation.cancel_fee_paid_by: "キャンセル料受領者"}
    non_link_related_fields = [*ReservationListBase.non_link_related_fields, Reservation.cancel_fee_paid_by]
    # The fee's receipt (when, by whom) after the fee, before its waiver.
    column_details_list = [*ReservationListBase.details_booking, Reservation.cancel_fee_paid_at,
                           Reservation.cancel_fee_paid_by, *ReservationListBase.details_record]
    form_ajax_refs = {"customer": {"fields": ("customer_no",), "limit": 20}}
    form_create_rules = ["customer", "start_date", "start_time", "staff_member_id", "menu_ids", "channel",
                         "tentative", "visited", "memo"]
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
            fields["customer"] = customer_picker(self, default=PRESELECTED.get)
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
            fields["visited"] = BooleanField(
                "来店済みで登録（過去の来店の記録）", render_kw={"class": "form-check-input"},
                description="開始日時が過ぎた来店を記録します。来店回数などに反映されます。")
            fields["memo"] = TextAreaField("メモ", render_kw={"class": "form-control", "rows": 3,
                                                              "maxlength": booking.booking.MEMO_MAX})
        return type("ReservationForm", (JapaneseForm,), fields)

    async def create_context(self, request: Request) -> dict[str, Any]:
        """``?customer_id=`` chooses the customer of the form (right after 新規電話予約, or 「予約する」)."""
        await preselect_customer(self, request)
        return await super().create_context(request)

    async def get_form_data_for_edit(self, obj: Reservation) -> dict[str, Any]:
        start = obj.start_at.astimezone(JST)
        return {"start_date": start.date().isoformat(), "start_time": start.strftime("%H:%M"),
                "staff_member_id": str(obj.staff_member_id) if obj.staff_member_id else None,
                "menu_ids": [str(item.menu_id) for item in obj.items]}

    def form_edit_query(self, request: Request) -> Select:
        return self._stmt_by_identifier(request.path_params["pk"]).options(
            selectinload(Reservation.items).selectinload(ReservationMenu.menu), selectinload(Reservation.customer),
            selectinload(Reservation.staff_member))

    async def get_object_for_details(self, request: Request) -> Any:
        """The reservation, and each operation's confirmation naming the customer and the fee to follow."""
        obj = await super().get_object_for_details(request)
        if obj is not None:
            async with self.session_maker() as session:
                settings = await get_store_settings(session)
            request.state.operation_questions = reservation_messages.questions(
                obj, obj.customer, settings, datetime.now(JST))
        return obj

    def editing_label(self, obj: Reservation) -> str:
        """The reschedule form's heading: whose booking, and when it is now."""
        who = (f"{obj.customer.full_name}様（お客様番号 {obj.customer.customer_no}）" if obj.customer is not None
               else f"{obj.guest_name or ''}様（非会員）")
        start, end = obj.start_at.astimezone(JST), obj.end_at.astimezone(JST)
        return f"{who}の予約 {format_day(start.date())}{start:%H:%M}〜{end:%H:%M} を変更します"

    def editing_detail(self, obj: Reservation) -> str:
        stylist = obj.staff_member.name if obj.staff_member is not None else "指定なし"
        menus = "、".join(item.menu.name for item in obj.items) or "なし"
        return f"現在: 担当スタッフ {stylist}・メニュー {menus}・{obj.status.label}（予約 No. {obj.id}）"

    async def insert_model(self, request: Request, data: dict) -> Any:
        start_at, problems = parse_start(data.get("start_date"), data.get("start_time"))
        raw_customer = data.get("customer")
        customer_id = parse_id(raw_customer)
        if raw_customer not in (None, "", "__None") and customer_id is None:
            problems.insert(0, FieldError("customer", ErrorCode.NOT_FOUND, "お客様が見つかりません。"))
        menu_ids = _ids(data.get("menu_ids"), problems)
        channel = data.get("channel") or ReservationChannel.PHONE.value
        if channel not in {c.value for c in STAFF_CHANNELS}:
            problems.append(FieldError("channel", ErrorCode.INVALID, "予約経路が正しくありません。"))
            channel = ReservationChannel.PHONE.value
        request_ = booking.BookingRequest(
            customer_id=customer_id, start_at=start_at, menu_ids=menu_ids,
            staff_member_id=parse_id(data.get("staff_member_id")), channel=ReservationChannel(channel),
            memo=data.get("memo"), tentative=bool(data.get("tentative")), visited=bool(data.get("visited")))
        perform, refusal = _every_problem(
            problems, lambda session, actor: booking.create_reservation(session, request_, actor))
        booked = await mutate(self, request, perform, refusal=refusal)
        return await _pass_on_warnings(self, request, booked)

    async def update_model(self, request: Request, pk: str, data: dict) -> Any:
        reservation_id = parse_id(pk)
        if reservation_id is None:
            raise _refusal(request, DomainError(ErrorCode.NOT_FOUND, "予約が見つかりません。"))
        start_at, problems = parse_start(data.get("start_date"), data.get("start_time"))
        change = booking.Reschedule(start_at=start_at, staff_member_id=parse_id(data.get("staff_member_id")),
                                    menu_ids=_ids(data.get("menu_ids"), problems))
        perform, refusal = _every_problem(problems, lambda session, actor: booking.reschedule_reservation(
            session, reservation_id, change, actor))
        booked = await mutate(self, request, perform, refusal=refusal)
        return await _pass_on_warnings(self, request, booked)

    def after_save(self, request: Request, obj: Reservation, created: bool) -> tuple[str, str]:
        """「青木 花子様の予約（2026/12/10（木）13:00〜14:00）を登録しました。」, and the list on that day,
        where the receptionist sees the booking just made."""
        start, end = obj.start_at.astimezone(JST), obj.end_at.astimezone(JST)
        who = getattr(request.state, "booked_customer", "お客様")
        message = (f"{who}の予約（{format_day(start.date())}{start:%H:%M}〜{end:%H:%M}）を"
                   f"{'登録' if created else '変更'}しました。")
        url = request.url_for("admin:list", identity=self.identity).include_query_params(
            date=start.date().isoformat())
        return message, str(url)

    # ------------------------------------------------------------------ status changes (POST only)

    @expose("/status/{pk}", methods=["POST"])
    async def change_status(self, request: Request) -> Response:
        """仮予約の確定, 事前決済の受領, キャンセル（お客様都合・店舗都合）, 来店済み, 無断キャンセル from the
        details page (which of them a reservation offers is the template's; the service refuses the rest)."""
        operations = {"confirm": booking.confirm_reservation, "prepaid": booking.record_prepayment,
                      "cancel_by_customer": booking.cancel_by_customer, "cancel_by_store": booking.cancel_by_store,
                      "visited": booking.mark_visited, "no_show": booking.mark_no_show}
        reservation_id = parse_id(request.path_params.get("pk"))
        back = str(request.url_for("admin:details", identity=self.identity, pk=reservation_id or 0))
        return await post_reservation_operation(self, request, operations, reservation_id=reservation_id,
                                                back=back, title="予約の変更", back_label="予約に戻る")
