"""非会員 (walk-ins) by day: each visit of a guest without a customer record, with 会員登録 (a POST: the
names, optionally the guest's other visits, through services.booking.walk_in), landing on the new
customer's page."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup
from sqladmin import expose
from sqladmin.fields import SelectField
from wtforms import StringField
from sqlalchemy import Select, select
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from admin.base import ReadOnlyView, path_id
from admin.forms import BLANK_CHOICE, JapaneseForm, choices_of
from admin.reservation_forms import _ids, parse_start
from admin.widgets import NO_BROWSER_CHECK, CheckboxListField, RequiredMark
from admin.csrf import FIELD_NAME, current_token
from admin.display import datetime_cell
from admin.errors import AdminError
from admin.mutation import message_page, mutate
from admin.reservation_views import DateFilter
from models import Menu, Reservation, StaffMember
from services.errors import DomainError, FieldError
from services.ids import parse_id
from services.booking import walk_in
from services.normalize import format_phone
from services.permissions import Action


class VisitDayFilter(DateFilter):
    title = "来店日"


def _phone_cell(model: Reservation, attribute: str) -> str:
    return format_phone(model.guest_phone) if model.guest_phone else ""


def _register_cell(model: Reservation, attribute: str, request: Request) -> Markup:
    last, _, first = (model.guest_name or "").replace("　", " ").partition(" ")
    url = request.url_for("admin:view-non-member-register", pk=model.id)
    return Markup(
        '<form method="post" action="{url}" class="d-flex flex-wrap gap-1 align-items-center" '
        'data-testid="register-{id}"><input type="hidden" name="{field}" value="{token}">'
        '<input name="last_name" value="{last}" class="form-control form-control-sm w-auto" size="6" '
        'aria-label="姓" placeholder="姓" required>'
        '<input name="first_name" value="{first}" class="form-control form-control-sm w-auto" size="6" '
        'aria-label="名" placeholder="名" required>'
        '<label class="form-check form-check-inline small mb-0"><input type="checkbox" name="same_guest" value="1" '
        'class="form-check-input" checked> 同じお客様の来店もまとめる</label>'
        '<button type="submit" class="btn btn-sm btn-primary">会員登録</button></form>'
    ).format(url=url, id=model.id, field=FIELD_NAME, token=current_token(), last=last, first=first.strip())


#: The service's field names → the form's.
FORM_FIELDS = {"guestName": "guest_name", "guestPhone": "guest_phone", "startAt": "start_time",
               "menuIds": "menu_ids", "staffId": "staff_member_id", "memo": "guest_name"}


def _refusal(request: Request, exc: DomainError) -> AdminError:
    exc.errors = [FieldError(FORM_FIELDS.get(e.field or "", e.field), e.code, e.message) for e in exc.errors]
    return AdminError.from_domain(request, exc)


class NonMemberAdmin(ReadOnlyView, model=Reservation):
    name = name_plural = "非会員"
    category = "予約"
    icon = "fa-solid fa-person-walking"
    column_list = [Reservation.start_at, Reservation.guest_name, Reservation.guest_phone, Reservation.staff_member,
                   "register"]
    column_labels = {Reservation.start_at: "来店日時", Reservation.staff_member: "担当スタッフ",
                     Reservation.guest_name: "お名前", Reservation.guest_phone: "電話番号",
                     "register": "会員登録"}
    column_formatters = {Reservation.start_at: datetime_cell, Reservation.guest_phone: _phone_cell,
                         "register": _register_cell}
    column_sortable_list = [Reservation.start_at]
    column_default_sort = [("start_at", False)]
    can_view_details = False
    list_template = "salon/list_with_filters.html"
    column_filters = [VisitDayFilter()]
    access_action = create_action = Action.MANAGE_RESERVATIONS
    can_create = True
    create_button_label = "非会員の来店を記録"

    async def scaffold_form(self, rules: list[str] | None = None):
        css = {"class": "form-control"}
        menus = await choices_of(self.session_maker, Menu, Menu.sort_order)
        staff = await choices_of(self.session_maker, StaffMember, StaffMember.display_order)
        fields: dict[str, Any] = {
            "guest_name": StringField("お名前", validators=[RequiredMark()], render_kw={**css, "maxlength": 100}),
            "guest_phone": StringField("電話番号", description="分かれば（会員登録のときに使います）。",
                                       render_kw={**css, "type": "tel"}),
            "start_date": StringField("来店日", validators=[RequiredMark()],
                                      render_kw={**css, "type": "date", **NO_BROWSER_CHECK}),
            "start_time": StringField("来店時刻", validators=[RequiredMark()],
                                      render_kw={**css, "type": "time", "step": 300, **NO_BROWSER_CHECK}),
            "staff_member_id": SelectField("担当スタッフ", choices=staff, allow_blank=True, blank_text=BLANK_CHOICE,
                                           render_kw=css),
            "menu_ids": CheckboxListField("メニュー", choices=menus, validate_choice=False, validators=[RequiredMark()]),
        }
        return type("WalkInForm", (JapaneseForm,), fields)

    async def insert_model(self, request: Request, data: dict) -> Any:
        start_at, problems = parse_start(data.get("start_date"), data.get("start_time"))
        menu_ids = _ids(data.get("menu_ids"), problems)
        visit = walk_in.WalkIn(guest_name=data.get("guest_name"), guest_phone=data.get("guest_phone"),
                               start_at=start_at, menu_ids=menu_ids,
                               staff_member_id=parse_id(data.get("staff_member_id")))

        async def perform(session: Any, actor: Any) -> Reservation:
            if problems:
                raise DomainError.many(problems)
            return await walk_in.record_walk_in(session, visit, actor)

        return await mutate(self, request, perform, refusal=_refusal)

    def list_query(self, request: Request) -> Select:
        return select(Reservation).where(Reservation.customer_id.is_(None))

    @expose("/{pk}/register", methods=["POST"])
    async def register(self, request: Request) -> Response:
        reservation_id = path_id(request, "pk")
        form = await request.form(max_files=0, max_fields=10)
        data = {"last_name": str(form.get("last_name") or ""), "first_name": str(form.get("first_name") or "")}

        async def perform(session: Any, actor: Any) -> Any:
            return await walk_in.register_non_member(session, [reservation_id], data, actor,
                                                     same_guest=form.get("same_guest") == "1")

        try:
            customer = await mutate(self, request, perform)
        except AdminError as exc:
            back = str(request.url_for("admin:list", identity=self.identity))
            return await message_page(self, request, "会員登録", [e.message for e in exc.errors] or [str(exc)],
                                      back, back_label="非会員一覧に戻る")
        return RedirectResponse(str(request.url_for("admin:details", identity="customer", pk=customer.id)),
                                status_code=303)


# sqladmin names a view after its model when the class is made; this one shares the model.
NonMemberAdmin.identity = "non-member"
