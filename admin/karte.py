"""技術カルテ and 来店メモ in the admin, through services.karte and services.visit_memos.

Both lists open on one customer (``?customer_id=``, the customer's page links here) with the
latest visit first, and a visit-date picker that moves between that customer's visits
(``?visit_date=``). A karte entry is written from the masters (分類, 詳細, and a 参照項目 phrase
that goes into the text, to be edited there); 「前回コピー」 opens the form filled from the
customer's latest entry (「コピー」 on a row: from that entry), and saving writes a new entry
that remembers its source. Nothing is written on a GET.

A health-information (要配慮個人情報) row shown in a list or on its page is written to the audit
log, as through GraphQL.
"""

from __future__ import annotations

from contextvars import ContextVar
from datetime import date
from typing import Any, ClassVar

from markupsafe import Markup
from sqladmin.fields import SelectField
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from wtforms import BooleanField, HiddenField, StringField, TextAreaField

from admin.base import JapaneseModelView
from admin.display import format_day, wrapping
from admin.errors import AdminError
from admin.flag_views import CustomerRowsMixin, customer_picker
from admin.flags import CautionMarkMixin, customer_cell, list_customer_cell
from admin.forms import BLANK_CHOICE, JapaneseForm, choices_of
from admin.mutation import mutate
from admin.notices import warn
from admin.widgets import NO_BROWSER_CHECK, RequiredMark
from models import Customer, KarteCategory, KarteDetail, KarteEntry, KartePhrase, StaffMember, VisitMemo
from services import karte as karte_service
from services import visit_memos
from services.actor import Actor
from services.audit import AuditEntity
from services.errors import DomainError, ErrorCode, FieldError
from services.ids import parse_id
from services.permissions import Action

CUSTOMERS = "顧客管理"
#: What an empty create form starts from: the chosen customer and, for 前回コピー, the source entry.
_START: ContextVar[dict[str, Any]] = ContextVar("karte_form_start", default={})
#: The services' field names → the forms'.
FORM_FIELDS = {"staff_id": "staff_member_id", "customer_id": "customer", "copy_from_id": "customer"}


def _start(key: str) -> Any:
    return lambda: _START.get().get(key)


def _text_cell(model: Any, attribute: str) -> Markup:
    text = getattr(model, attribute) or ""
    mark = Markup('<span class="badge bg-danger-lt me-1">健康情報</span>') if model.is_health_info else Markup("")
    return mark + wrapping(text[:120] + ("…" if len(text) > 120 else ""))


def _day_cell(model: Any, attribute: str) -> str:
    return format_day(getattr(model, attribute))


def _copy_cell(model: KarteEntry, attribute: str, request: Request) -> Markup:
    """「コピー」: a new entry of this customer that starts from this one (the form; nothing is written yet)."""
    url = request.url_for("admin:create", identity="karte-entry").include_query_params(
        customer_id=model.customer_id, copy_from=model.id)
    return Markup('<a class="btn btn-sm btn-outline-primary text-nowrap" href="{}">コピー</a>').format(url)


def _parse_day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value or "").strip()[:10])
    except ValueError:
        return None


class _VisitRowsAdmin(CautionMarkMixin, CustomerRowsMixin, JapaneseModelView):
    """What the karte and memo views share: one customer's rows by visit date, health reads audited,
    writes through the services."""

    category = CUSTOMERS
    entity: ClassVar[AuditEntity]
    list_template = "salon/karte_list.html"
    column_default_sort = [("visit_date", True), ("id", True)]
    column_sortable_list = ["visit_date"]
    column_searchable_list = ["text"]
    create_action = Action.WRITE_KARTE
    edit_action = Action.WRITE_KARTE
    delete_action = Action.WRITE_KARTE

    def list_query(self, request: Request) -> Select:
        """``?customer_id=``: that customer's rows; ``?visit_date=``: of that visit."""
        query = select(self.model)
        customer_id = parse_id(request.query_params.get("customer_id"))
        if customer_id is not None:
            query = query.where(self.model.customer_id == customer_id)
        day = _parse_day(request.query_params.get("visit_date"))
        if day is not None:
            query = query.where(self.model.visit_date == day)
        return query

    async def list(self, request: Request) -> Any:
        pagination = await super().list(request)
        await self._audit_reads(request, pagination.rows)
        customer_id = parse_id(request.query_params.get("customer_id"))
        request.state.karte_customer = None
        request.state.visit_dates = []
        if customer_id is not None:
            async with self.session_maker() as session:
                request.state.karte_customer = await session.get(Customer, customer_id)
                request.state.visit_dates = list((await session.scalars(
                    select(self.model.visit_date).where(self.model.customer_id == customer_id).distinct()
                    .order_by(self.model.visit_date.desc()))).all())
                request.state.latest_entry_id = await karte_service.latest_entry_id(session, customer_id)
        return pagination

    async def get_object_for_details(self, request: Request) -> Any:
        row = await super().get_object_for_details(request)
        if row is not None:
            await self._audit_reads(request, [row])
        return row

    async def _audit_reads(self, request: Request, rows: list[Any]) -> None:
        # sqladmin fetches a details or edit page's row twice (its access check, then the page): once here.
        seen: set[int] = getattr(request.state, "health_reads", set())
        rows = [row for row in rows if row.is_health_info and row.id not in seen]
        if not rows:
            return
        request.state.health_reads = seen | {row.id for row in rows}

        async def perform(session: AsyncSession, actor: Actor) -> None:
            await karte_service.record_health_reads(session, actor, self.entity, rows)

        await mutate(self, request, perform)

    async def create_context(self, request: Request) -> dict[str, Any]:
        """``?customer_id=`` chooses the customer of the form (for 前回コピー, ``?copy_from=``: the entry)."""
        start: dict[str, Any] = {}
        customer_id = parse_id(request.query_params.get("customer_id"))
        if customer_id is not None:
            async with self.session_maker() as session:
                start["customer"] = await session.get(Customer, customer_id)
        _START.set(start)
        return await super().create_context(request)

    def _refusal(self, request: Request, exc: DomainError) -> AdminError:
        exc.errors = [FieldError(FORM_FIELDS.get(e.field or "", e.field), e.code, e.message) for e in exc.errors]
        return AdminError.from_domain(request, exc)

    def _visit_data(self, data: dict, problems: list[FieldError]) -> dict[str, Any]:
        values: dict[str, Any] = {"text": data.get("text"), "is_health_info": bool(data.get("is_health_info"))}
        raw_day = str(data.get("visit_date") or "").strip()
        values["visit_date"] = _parse_day(raw_day) if raw_day else None
        if raw_day and values["visit_date"] is None:
            problems.append(FieldError("visit_date", ErrorCode.INVALID, "来店日の形式が正しくありません（例: 2026-04-01）。"))
        raw_staff = data.get("staff_member_id")
        values["staff_member_id"] = None if raw_staff in (None, "", "__None") else (parse_id(raw_staff) or -1)
        return values

    @staticmethod
    def _customer_id(data: dict, problems: list[FieldError]) -> int | None:
        raw = data.get("customer")
        customer_id = parse_id(raw)
        if raw not in (None, "", "__None") and customer_id is None:
            problems.append(FieldError("customer", ErrorCode.NOT_FOUND, "お客様が見つかりません。"))
        return customer_id

    def after_save(self, request: Request, obj: Any, created: bool) -> tuple[str, str]:
        """Back to the customer's list, where the row now shows."""
        url = request.url_for("admin:list", identity=self.identity).include_query_params(customer_id=obj.customer_id)
        return f"{self.name}を{'登録' if created else '保存'}しました。", str(url)

    after_save_always = True


class KarteEntryAdmin(_VisitRowsAdmin, model=KarteEntry):
    name = name_plural = "技術カルテ"
    icon = "fa-solid fa-notes-medical"
    entity = AuditEntity.KARTE_ENTRY
    copies = True
    column_list = [KarteEntry.visit_date, KarteEntry.customer, KarteEntry.category, KarteEntry.detail,
                   KarteEntry.text, KarteEntry.staff_member, "copy"]
    column_labels = {KarteEntry.customer: "お客様", KarteEntry.category: "カルテ分類",
                     KarteEntry.detail: "カルテ詳細", KarteEntry.staff_member: "担当スタッフ", "copy": "コピー"}
    column_formatters = {KarteEntry.customer: list_customer_cell, KarteEntry.text: _text_cell,
                         KarteEntry.visit_date: _day_cell, "copy": _copy_cell}
    column_formatters_detail = {KarteEntry.customer: customer_cell, KarteEntry.visit_date: _day_cell}
    column_details_list = [KarteEntry.customer, KarteEntry.visit_date, KarteEntry.category, KarteEntry.detail,
                           KarteEntry.text, KarteEntry.is_health_info, KarteEntry.staff_member,
                           KarteEntry.copied_from_id, KarteEntry.created_at, KarteEntry.updated_at]
    form_create_rules = ["customer", "copy_from", "visit_date", "category_id", "detail_id", "phrase",
                         "text", "staff_member_id", "is_health_info"]
    form_edit_rules = ["visit_date", "category_id", "detail_id", "phrase", "text", "staff_member_id",
                       "is_health_info"]

    async def scaffold_form(self, rules: list[str] | None = None):
        rules = rules or []
        async with self.session_maker() as session:
            categories = [(str(c.id), c.name) for c in (await session.scalars(
                select(KarteCategory).order_by(KarteCategory.sort_order, KarteCategory.id))).all()]
            names = dict(categories)
            details = [(str(d.id), f"{names.get(str(d.category_id), '')} / {d.name}") for d in (await session.scalars(
                select(KarteDetail).order_by(KarteDetail.category_id, KarteDetail.sort_order, KarteDetail.id))).all()]
            phrases = [(p.text, (f"{names[str(p.category_id)]}: " if str(p.category_id) in names else "") + p.text[:60])
                       for p in (await session.scalars(
                           select(KartePhrase).order_by(KartePhrase.category_id, KartePhrase.sort_order,
                                                        KartePhrase.id))).all()]
        staff = await choices_of(self.session_maker, StaffMember, StaffMember.display_order)
        fields: dict[str, Any] = {}
        if "customer" in rules:
            fields["customer"] = customer_picker(self, default=_start("customer"))
            fields["copy_from"] = HiddenField(default=_start("copy_from"))  # said above the form (notify)
        fields["visit_date"] = StringField("来店日", default=_start("visit_date"),
                                           description="空欄のときは今日の日付になります。",
                                           render_kw={"type": "date", "class": "form-control", **NO_BROWSER_CHECK})
        fields["category_id"] = SelectField("カルテ分類", choices=categories, allow_blank=True, blank_text=BLANK_CHOICE,
                                            default=_start("category_id"), render_kw={"class": "form-control"})
        fields["detail_id"] = SelectField("カルテ詳細", choices=details, allow_blank=True, blank_text=BLANK_CHOICE,
                                          default=_start("detail_id"), render_kw={"class": "form-control"})
        fields["phrase"] = SelectField("参照項目", choices=phrases, allow_blank=True, blank_text=BLANK_CHOICE,
                                       validate_choice=False,
                                       description="選ぶと内容に追加されます。追加した後で内容を編集できます。",
                                       render_kw={"class": "form-control", "data-append-to": "text"})
        fields["text"] = TextAreaField("内容", default=_start("text"), description=f"{karte_service.TEXT_MAX:,}文字以内",
                                       render_kw={"class": "form-control", "rows": 5,
                                                  "maxlength": karte_service.TEXT_MAX, **NO_BROWSER_CHECK})
        fields["staff_member_id"] = SelectField("担当スタッフ", choices=staff, allow_blank=True, blank_text=BLANK_CHOICE,
                                                default=_start("staff_member_id"), render_kw={"class": "form-control"})
        fields["is_health_info"] = BooleanField(
            "健康情報（要配慮個人情報）", default=_start("is_health_info"),
            description="アレルギー・肌の状態など。スタッフのみが閲覧でき、閲覧は変更履歴に記録されます。",
            render_kw={"class": "form-check-input"})
        return type("KarteEntryForm", (JapaneseForm,), fields)

    async def create_context(self, request: Request) -> dict[str, Any]:
        context = await super().create_context(request)
        start = dict(_START.get())
        source_id = parse_id(request.query_params.get("copy_from"))
        customer = start.get("customer")
        if source_id is not None and customer is not None:
            async with self.session_maker() as session:
                source = await session.get(KarteEntry, source_id)
            if source is not None and source.customer_id == customer.id:
                start.update(copy_from=str(source.id), text=source.text, is_health_info=source.is_health_info,
                             category_id=str(source.category_id) if source.category_id else None,
                             detail_id=str(source.detail_id) if source.detail_id else None,
                             staff_member_id=str(source.staff_member_id) if source.staff_member_id else None)
                warn(request, f"{format_day(source.visit_date)}の技術カルテ（No. {source.id}）をコピーしました。"
                              "来店日と内容を確かめて保存してください。", "前回コピー")
        _START.set(start)
        return context

    async def get_form_data_for_edit(self, obj: KarteEntry) -> dict[str, Any]:
        return {"visit_date": obj.visit_date.isoformat(), "text": obj.text, "is_health_info": obj.is_health_info,
                "category_id": str(obj.category_id) if obj.category_id else None,
                "detail_id": str(obj.detail_id) if obj.detail_id else None,
                "staff_member_id": str(obj.staff_member_id) if obj.staff_member_id else None}

    def _entry_data(self, data: dict, problems: list[FieldError]) -> dict[str, Any]:
        values = self._visit_data(data, problems)
        phrase = str(data.get("phrase") or "").strip()
        if phrase and phrase != "__None":  # without the page's script, the chosen phrase goes in here
            values["text"] = "\n".join(t for t in (str(values["text"] or "").rstrip(), phrase) if t)
        for key in ("category_id", "detail_id"):
            raw = data.get(key)
            values[key] = None if raw in (None, "", "__None") else (parse_id(raw) or -1)
        return values

    async def insert_model(self, request: Request, data: dict) -> Any:
        problems: list[FieldError] = []
        customer_id = self._customer_id(data, problems)
        values = self._entry_data(data, problems)
        raw_copy = str(data.get("copy_from") or "").strip()
        copy_from = parse_id(raw_copy) if raw_copy else None
        if raw_copy and copy_from is None:
            problems.append(FieldError("copy_from", ErrorCode.NOT_FOUND, "コピー元のカルテが見つかりません。"))

        async def perform(session: AsyncSession, actor: Actor) -> KarteEntry:
            if problems:
                raise DomainError.many(problems)
            return await karte_service.add_karte_entry(session, customer_id, values, actor, copy_from_id=copy_from)

        return await mutate(self, request, perform, refusal=self._refusal)

    async def update_model(self, request: Request, pk: str, data: dict) -> Any:
        problems: list[FieldError] = []
        values = self._entry_data(data, problems)

        async def perform(session: AsyncSession, actor: Actor) -> KarteEntry:
            entry_id = parse_id(pk)
            if problems or entry_id is None:
                raise DomainError.many(problems or [FieldError(None, ErrorCode.NOT_FOUND, "カルテが見つかりません。")])
            return await karte_service.update_karte_entry(session, entry_id, values, actor)

        return await mutate(self, request, perform, refusal=self._refusal)

    async def delete_model(self, request: Request, pk: Any) -> None:
        async def perform(session: AsyncSession, actor: Actor) -> None:
            entry_id = parse_id(pk)
            if entry_id is None:
                raise DomainError(ErrorCode.NOT_FOUND, "カルテが見つかりません。")
            await karte_service.remove_karte_entry(session, entry_id, actor)

        await mutate(self, request, perform, refusal=self._refusal)


class VisitMemoAdmin(_VisitRowsAdmin, model=VisitMemo):
    name = name_plural = "来店メモ"
    icon = "fa-solid fa-comment-dots"
    entity = AuditEntity.VISIT_MEMO
    copies = False
    can_delete = False  # corrected by editing
    column_list = [VisitMemo.visit_date, VisitMemo.customer, VisitMemo.text, VisitMemo.staff_member]
    column_labels = {VisitMemo.customer: "お客様", VisitMemo.staff_member: "担当スタッフ"}
    column_formatters = {VisitMemo.customer: list_customer_cell, VisitMemo.text: _text_cell,
                         VisitMemo.visit_date: _day_cell}
    column_formatters_detail = {VisitMemo.customer: customer_cell, VisitMemo.visit_date: _day_cell}
    column_details_list = [VisitMemo.customer, VisitMemo.visit_date, VisitMemo.text, VisitMemo.is_health_info,
                           VisitMemo.staff_member, VisitMemo.created_at, VisitMemo.updated_at]
    form_create_rules = ["customer", "visit_date", "text", "staff_member_id", "is_health_info"]
    form_edit_rules = ["visit_date", "text", "staff_member_id", "is_health_info"]

    async def scaffold_form(self, rules: list[str] | None = None):
        rules = rules or []
        staff = await choices_of(self.session_maker, StaffMember, StaffMember.display_order)
        fields: dict[str, Any] = {}
        if "customer" in rules:
            fields["customer"] = customer_picker(self, default=_start("customer"))
        fields["visit_date"] = StringField("来店日", description="空欄のときは今日の日付になります。",
                                           render_kw={"type": "date", "class": "form-control", **NO_BROWSER_CHECK})
        fields["text"] = TextAreaField("メモ", validators=[RequiredMark()],
                                       description=f"{karte_service.TEXT_MAX:,}文字以内",
                                       render_kw={"class": "form-control", "rows": 4,
                                                  "maxlength": karte_service.TEXT_MAX, **NO_BROWSER_CHECK})
        fields["staff_member_id"] = SelectField("担当スタッフ", choices=staff, allow_blank=True, blank_text=BLANK_CHOICE,
                                                render_kw={"class": "form-control"})
        fields["is_health_info"] = BooleanField(
            "健康情報（要配慮個人情報）",
            description="アレルギー・肌の状態など。スタッフのみが閲覧でき、閲覧は変更履歴に記録されます。",
            render_kw={"class": "form-check-input"})
        return type("VisitMemoForm", (JapaneseForm,), fields)

    async def get_form_data_for_edit(self, obj: VisitMemo) -> dict[str, Any]:
        return {"visit_date": obj.visit_date.isoformat(), "text": obj.text, "is_health_info": obj.is_health_info,
                "staff_member_id": str(obj.staff_member_id) if obj.staff_member_id else None}

    async def insert_model(self, request: Request, data: dict) -> Any:
        problems: list[FieldError] = []
        customer_id = self._customer_id(data, problems)
        values = self._visit_data(data, problems)

        async def perform(session: AsyncSession, actor: Actor) -> VisitMemo:
            if problems:
                raise DomainError.many(problems)
            return await visit_memos.add_visit_memo(session, customer_id, values, actor)

        return await mutate(self, request, perform, refusal=self._refusal)

    async def update_model(self, request: Request, pk: str, data: dict) -> Any:
        problems: list[FieldError] = []
        values = self._visit_data(data, problems)

        async def perform(session: AsyncSession, actor: Actor) -> VisitMemo:
            memo_id = parse_id(pk)
            if problems or memo_id is None:
                raise DomainError.many(problems or [FieldError(None, ErrorCode.NOT_FOUND, "来店メモが見つかりません。")])
            return await visit_memos.update_visit_memo(session, memo_id, values, actor)

        return await mutate(self, request, perform, refusal=self._refusal)
