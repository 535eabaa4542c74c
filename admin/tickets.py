"""回数券 (holders) in the admin: sell a ticket at checkout, change its expiry with the pencil on the
有効期限 column, filter by state and by an approaching expiry; a used ticket is never deleted
(no refund). Every rule is services.tickets'."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from markupsafe import Markup
from sqladmin import expose
from sqlalchemy import Select, inspect, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from wtforms import SelectField, StringField

from admin.base import JapaneseModelView, path_id
from admin.display import format_date, format_datetime, format_yen
from admin.errors import AdminError
from admin.flag_views import PRESELECTED, CustomerRowsMixin, customer_picker, preselect_customer
from admin.flags import CautionMarkMixin, customer_cell, list_customer_cell
from admin.forms import BLANK_CHOICE, JapaneseForm
from admin.mutation import message_page, mutate
from admin.notices import notify
from admin.widgets import NO_BROWSER_CHECK, RequiredMark
from models import TicketExpiryChange, TicketMenu, TicketPurchase
from services import tickets as ticket_service
from services.actor import Actor
from services.errors import DomainError, ErrorCode, NotFound
from services.ids import parse_id
from services.permissions import Action

STATES = [(ticket_service.TicketState.ACTIVE.value, "利用可"), (ticket_service.TicketState.EXPIRED.value, "期限切れ"),
          (ticket_service.TicketState.USED_UP.value, "使い切り")]
EXPIRING = "expiring30"  # the reminder list: usable, last day within 30 days
REMINDER_DAYS = 30


def _state_label(model: TicketPurchase, today: date) -> str:
    if model.used_count >= model.total_uses:
        return "使い切り"
    return "期限切れ" if model.expires_on < today else "利用可"


def _expiry_cell(model: TicketPurchase, attribute: str, request: Request) -> Markup:
    """有効期限 with the pencil (✎) that opens the expiry form."""
    url = request.url_for("admin:view-ticket-purchase-change_expiry", pk=model.id)
    return Markup('<span class="text-nowrap">{} <a href="{}" class="ms-1" title="有効期限を変更" '
                  'aria-label="有効期限を変更" data-testid="expiry-pencil">✎</a></span>').format(
        format_date(model.expires_on), url)


def _uses_cell(model: TicketPurchase, attribute: str) -> Markup:
    return Markup('<span class="text-nowrap">残り{}回</span> <span class="text-secondary text-nowrap">/ {}回</span>'
                  ).format(model.remaining, model.total_uses)


def _state_cell(model: TicketPurchase, attribute: str) -> str:
    return _state_label(model, ticket_service.today())


def _changes_cell(model: TicketPurchase, attribute: str) -> list[str]:
    """「2026/12/08 07:46 店長: 2027/01/06 → 2027/03/07（ご旅行のため延長）」, oldest first."""
    return [f"{format_datetime(c.changed_at)} {c.changed_by.display_name if c.changed_by else 'システム'}: "
            f"{format_date(c.old_expires_on)} → {format_date(c.new_expires_on)}"
            f"{'（' + c.reason + '）' if c.reason else ''}" for c in model.expiry_changes] or ["なし"]


class TicketStateFilter:
    """状態: 利用可 / 期限切れ / 使い切り / 30日以内に期限切れ (services.tickets' one rule)."""

    has_operator = False
    template = "sqladmin/filters/lookup_filter.html"
    title = "状態"
    parameter_name = "state"
    default_value = ticket_service.TicketState.ACTIVE.value  # the tickets a customer can still use

    async def lookups(self, request: Request, model: Any, run_query: Any) -> list[tuple[str, str]]:
        return [*STATES, (EXPIRING, f"{REMINDER_DAYS}日以内に期限切れ"), ("__all", "すべて")]

    async def get_filtered_query(self, query: Select, value: Any, model: Any) -> Select:
        today = ticket_service.today()
        if value == "__all":
            return query
        if value == EXPIRING:
            return query.where(ticket_service.expiring_clause(today, today + timedelta(days=REMINDER_DAYS)))
        try:
            state = ticket_service.TicketState(value or self.default_value)
        except ValueError:  # a value no link offers: the default list
            state = ticket_service.TicketState.ACTIVE
        return query.where(ticket_service.state_clause(state, today))


class TicketPurchaseAdmin(CautionMarkMixin, CustomerRowsMixin, JapaneseModelView, model=TicketPurchase):
    name = "回数券"
    name_plural = "回数券"
    category = "顧客管理"
    icon = "fa-solid fa-ticket-simple"
    create_button_label = "回数券を販売"
    list_template = "salon/list_with_filters.html"
    can_edit = False
    # What the front desk checks at a glance; the price paid and the expiry changes are on the details.
    column_list = [TicketPurchase.customer, TicketPurchase.ticket_menu, TicketPurchase.purchased_on,
                   TicketPurchase.expires_on, "uses", "state"]
    # On the tablet (820 px) the expiry, its pencil and the uses left stay in view.
    column_list_desktop_only = ["purchased_on", "state"]
    column_labels = {TicketPurchase.customer: "お客様", TicketPurchase.ticket_menu: "回数券", "uses": "残り回数",
                     "state": "状態", TicketPurchase.expiry_changes: "有効期限変更の履歴"}
    column_formatters = {TicketPurchase.customer: list_customer_cell, TicketPurchase.expires_on: _expiry_cell,
                         "uses": _uses_cell, "state": _state_cell,
                         TicketPurchase.price_paid: lambda m, a: format_yen(m.price_paid)}
    column_details_list = [TicketPurchase.customer, TicketPurchase.ticket_menu, TicketPurchase.purchased_on,
                           TicketPurchase.expires_on, "uses", "state", TicketPurchase.price_paid,
                           TicketPurchase.expiry_changes, TicketPurchase.created_at]
    column_formatters_detail = {**column_formatters, TicketPurchase.customer: customer_cell,
                                TicketPurchase.expiry_changes: _changes_cell}
    non_link_related_fields = [TicketPurchase.expiry_changes]
    column_sortable_list = [TicketPurchase.purchased_on, TicketPurchase.expires_on]
    column_default_sort = [("expires_on", False)]
    column_searchable_list = [TicketPurchase.purchased_on]
    column_filters = [TicketStateFilter()]
    form_create_rules = ["customer", "ticket_menu_id", "purchased_on"]

    def list_query(self, request: Request) -> Select:
        return select(TicketPurchase).options(selectinload(TicketPurchase.customer),
                                              selectinload(TicketPurchase.ticket_menu))

    def details_query(self, request: Request) -> Select:
        return super().details_query(request).options(
            selectinload(TicketPurchase.expiry_changes).selectinload(TicketExpiryChange.changed_by),
            selectinload(TicketPurchase.ticket_menu))

    def detail_title(self, model: TicketPurchase) -> str:
        return self.row_label(model)

    async def check_can_create(self, request: Request) -> bool:
        return self._table_allows(request, Action.SELL_TICKETS)

    async def check_can_delete(self, request: Request, model: Any) -> bool:
        return self._table_allows(request, Action.DELETE_TICKET_PURCHASE)

    def row_label(self, model: TicketPurchase) -> str:
        """「回数券「カット回数券5回」（2026/12/07 購入）」; the menu's name when it is loaded (not after a sale)."""
        menu = "" if "ticket_menu" in inspect(model).unloaded else f"「{model.ticket_menu}」"
        return f"回数券{menu}（{format_date(model.purchased_on)} 購入）"

    # ------------------------------------------------------------------ sale

    async def scaffold_form(self, rules: list[str] | None = None):
        async with self.session_maker() as session:
            menus = (await session.scalars(select(TicketMenu).where(TicketMenu.active.is_(True))
                                           .order_by(TicketMenu.name))).all()
        choices = [(str(m.id), f"{m.name}（{format_yen(m.price)}・{m.uses}回・{m.validity_days}日間）") for m in menus]
        return type("TicketSaleForm", (JapaneseForm,), {
            "customer": customer_picker(self, default=PRESELECTED.get),
            "ticket_menu_id": SelectField("回数券", choices=[("", BLANK_CHOICE), *choices], validators=[RequiredMark()],
                                          description="料金・回数・有効期限は回数券メニューから決まります。",
                                          render_kw={"class": "form-control"}),
            "purchased_on": StringField("購入日", description="空欄なら今日。未来の日付は指定できません。",
                                        render_kw={"type": "date", "class": "form-control", **NO_BROWSER_CHECK}),
        })

    async def create_context(self, request: Request) -> dict[str, Any]:
        """``?customer_id=`` chooses the buyer (「回数券を販売」 on the customer's page)."""
        await preselect_customer(self, request)
        return await super().create_context(request)

    async def insert_model(self, request: Request, data: dict) -> Any:
        async def perform(session: AsyncSession, actor: Actor) -> Any:
            customer_id = _form_id(data.get("customer"), "お客様", "customer_id")
            menu_id = _form_id(data.get("ticket_menu_id"), "回数券", "ticket_menu_id")
            return await ticket_service.purchase_ticket(session, customer_id, menu_id,
                                                        _form_date(data.get("purchased_on")), actor)

        return await mutate(self, request, perform, refusal=_refusal)

    async def delete_model(self, request: Request, pk: Any) -> None:
        async def perform(session: AsyncSession, actor: Actor) -> None:
            await ticket_service.delete_purchase(session, _form_id(pk, "回数券の購入", "id") or 0, actor)

        await mutate(self, request, perform)

    # ------------------------------------------------------------------ 有効期限変更 (the pencil)

    @expose("/expiry/{pk}", methods=["GET", "POST"])
    async def change_expiry(self, request: Request) -> Response:
        purchase_id = path_id(request, "pk")
        async with self.session_maker() as session:
            purchase = await session.scalar(select(TicketPurchase).where(TicketPurchase.id == purchase_id).options(
                selectinload(TicketPurchase.customer), selectinload(TicketPurchase.ticket_menu)))
        if purchase is None:
            return await self._not_found(request)
        errors: list[str] = []
        values = {"expires_on": purchase.expires_on.isoformat(), "reason": ""}
        if request.method == "POST":
            form = await request.form()
            values = {"expires_on": str(form.get("expires_on") or ""), "reason": str(form.get("reason") or "")}

            async def perform(session: AsyncSession, actor: Actor) -> TicketPurchase:
                return await ticket_service.change_ticket_expiry(
                    session, purchase_id, _form_date(values["expires_on"], "expires_on"), values["reason"] or None,
                    actor)

            try:
                changed = await mutate(self, request, perform)
            except AdminError as refused:
                errors = [e.message for e in refused.errors] or [str(refused)]
            else:
                notify(request, f"{self.row_label(purchase)}の有効期限を{format_date(changed.expires_on)}に"
                                "変更しました。")
                return RedirectResponse(str(request.url_for("admin:list", identity=self.identity)), status_code=303)
        return await self.templates.TemplateResponse(
            request, "salon/ticket_expiry.html",
            {"purchase": purchase, "values": values, "errors": errors, "model_view": self,
             "back_url": str(request.url_for("admin:list", identity=self.identity))},
            status_code=400 if errors else 200)

    async def _not_found(self, request: Request) -> Response:
        return await message_page(self, request, "有効期限の変更", ["回数券の購入が見つかりません。"],
                                  str(request.url_for("admin:list", identity=self.identity)), 404)


def _form_id(raw: Any, what: str, field: str) -> int | None:
    if raw in (None, "", "__None"):
        return None
    parsed = parse_id(raw)
    if parsed is None:
        raise NotFound(what, field)
    return parsed


def _form_date(raw: Any, field: str = "purchased_on") -> date | None:
    text = str(raw or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise DomainError(ErrorCode.INVALID_DATE, "日付の形式が正しくありません（例: 2026-12-31）。", field) from None


def _refusal(request: Request, exc: DomainError) -> AdminError:
    """The service's customer_id is the form's customer picker."""
    exc.errors = [replace(e, field="customer") if e.field == "customer_id" else e for e in exc.errors]
    return AdminError.from_domain(request, exc)

