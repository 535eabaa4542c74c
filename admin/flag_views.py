"""要注意人物 and ブラックリスト screens, and the manager's "not the same person" for a blacklist match."""

from __future__ import annotations

from sqladmin import expose
from sqlalchemy import Select
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from admin.auth import current_actor
from admin.base import ReadOnlyView
from admin.flags import CautionMarkMixin, customer_cell
from models import BlacklistEntry, Caution
from services import flags as flag_service
from services.customer_search import free_text_clause
from services.errors import DomainError, ErrorCode

CUSTOMERS = "顧客管理"
MAX_FORM_BYTES = 20_000


async def message_page(view, request: Request, title: str, messages: list[str], back_url: str,
                 status_code: int = 400, back_label: str = "戻る") -> Response:
    return await view.templates.TemplateResponse(
        request, "salon/message.html",
        {"title": title, "messages": messages, "back_url": back_url, "back_label": back_label},
        status_code=status_code)


def status_for(exc: DomainError) -> int:
    if exc.code == ErrorCode.PERMISSION_DENIED:
        return 403
    if exc.code == ErrorCode.NOT_FOUND:
        return 404
    return 400


def parse_id(value: object) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


class _FlagAdmin(CautionMarkMixin, ReadOnlyView):
    category = CUSTOMERS
    column_labels = {"customer": "お客様"}
    column_formatters = {"customer": customer_cell}
    column_formatters_detail = {"customer": customer_cell}
    column_sortable_list = ["created_at", "updated_at"]
    column_default_sort = [("updated_at", True)]
    column_searchable_list = ["memo"]

    def search_placeholder(self) -> str:
        return "お客様の氏名・フリガナ・お客様番号・電話番号"

    def search_query(self, stmt: Select, term: str) -> Select:
        clause = free_text_clause(term)
        return stmt if clause is None else stmt.join(self.model.customer).where(clause)


class CautionAdmin(_FlagAdmin, model=Caution):
    name = name_plural = "要注意人物"
    icon = "fa-solid fa-triangle-exclamation"
    column_list = [Caution.customer, Caution.memo, Caution.created_at, Caution.updated_at]
    column_details_exclude_list = [Caution.customer_id]


class BlacklistAdmin(_FlagAdmin, model=BlacklistEntry):
    name = name_plural = "ブラックリスト"
    icon = "fa-solid fa-ban"
    column_list = [BlacklistEntry.customer, BlacklistEntry.memo, BlacklistEntry.created_at,
                   BlacklistEntry.updated_at]
    column_details_exclude_list = [BlacklistEntry.customer_id]

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
        try:
            if entry_id is None:
                raise DomainError(ErrorCode.NOT_FOUND, "このお客様に一致するブラックリスト登録が見つかりません。",
                                  "entry_id")
            async with self.session_maker() as session, session.begin():
                await flag_service.clear_blacklist_match(session, customer_id, entry_id,
                                                         current_actor(request), memo)
        except DomainError as exc:
            return await message_page(self, request, "ブラックリスト一致の解除", [e.message for e in exc.errors], back,
                                status_for(exc))
        return RedirectResponse(back, status_code=303)
