"""要注意人物 and ブラックリスト screens, and the manager's "not the same person" for a blacklist match."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import replace
from typing import Any, ClassVar

from markupsafe import Markup
from sqladmin import expose
from sqladmin.ajax import QueryAjaxModelLoader
from sqladmin.fields import AjaxSelectField
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from wtforms import TextAreaField

from admin.base import JapaneseModelView
from admin.display import datetime_cell, memo_cell, wrapping
from admin.errors import AdminError
from admin.forms import JapaneseForm
from admin.flags import CautionMarkMixin, customer_cell, list_customer_cell
from admin.mutation import message_page, mutate, operate
from admin.widgets import NO_BROWSER_CHECK, RequiredMark
from models import BlacklistEntry, Caution, Customer
from services import flags as flag_service
from services.actor import Actor
from services.customer_search import free_text_clause
from services.errors import DomainError, ErrorCode, NotFound
from services.ids import parse_id, require_id

CUSTOMERS = "顧客管理"
MAX_FORM_BYTES = 20_000


class CustomerLoader(QueryAjaxModelLoader):
    """The customer picker searches like the customer list: name, kana (hiragana too), number, phone.

    Its options carry the marks of the lists: ❗ with the caution memo (as the option's tooltip and
    after the name), ⛔ for a customer the blacklist refuses (their own entry or a matched person);
    choosing one shows its ``warning`` under the picker at once (admin/static/salon.js), before the
    rest of the form is filled in. The admin is staff only, so ⛔ is never shown to a customer."""

    async def get_list(self, request: Request, term: str) -> list[Any]:
        clause = free_text_clause(term[:100])
        if clause is None:
            return []
        stmt = select(Customer).where(clause).order_by(Customer.customer_no).limit(self.limit)
        customers = await self.model_admin._run_query(stmt)
        if customers:
            async with self.model_admin.session_maker() as session:
                flagged = [c.id for c in customers if c.is_caution]
                memos = dict((await session.execute(select(Caution.customer_id, Caution.memo).where(
                    Caution.customer_id.in_(flagged)))).all()) if flagged else {}
                matches = await flag_service.find_blacklist_matches(session, [c.id for c in customers])
            for customer in customers:
                customer.picker_marks = (memos.get(customer.id), matches.get(customer.id))
        return customers

    def format(self, model: Any) -> dict[str, Any]:
        answer = super().format(model)
        caution, listed = getattr(model, "picker_marks", (None, None))
        if listed is not None:
            answer["text"] = f"⛔ {answer['text']}"
            answer["warning"] = (f"⛔ このお客様はブラックリストに登録されているため予約できません"
                                 f"（{'、'.join(listed.reasons)}）。メモ: {listed.memo}")
            answer["level"] = "danger"
        elif caution is not None:
            answer["text"] = f"❗ {answer['text']}（{caution}）"
            answer["warning"] = f"❗ 要注意のお客様です。{caution}"
            answer["level"] = "warning"
        if caution is not None:
            answer["title"] = caution
        return answer


#: The customer a new form starts with (``?customer_id=`` of a create page, e.g. 「予約する」 on the
#: customer's page): set by :func:`preselect_customer` for the form built next in the same request.
PRESELECTED: ContextVar[Customer | None] = ContextVar("preselected_customer", default=None)


async def preselect_customer(view: Any, request: Request) -> None:
    """``?customer_id=`` chooses the customer of the form (an active one; anything else: none)."""
    customer_id = parse_id(request.query_params.get("customer_id"))
    customer = None
    if customer_id is not None:
        async with view.session_maker() as session:
            customer = await session.get(Customer, customer_id)
        if customer is not None and customer.withdrawn_at is not None:
            customer = None
    PRESELECTED.set(customer)


def customer_picker(view: Any, **kwargs: Any) -> AjaxSelectField:
    """The required お客様 select (search as you type), marked required the way every form marks it.

    ``kwargs`` go to the field (``default``: the customer an empty form starts with)."""
    return AjaxSelectField(
        view._form_ajax_refs["customer"], label="お客様", allow_blank=True, validators=[RequiredMark()],
        description="氏名・フリガナ（ひらがな可）・お客様番号・電話番号で検索して選びます。",
        render_kw={"placeholder": "お客様を検索", "class": "form-control", "style": "width: 100%",
                   **NO_BROWSER_CHECK}, **kwargs)


class CustomerRowsMixin:
    """For views of rows that belong to a customer (``model.customer``): the forms' お客様 picker
    (search as you type, with ❗ / ⛔) and the list's search by the customer, as the customer list
    searches."""

    form_ajax_refs = {"customer": {"fields": ("customer_no",), "limit": 20}}

    def __init__(self) -> None:
        super().__init__()  # type: ignore[misc]
        self._form_ajax_refs["customer"] = CustomerLoader(  # type: ignore[attr-defined]
            "customer", Customer, self, fields=("customer_no",), limit=20)

    def search_placeholder(self) -> str:
        return "お客様の氏名・フリガナ・お客様番号・電話番号"

    def search_query(self, stmt: Select, term: str) -> Select:
        clause = free_text_clause(term)
        return stmt if clause is None else stmt.join(self.model.customer).where(clause)  # type: ignore[attr-defined]


class _FlagAdmin(CautionMarkMixin, CustomerRowsMixin, JapaneseModelView):
    """Create (customer + memo), edit (memo), delete (the entry only) through services.flags."""

    kind: ClassVar[flag_service.FlagKind]
    category = CUSTOMERS
    column_labels = {"customer": "お客様"}
    column_formatters = {"customer": list_customer_cell, "memo": memo_cell, "created_at": datetime_cell,
                         "updated_at": datetime_cell}
    column_formatters_detail = {"customer": customer_cell}
    column_sortable_list = ["created_at", "updated_at"]
    column_default_sort = [("updated_at", True)]
    column_searchable_list = ["memo"]
    form_create_rules = ["customer", "memo"]
    form_edit_rules = ["memo"]

    async def _allowed(self, request: Request) -> bool:
        # Through the table, so that the 403 page says why (「店長・管理者のみが行える操作です。」).
        return self._table_allows(request, self.kind.action)

    async def check_can_create(self, request: Request) -> bool:
        return await self._allowed(request)

    async def check_can_edit(self, request: Request, model: Any) -> bool:
        return await self._allowed(request)

    async def check_can_delete(self, request: Request, model: Any) -> bool:
        return await self._allowed(request)

    async def scaffold_form(self, rules: list[str] | None = None):
        fields: dict[str, Any] = {}
        if rules and "customer" in rules:
            fields["customer"] = customer_picker(self)
        fields["memo"] = TextAreaField(
            "メモ", description=f"問題行動・過去のトラブル・対応方法など（{flag_service.MEMO_MAX}文字以内）",
            validators=[RequiredMark()],
            render_kw={"class": "form-control", "rows": 5, "maxlength": flag_service.MEMO_MAX,
                       **NO_BROWSER_CHECK})
        return type(f"{self.kind.model.__name__}Form", (JapaneseForm,), fields)

    async def get_form_data_for_edit(self, obj: Any) -> dict[str, Any]:
        return {"memo": obj.memo}

    def _refusal(self, request: Request, exc: DomainError) -> AdminError:
        for error in exc.errors:  # the service's customer_id is the form's customer
            if error.field == "customer_id":
                exc.errors[exc.errors.index(error)] = replace(error, field="customer")
        return AdminError.from_domain(request, exc)

    async def insert_model(self, request: Request, data: dict) -> Any:
        async def perform(session: AsyncSession, actor: Actor) -> Any:
            raw = data.get("customer")
            customer_id = parse_id(raw)
            if raw not in (None, "", "__None") and customer_id is None:
                raise NotFound("お客様", "customer_id")
            return await flag_service.add_flag(session, self.kind, customer_id, data.get("memo"), actor)

        return await mutate(self, request, perform, refusal=self._refusal)

    async def update_model(self, request: Request, pk: str, data: dict) -> Any:
        async def perform(session: AsyncSession, actor: Actor) -> Any:
            return await flag_service.update_flag(session, self.kind, require_id(pk, f"{self.kind.label}の登録"), data.get("memo"), actor)

        return await mutate(self, request, perform, refusal=self._refusal)

    async def delete_model(self, request: Request, pk: Any) -> None:
        async def perform(session: AsyncSession, actor: Actor) -> None:
            await flag_service.remove_flag(session, self.kind, require_id(pk, f"{self.kind.label}の登録"), actor)

        await mutate(self, request, perform, refusal=self._refusal)


def _caution_customer_cell(model: Any, attribute: str, request: Request) -> Markup:
    """The ❗ without the memo under the name: the row's memo column is that memo."""
    return wrapping(customer_cell(model, attribute, request, with_memo=False))


class CautionAdmin(_FlagAdmin, model=Caution):
    kind = flag_service.CAUTION
    column_formatters = {**_FlagAdmin.column_formatters, "customer": _caution_customer_cell}
    name = name_plural = "要注意人物"
    icon = "fa-solid fa-triangle-exclamation"
    column_list = [Caution.customer, Caution.memo, Caution.created_at, Caution.updated_at]
    column_details_exclude_list = [Caution.customer_id]


class BlacklistAdmin(_FlagAdmin, model=BlacklistEntry):
    kind = flag_service.BLACKLIST
    name = name_plural = "ブラックリスト"
    icon = "fa-solid fa-ban"
    column_list = [BlacklistEntry.customer, BlacklistEntry.memo, BlacklistEntry.created_at,
                   BlacklistEntry.updated_at]
    column_details_exclude_list = [BlacklistEntry.customer_id, BlacklistEntry.line_user_id]

    @expose("/clear-match/{customer_id}", methods=["POST"])
    async def clear_match(self, request: Request) -> Response:
        """別人として一致を解除: a POST from the customer's details page (CSRF-checked by the middleware)."""
        customer_id = parse_id(request.path_params.get("customer_id"))
        if customer_id is None:
            return await message_page(self, request, "ブラックリスト一致の解除", ["お客様が見つかりません。"],
                                str(request.url_for("admin:list", identity="customer")), 404)
        back = str(request.url_for("admin:details", identity="customer", pk=customer_id))
        if int(request.headers.get("content-length") or 0) > MAX_FORM_BYTES:
            return await message_page(self, request, "ブラックリスト一致の解除", ["入力が長すぎます。"], back, 413)
        async with request.form(max_files=0, max_fields=10) as form:
            entry_id = parse_id(form.get("entry_id"))
            memo = str(form.get("memo") or "")
        async def perform(session: AsyncSession, actor: Actor) -> None:
            if entry_id is None:
                raise DomainError(ErrorCode.NOT_FOUND, "このお客様に一致するブラックリスト登録が見つかりません。",
                                  "entry_id")
            await flag_service.clear_blacklist_match(session, customer_id, entry_id, actor, memo)

        return await operate(self, request, perform, title="ブラックリスト一致の解除", back=back)
