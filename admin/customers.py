"""顧客: list, search, details, and create / edit / delete through services.customers.

sqladmin's generic create/edit/delete would open their own session and set
attributes one by one, skipping normalisation, validation and the audit log;
here they call the customer service, and a DomainError comes back on the form.
"""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup
from sqladmin.fields import BooleanField, SelectField
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from starlette.requests import Request
from wtforms import IntegerField, StringField, TextAreaField
from wtforms import validators as v

from admin.base import JapaneseModelView
from admin.customer_line import LineLinkMixin, line_detail_cell
from admin.customer_page import customer_page_context, remember_list_url
from admin.customer_referrals import ReferralsMixin, referral_detail_cell
from admin.display import JST, datetime_cell, format_date, mark
from admin.forms import BLANK_CHOICE, JapaneseForm, choices_of, enum_coerce
from admin.flags import (
    caution_memos,
    customer_flags_cell,
    customer_name_cell,
    remember_flags,
    remember_unrecorded_match,
    shows_blacklist,
)
from admin.mutation import mutate
from admin.widgets import NO_BROWSER_CHECK, CheckboxListField, RequiredMark
from models import (
    Customer,
    CustomerFreeItemValue,
    FirstVisitMotive,
    FreeItem,
    Gender,
    InflowRoute,
    Occupation,
)
from services import customers as customer_service
from services import flags
from services import karte as karte_service
from services.audit import AuditEntity
from services.actor import Actor
from services.customer_fields import FIELDS, REQUIRED_BY_MODE, SETTABLE, CustomerField, Kind, Mode
from services.customer_search import free_text_clause, order_columns
from services.ids import require_id
from services.normalize import format_phone, format_postal_code, format_wareki
from services.permissions import Action

#: Every settable field of the customer field registry is on the form, in the registry's order, with
#: its label, what to type and an example; the required marks are the registry's too: the create form
#: marks what a full registration requires, the edit form the names and what the customer already has.
REQUIRED = REQUIRED_BY_MODE[Mode.FULL]
ALWAYS_REQUIRED = REQUIRED_BY_MODE[Mode.UPDATE]
SINGLE_LINE = (Kind.CUSTOMER_NO, Kind.NAME, Kind.KANA, Kind.PHONE, Kind.EMAIL, Kind.DATE, Kind.POSTAL_CODE,
               Kind.LINE_TEXT)
TEXT_FIELDS = tuple(n for n in SETTABLE if FIELDS[n].kind in (*SINGLE_LINE, Kind.NOTES))
BOOL_FIELDS = tuple(n for n in SETTABLE if FIELDS[n].kind is Kind.BOOL)
FREE_ITEM_PREFIX = "free_item_"
#: The masters a reference field chooses from (free-item choices are one select per free item).
MASTERS: dict[str, Any] = {"occupation_id": (Occupation, Occupation.sort_order),
                           "first_visit_motive_id": (FirstVisitMotive, FirstVisitMotive.sort_order),
                           "inflow_route_ids": (InflowRoute, InflowRoute.sort_order)}
#: Sortable list columns → services.customer_search order keys (or plain columns).
SORT_KEYS = {
    "customer_no": "customer_no",
    "full_name": "name_kana",  # Japanese lists sort names by their reading
    "full_name_kana": "name_kana",
    "last_visit_at": "last_visit_at",
    "visit_count": "visit_count",
    "registered_at": "registered_at",
}


def _sentence(text: str) -> str:
    return f"{text}。" if text and not text.endswith(("。", "）")) else text


def _text(spec: CustomerField, required: tuple[str, ...] = REQUIRED) -> StringField:
    render_kw = {"class": "form-control", **NO_BROWSER_CHECK}
    if spec.example:
        render_kw["placeholder"] = spec.example
    if spec.kind is Kind.POSTAL_CODE:
        # salon.js fills 都道府県 / 市区町村 / 住所 as soon as seven digits are typed (admin/postal.py).
        render_kw.update({"data-postal-code": "", "inputmode": "numeric", "autocomplete": "postal-code"})
    validators = [RequiredMark()] if spec.name in required else []
    return StringField(spec.label, description=_sentence(spec.hint) or None, render_kw=render_kw,
                       validators=validators)


def _select(label: str, choices: list[tuple[str, str]], **kwargs: Any) -> SelectField:
    return SelectField(label, choices=choices, coerce=int, allow_blank=True, blank_text=BLANK_CHOICE,
                       render_kw={"class": "form-control"}, **kwargs)


async def _field(spec: CustomerField, session_maker: Any, free_items: list[FreeItem]) -> dict[str, Any]:
    """The form field(s) of one registry field (free-item choices: one select per free item)."""
    kind, label = spec.kind, spec.label
    if kind in SINGLE_LINE:
        return {spec.name: _text(spec)}
    if kind is Kind.NOTES:
        return {spec.name: TextAreaField(label, description=_sentence(spec.hint) or None,
                                         render_kw={"class": "form-control", "rows": 3})}
    if kind is Kind.ENUM:
        return {spec.name: SelectField(label, choices=Gender.choices(), coerce=enum_coerce(Gender),
                                       default=Gender[spec.default], render_kw={"class": "form-control"})}
    if kind is Kind.BOOL:
        return {spec.name: BooleanField(f"{label}可", default=spec.default, render_kw={"class": "form-check-input"})}
    if kind is Kind.COUNT:
        return {spec.name: IntegerField(label, default=spec.default, validators=[v.Optional()],
                                        render_kw={"class": "form-control"})}
    if kind is Kind.TAGS:
        return {spec.name: TextAreaField(label, description=f"1行に1つ（{spec.hint}）",
                                         render_kw={"class": "form-control", "rows": 3})}
    if spec.name == "free_item_choice_ids":
        return {f"{FREE_ITEM_PREFIX}{item.id}": _select(f"フリー項目{item.position}: {item.name}",
                                                        [(str(c.id), c.name) for c in item.choices])
                for item in free_items}
    choices = await choices_of(session_maker, *MASTERS[spec.name])
    if kind is Kind.REF_LIST:
        return {spec.name: CheckboxListField(label, coerce=int, choices=choices,
                                             description="当てはまるものをすべて選んでください。")}
    return {spec.name: _select(label, choices)}


async def build_customer_form(session_maker: Any) -> tuple[type[JapaneseForm], list[int]]:
    """The create/edit form with today's masters as choices (and the free-item ids it offers)."""
    async with session_maker() as session:
        free_items = list((await session.scalars(
            select(FreeItem).where(FreeItem.active.is_(True)).options(selectinload(FreeItem.choices))
            .order_by(FreeItem.position)
        )).all())
    fields: dict[str, Any] = {}
    for name in SETTABLE:
        fields.update(await _field(FIELDS[name], session_maker, free_items))
    return type("CustomerForm", (JapaneseForm,), fields), [item.id for item in free_items]


def service_data(form_data: dict[str, Any]) -> dict[str, Any]:
    """The form's values as the ``data`` dict of services.customers: every settable field."""
    return {name: _form_value(FIELDS[name], form_data) for name in SETTABLE}


def _form_value(spec: CustomerField, form_data: dict[str, Any]) -> Any:
    value = form_data.get(spec.name)
    if spec.kind in (*SINGLE_LINE, Kind.NOTES):
        return value or ""
    if spec.kind is Kind.ENUM:
        return value or Gender[spec.default]
    if spec.kind is Kind.BOOL:
        return bool(value)
    if spec.kind is Kind.COUNT:
        return value or spec.default
    if spec.kind is Kind.TAGS:
        return [line.strip() for line in re.split(r"[\r\n]+", value or "") if line.strip()]
    if spec.name == "free_item_choice_ids":
        return [int(v) for key, v in form_data.items() if key.startswith(FREE_ITEM_PREFIX) and v]
    if spec.kind is Kind.REF_LIST:
        return [int(i) for i in value or []]
    return value


def _phone_cell(model: Customer, attribute: str) -> str:
    return format_phone(model.phone)


def _postal_code_cell(model: Customer, attribute: str) -> str:
    return format_postal_code(model.postal_code)


def _birth_date_cell(model: Customer, attribute: str) -> str:
    """「1990/04/01（平成2年4月1日）」: staff read either calendar."""
    born = model.birth_date
    return f"{format_date(born)}（{format_wareki(born)}）" if born else ""


def _last_visit_cell(model: Customer, attribute: str) -> str:
    """The day only: the list's column is 最終来店日, and the time would push the phone out of view."""
    return format_date(model.last_visit_at.astimezone(JST)) if model.last_visit_at else ""


def _line_cell(model: Customer, attribute: str) -> str:
    return "登録済み" if model.line_user_id else ""


def _free_items_cell(model: Customer, attribute: str) -> list[str]:
    return [f"{fv.free_item.name}: {fv.choice.name}" for fv in model.free_item_values]


def _interval_cell(model: Customer, attribute: str) -> str:
    days = model.average_visit_interval_days
    return "" if days is None else f"{days:.1f}日"


class CustomerAdmin(LineLinkMixin, ReferralsMixin, JapaneseModelView, model=Customer):
    name = "顧客"
    name_plural = "顧客"
    category = "顧客管理"
    icon = "fa-solid fa-user"
    create_action = Action.CREATE_CUSTOMER
    edit_action = Action.EDIT_CUSTOMER
    delete_action = Action.DELETE_CUSTOMER  # the service decides for each customer, and says why
    list_template = "salon/customer_list.html"

    column_list = [
        Customer.customer_no, "full_name", "full_name_kana", Customer.phone, Customer.email,
        Customer.last_visit_at, Customer.visit_count, Customer.line_user_id,
    ]
    column_labels = {
        "full_name": "氏名",
        "full_name_kana": "セイメイ",
        Customer.line_user_id: "LINE",
        "flags": "要注意・ブラックリスト",
        "referrals": "紹介",
        Customer.inflow_routes: "流入経路",
        Customer.attributes: "顧客属性",
        Customer.free_item_values: "フリー項目",
        Customer.last_menu: "最終利用メニュー",
    }
    # On a front-desk iPad (820 px) these give way so that the phone number stays in view.
    column_list_desktop_only = ["email", "line_user_id"]
    column_formatters = {"full_name": customer_name_cell, Customer.phone: _phone_cell,
                         Customer.line_user_id: _line_cell, Customer.last_visit_at: _last_visit_cell}
    # ❗ / ⛔ and their memos head the customer's page (header_flags), so the profile leaves them out.
    column_details_list = [
        Customer.customer_no, Customer.last_name, Customer.first_name, Customer.last_name_kana,
        Customer.first_name_kana, Customer.phone, Customer.email, Customer.email_is_placeholder,
        Customer.birth_date, Customer.gender, Customer.postal_code, Customer.prefecture, Customer.city,
        Customer.address_line, Customer.line_name, Customer.line_user_id, Customer.line_picture_url,
        Customer.line_linked_at, Customer.attributes, Customer.inflow_routes, Customer.occupation,
        Customer.first_visit_motive, Customer.free_item_values, Customer.notes, Customer.mail_ok,
        Customer.phone_ok, Customer.dm_ok, Customer.pre_system_visit_count, Customer.registered_at,
        Customer.registration_path, Customer.withdrawn_at, Customer.created_at, Customer.updated_at,
        # The figures derived from reservations (services.customer_stats) have their own section of the
        # page (来店の集計), and an unpaid fee is said in its header.
        "referrals",
    ]
    column_formatters_detail = {
        "flags": customer_flags_cell,
        Customer.phone: _phone_cell,
        Customer.postal_code: _postal_code_cell,
        Customer.birth_date: _birth_date_cell,
        Customer.free_item_values: _free_items_cell,
        Customer.average_visit_interval_days: _interval_cell,
        Customer.line_user_id: line_detail_cell,
        "referrals": referral_detail_cell,
    }
    non_link_related_fields = [Customer.attributes, Customer.free_item_values]
    details_template = "salon/customer_details.html"
    column_sortable_list = list(SORT_KEYS)
    column_default_sort = [("registered_at", True)]
    # Any non-empty list shows sqladmin's search box; the matching is search_query's.
    column_searchable_list = [Customer.customer_no]

    def search_placeholder(self) -> str:
        return "氏名・フリガナ・お客様番号・電話番号"

    def list_query(self, request: Request) -> Select:
        # 退会者を表示 (?withdrawn=1): the withdrawn customers alone; otherwise they are left out.
        if request.query_params.get("withdrawn") == "1":
            return select(Customer).where(Customer.withdrawn_at.is_not(None))
        return select(Customer).where(Customer.withdrawn_at.is_(None))

    def search_query(self, stmt: Select, term: str) -> Select:
        clause = free_text_clause(term)
        return stmt if clause is None else stmt.where(clause)

    def sort_query(self, stmt: Select, request: Request) -> Select:
        key = request.query_params.get("sortBy")
        descending = request.query_params.get("sort", "asc") == "desc"
        if key not in SORT_KEYS:
            key, descending = "registered_at", True
        return stmt.order_by(*order_columns(SORT_KEYS[key], descending))

    async def list(self, request: Request):
        pagination = await super().list(request)
        await remember_flags(self.session_maker, request, pagination.rows, blacklist=True)
        remember_list_url(request)
        return pagination

    def details_query(self, request: Request) -> Select:
        return super().details_query(request).options(
            selectinload(Customer.last_menu),  # 来店の集計's 最終利用メニュー
            selectinload(Customer.free_item_values).selectinload(CustomerFreeItemValue.free_item),
            selectinload(Customer.free_item_values).selectinload(CustomerFreeItemValue.choice),
        )

    async def get_object_for_details(self, request: Request) -> Any:
        # sqladmin asks twice per page (its permission check, then the page): read the customer once.
        pk = request.path_params.get("pk")
        cached = getattr(request.state, "details_customer", None)
        if cached is not None and cached[0] == pk:
            return cached[1]
        customer = await super().get_object_for_details(request)
        if customer is not None:
            await remember_flags(self.session_maker, request, [customer], blacklist=True)
            async with self.session_maker() as session:
                possible = await flags.unrecorded_match(session, customer.id)
            if possible is not None:
                remember_unrecorded_match(request, customer.id, possible)
        request.state.details_customer = (pk, customer)
        return customer

    async def details_context(self, request: Request) -> dict[str, Any]:
        """The page's reservations, figures, tickets and changes (admin/customer_page.py)."""
        _, customer = request.state.details_customer
        page = await customer_page_context(self.session_maker, request, customer)
        shown = page["karte"]["shown"]
        if any(line.is_health_info for line in (*shown.latest_entries, *shown.latest_memos)):
            async def perform(session: AsyncSession, actor: Actor) -> None:  # 要配慮個人情報: who read it, when
                await karte_service.record_health_reads(session, actor, AuditEntity.KARTE_ENTRY,
                                                        shown.latest_entries)
                await karte_service.record_health_reads(session, actor, AuditEntity.VISIT_MEMO, shown.latest_memos)

            await mutate(self, request, perform)
        return {"page": page}

    # ------------------------------------------------------------------ the customer's page

    def header_flags(self, model: Customer, request: Request) -> Markup:
        """❗ with the caution memo, ⛔ with why (own entry or a match), for the page's header."""
        flags_html = customer_flags_cell(model, "flags", request)
        return Markup("") if flags_html == Markup("なし") else flags_html

    def name_with_marks(self, model: Customer, request: Request) -> Markup:
        """❗ / ⛔ before the name; their memos are written in full under the header."""
        name = mark(model.full_name, caution_memos(request).get(model.id), with_memo=False)
        if shows_blacklist(request, model.id):
            name = Markup('<span class="text-danger">⛔</span> {}').format(name)
        return name

    def phone_text(self, model: Customer) -> str:
        return format_phone(model.phone)

    def cancel_url(self, request: Request, obj: Customer) -> str:
        """「キャンセル」 on the profile form goes back to the customer's page, where 「編集」 was pressed."""
        return str(request.url_for("admin:details", identity=self.identity, pk=obj.id))

    def after_save(self, request: Request, obj: Customer, created: bool) -> tuple[str, str]:
        """Saved from 「編集」: back on the customer's page; registered: the list, as before."""
        message = f"{self.row_label(obj)}を{'登録' if created else '保存'}しました。"
        if created:
            return message, str(request.url_for("admin:list", identity=self.identity))
        return message, str(request.url_for("admin:details", identity=self.identity, pk=obj.id))

    # ------------------------------------------------------------------ forms

    async def scaffold_form(self, rules: list[str] | None = None):
        form_class, _ = await build_customer_form(self.session_maker)
        return form_class

    def form_edit_query(self, request: Request) -> Select:
        return self._stmt_by_identifier(request.path_params["pk"]).options(
            selectinload(Customer.attributes),
            selectinload(Customer.inflow_routes),
            selectinload(Customer.free_item_values),
        )

    async def get_form_data_for_edit(self, obj: Customer) -> dict[str, Any]:
        data: dict[str, Any] = {key: getattr(obj, key) for key in TEXT_FIELDS if key != "birth_date"}
        data["birth_date"] = obj.birth_date.isoformat() if obj.birth_date else ""
        data["phone"] = format_phone(obj.phone)  # 090-1111-2222, as the list shows it
        data["postal_code"] = format_postal_code(obj.postal_code)  # 164-0001, as it is written
        data["gender"] = obj.gender
        data["occupation_id"] = obj.occupation_id
        data["first_visit_motive_id"] = obj.first_visit_motive_id
        for key in BOOL_FIELDS:
            data[key] = getattr(obj, key)
        data["pre_system_visit_count"] = obj.pre_system_visit_count
        data["attributes"] = "\n".join(a.value for a in obj.attributes)
        data["inflow_route_ids"] = [r.id for r in obj.inflow_routes]
        for fv in obj.free_item_values:
            data[f"{FREE_ITEM_PREFIX}{fv.free_item_id}"] = fv.choice_id
        return data

    def mark_required(self, form: Any, obj: Customer | None = None) -> str:
        """Called by the edit template: a phone-only customer may still lack kana and e-mail, so
        only the name and what the customer already has (it cannot be blanked) are marked ＊."""
        if obj is not None:
            for key in REQUIRED:
                form[key].flags.required = key in ALWAYS_REQUIRED or bool(getattr(obj, key))
        return ""

    async def insert_model(self, request: Request, data: dict) -> Any:
        async def perform(session: AsyncSession, actor: Actor) -> Customer:
            return await customer_service.create_customer(session, service_data(data), actor)

        return await mutate(self, request, perform)

    async def update_model(self, request: Request, pk: str, data: dict) -> Any:
        async def perform(session: AsyncSession, actor: Actor) -> Customer:
            return await customer_service.update_customer(session, require_id(pk, "お客様"), service_data(data),
                                                          actor)

        return await mutate(self, request, perform)

    def row_label(self, model: Customer) -> str:
        """A customer as the front desk names one: 「山田 花子 様（お客様番号 000629）」."""
        return f"{model.full_name} 様（お客様番号 {model.customer_no}）"

    async def delete_model(self, request: Request, pk: Any) -> None:
        async def perform(session: AsyncSession, actor: Actor) -> None:
            await customer_service.delete_customer(session, require_id(pk, "お客様"), actor)

        await mutate(self, request, perform)


class PhoneCustomerAdmin(CustomerAdmin):
    """新規電話予約: the customers whose e-mail is still the placeholder, and 「+新規登録」 with the
    names and the phone only (services.customers.register_phone_customer). A save lands on the
    booking form with the new customer chosen; a customer is edited in 顧客 (its full form)."""

    identity = "phone-customer"
    audit_entity = "customer"  # its writes are customers' (services.customers), logged as such
    name = "電話予約のお客様"  # the create page reads 「電話予約のお客様を新規作成」
    name_plural = "新規電話予約"  # the menu and the list, as the manual names the screen
    icon = "fa-solid fa-phone"
    can_edit = False
    can_delete = False
    after_save_always = True
    create_button_label = "新規登録"
    column_list = [Customer.customer_no, "full_name", "full_name_kana", Customer.phone, Customer.email,
                   Customer.registered_at]
    column_list_desktop_only = ["email"]
    column_formatters = {**CustomerAdmin.column_formatters, Customer.registered_at: datetime_cell}

    def list_query(self, request: Request) -> Select:
        return select(Customer).where(Customer.withdrawn_at.is_(None), Customer.email_is_placeholder.is_(True))

    async def scaffold_form(self, rules: list[str] | None = None):
        fields = {name: _text(FIELDS[name], REQUIRED_BY_MODE[Mode.PHONE])
                  for name in customer_service.PHONE_FIELDS}
        return type("PhoneCustomerForm", (JapaneseForm,), fields)

    async def insert_model(self, request: Request, data: dict) -> Any:
        async def perform(session: AsyncSession, actor: Actor) -> Customer:
            values = {name: data.get(name) or "" for name in customer_service.PHONE_FIELDS}
            return await customer_service.register_phone_customer(session, values, actor)

        return await mutate(self, request, perform)

    def after_save(self, request: Request, obj: Customer, created: bool) -> tuple[str, str]:
        """「鈴木 ハナコ 様（お客様番号 000630）を登録しました。」 and the booking form with that customer."""
        return (f"{self.row_label(obj)}を登録しました。続けて予約を入力してください。",
                str(request.url_for("admin:create", identity="reservation").include_query_params(
                    customer_id=obj.id)))
