"""営業報告 in the admin: the list with the manual's search (any part of the customer's name and/or
a range of reservation days, 「リセット」), create and edit through services.sales_reports, and
the page of one reservation: the reservation and its report, or 「営業報告は未作成です」.
"""

from __future__ import annotations

from contextvars import ContextVar
from datetime import date
from typing import Any

from markupsafe import Markup
from sqladmin import expose
from sqladmin.fields import SelectField
from sqlalchemy import Select, false, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from starlette.requests import Request
from starlette.responses import Response
from wtforms import StringField, TextAreaField

from admin.base import JapaneseModelView, path_id
from admin.display import format_datetime
from admin.errors import AdminError
from admin.flags import CautionMarkMixin, customer_cell, list_customer_cell, remember_flags
from admin.forms import BLANK_CHOICE, JapaneseForm, choices_of
from admin.mutation import mutate
from admin.widgets import NO_BROWSER_CHECK, RequiredMark
from models import Reservation, ReservationMenu, SalesReport, StaffMember
from services import sales_reports
from services.actor import Actor
from services.errors import DomainError, ErrorCode, FieldError
from services.ids import parse_id
from services.normalize import EARLIEST_DAY, LATEST_DAY
from services.permissions import Action

RESERVATIONS = "予約"
#: The search form's fields (GET parameters of the list).
SEARCH_FIELDS = ("name", "date_from", "date_to")
_RESERVATION: ContextVar[str | None] = ContextVar("sales_report_reservation", default=None)
#: The service's field names → this form's.
FORM_FIELDS = {"staff_id": "staff_member_id", "reservation_id": "reservation_id"}


def _reservation_cell(model: SalesReport, attribute: str, request: Request) -> Markup:
    r = model.reservation
    if r is None:
        return Markup("")
    url = request.url_for("admin:view-sales-report-by_reservation", pk=r.id)
    return Markup('<a href="{}">{}</a>').format(url, format_datetime(r.start_at))


def _parse_day(text: str, label: str, field: str, problems: list[str]) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text[:10]) if len(text) <= 10 else None
    except ValueError:
        day = None
    if day is None or not EARLIEST_DAY <= day <= LATEST_DAY:
        problems.append(f"{label}の形式が正しくありません（例: 2026-04-01）。")
        return None
    return day


def search_of(request: Request) -> tuple[sales_reports.SalesReportFilter | None, list[str]]:
    """The list's search form as the service's filter, or the problems to show above the list."""
    given = {key: request.query_params.get(key, "") for key in SEARCH_FIELDS}
    problems: list[str] = []
    date_from = _parse_day(given["date_from"], "予約日（開始）", "date_from", problems)
    date_to = _parse_day(given["date_to"], "予約日（終了）", "date_to", problems)
    if problems:
        return None, problems
    return sales_reports.SalesReportFilter(name=given["name"].strip() or None, date_from=date_from,
                                           date_to=date_to), []


def _nothing() -> Select:
    """No rows, with the reservation joined (the list's order reads its start)."""
    return (select(SalesReport).join(Reservation, Reservation.id == SalesReport.reservation_id)
            .where(false()))


class SalesReportAdmin(CautionMarkMixin, JapaneseModelView, model=SalesReport):
    name = name_plural = "営業報告"
    category = RESERVATIONS
    icon = "fa-solid fa-clipboard"
    list_template = "salon/sales_report_list.html"
    column_list = [SalesReport.reservation, SalesReport.customer, SalesReport.staff_member,
                   SalesReport.treatment, SalesReport.amount_yen]
    column_labels = {SalesReport.reservation: "予約日時", SalesReport.customer: "お客様",
                     SalesReport.staff_member: "担当スタッフ"}
    column_formatters = {SalesReport.reservation: _reservation_cell, SalesReport.customer: list_customer_cell}
    column_formatters_detail = {SalesReport.reservation: _reservation_cell, SalesReport.customer: customer_cell}
    column_details_list = [SalesReport.reservation, SalesReport.customer, SalesReport.staff_member,
                           SalesReport.treatment, SalesReport.customer_request, SalesReport.next_proposal,
                           SalesReport.products_sold, SalesReport.amount_yen, SalesReport.created_at,
                           SalesReport.updated_at]
    non_link_related_fields = [SalesReport.reservation]
    column_sortable_list = [SalesReport.amount_yen, SalesReport.created_at]
    form_create_rules = ["reservation_id", "staff_member_id", "treatment", "customer_request", "next_proposal",
                         "products_sold", "amount_yen"]
    form_edit_rules = form_create_rules[1:]
    create_action = Action.WRITE_KARTE
    edit_action = Action.WRITE_KARTE
    can_delete = False  # one report per reservation, corrected by editing
    after_save_always = True

    # ------------------------------------------------------------------ list and search

    def list_query(self, request: Request) -> Select:
        found, problems = search_of(request)
        request.state.report_search_problems = problems
        if found is None:
            return _nothing()
        try:
            query, parameters = sales_reports.sales_report_search(found)
        except DomainError as exc:
            problems.extend(e.message for e in exc.errors)
            return _nothing()
        return query.params(**parameters)

    def sort_query(self, stmt: Select, request: Request) -> Select:
        if request.query_params.get("sortBy"):
            return super().sort_query(stmt, request)
        return stmt.order_by(*sales_reports.ORDER)  # newest reservation first

    # ------------------------------------------------------------------ forms

    async def scaffold_form(self, rules: list[str] | None = None):
        rules = rules or []
        staff = await choices_of(self.session_maker, StaffMember, StaffMember.display_order)
        fields: dict[str, Any] = {}
        if "reservation_id" in rules:
            fields["reservation_id"] = StringField(
                "予約番号", default=_RESERVATION.get, validators=[RequiredMark()],
                description="予約の詳細画面の「営業報告」から開くと入力済みになります。",
                render_kw={"class": "form-control", "inputmode": "numeric", **NO_BROWSER_CHECK})
        fields["staff_member_id"] = SelectField("担当スタッフ", choices=staff, allow_blank=True,
                                                blank_text=BLANK_CHOICE, render_kw={"class": "form-control"},
                                                description="未選択のときは予約の担当スタッフになります。")
        for key, (label, limit) in sales_reports.TEXTS.items():
            fields[key] = TextAreaField(
                label, validators=[RequiredMark()] if key == "treatment" else [],
                description=f"{limit:,}文字以内",
                render_kw={"class": "form-control", "rows": 3, "maxlength": limit, **NO_BROWSER_CHECK})
        fields["amount_yen"] = StringField(
            "売上金額(円)", description=f"0〜{sales_reports.MAX_AMOUNT_YEN:,}円",
            render_kw={"class": "form-control", "inputmode": "numeric", **NO_BROWSER_CHECK})
        return type("SalesReportForm", (JapaneseForm,), fields)

    async def create_context(self, request: Request) -> dict[str, Any]:
        """``?reservation_id=`` fills in the reservation (the reservation's page links here)."""
        reservation_id = parse_id(request.query_params.get("reservation_id"))
        _RESERVATION.set(None if reservation_id is None else str(reservation_id))
        return await super().create_context(request)

    async def get_form_data_for_edit(self, obj: SalesReport) -> dict[str, Any]:
        return {"staff_member_id": str(obj.staff_member_id) if obj.staff_member_id else None,
                **{key: getattr(obj, key) for key in sales_reports.TEXTS}, "amount_yen": str(obj.amount_yen)}

    def _data(self, data: dict) -> dict[str, Any]:
        found = {key: data.get(key) for key in sales_reports.TEXTS}
        found["amount_yen"] = data.get("amount_yen")
        raw_staff = data.get("staff_member_id")
        if raw_staff not in (None, "", "__None"):
            found["staff_member_id"] = parse_id(raw_staff) or -1  # no such stylist: the service says so
        return found

    def _refusal(self, request: Request, exc: DomainError) -> AdminError:
        exc.errors = [FieldError(FORM_FIELDS.get(e.field or "", e.field), e.code, e.message) for e in exc.errors]
        return AdminError.from_domain(request, exc)

    async def insert_model(self, request: Request, data: dict) -> Any:
        raw = str(data.get("reservation_id") or "").strip()
        reservation_id = parse_id(raw)

        async def perform(session: AsyncSession, actor: Actor) -> SalesReport:
            if raw and reservation_id is None:
                raise DomainError(ErrorCode.NOT_FOUND, "予約が見つかりません。", "reservation_id")
            return await sales_reports.create_sales_report(session, reservation_id, self._data(data), actor)

        return await mutate(self, request, perform, refusal=self._refusal)

    async def update_model(self, request: Request, pk: str, data: dict) -> Any:
        async def perform(session: AsyncSession, actor: Actor) -> SalesReport:
            report_id = parse_id(pk)
            if report_id is None:
                raise DomainError(ErrorCode.NOT_FOUND, "営業報告が見つかりません。")
            changes = self._data(data)
            changes.setdefault("staff_member_id", None)
            return await sales_reports.update_sales_report(session, report_id, changes, actor)

        return await mutate(self, request, perform, refusal=self._refusal)

    def after_save(self, request: Request, obj: SalesReport, created: bool) -> tuple[str, str]:
        """Back to the reservation's page, where the report now shows under the reservation."""
        url = request.url_for("admin:view-sales-report-by_reservation", pk=obj.reservation_id)
        return f"営業報告を{'登録' if created else '保存'}しました。", str(url)

    # ------------------------------------------------------------------ one reservation

    @expose("/reservation/{pk}", methods=["GET"])
    async def by_reservation(self, request: Request) -> Response:
        """The reservation and its report, or the reservation alone with 「営業報告は未作成です」."""
        reservation_id = path_id(request, "pk")
        async with self.session_maker() as session:
            reservation = await session.scalar(
                select(Reservation).where(Reservation.id == reservation_id).options(
                    selectinload(Reservation.customer), selectinload(Reservation.staff_member),
                    selectinload(Reservation.items).selectinload(ReservationMenu.menu)))
            report = None if reservation is None else await session.scalar(
                select(SalesReport).where(SalesReport.reservation_id == reservation_id)
                .options(selectinload(SalesReport.staff_member)))
        if reservation is None:
            from starlette.exceptions import HTTPException

            raise HTTPException(status_code=404, detail="データが見つかりません。")
        await remember_flags(self.session_maker, request, [reservation.customer_id])
        return await self.templates.TemplateResponse(request, "salon/sales_report_page.html", {
            "model_view": self, "reservation": reservation, "report": report,
            "may_write": self._table_allows(request, Action.WRITE_KARTE),
            "customer": customer_cell(reservation, "customer", request),
            "start": format_datetime(reservation.start_at)})
