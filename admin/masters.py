"""マスタ: the lists staff maintain (CRUD), and the store settings (one row, edit only)."""

from __future__ import annotations

from typing import Any

from sqladmin.fields import SelectField
from starlette.requests import Request
from wtforms import validators as v

from admin.base import JapaneseModelView, ManagerEditMixin
from admin.forms import BLANK_CHOICE, choices_of, in_range
from models import (
    BusinessHours,
    CalendarException,
    FirstVisitMotive,
    FreeItem,
    FreeItemChoice,
    InflowRoute,
    KarteCategory,
    KarteDetail,
    KartePhrase,
    Menu,
    Occupation,
    StaffMember,
    StoreSetting,
    TicketMenu,
)
from services.booking import prepayment_off_allowed
from services.calendar import WEEKDAYS
from services.store import get_store_settings

MASTER = "マスタ"
MAX_PRICE_YEN = 10_000_000  # no salon menu, ticket or fee costs ten million yen
SETTINGS = "設定"
SLOT_STEPS = (10, 15, 30, 60)


class _MasterListView(JapaneseModelView):
    """名称・表示順・有効 masters (流入経路, 職業, 初回来店動機)."""

    category = MASTER
    column_sortable_list = ["name", "sort_order", "active"]
    column_default_sort = [("sort_order", False), ("name", False)]
    column_searchable_list = ["name"]
    form_columns = ["name", "sort_order", "active"]
    form_args = {"name": {"validators": [v.InputRequired()]}}


class InflowRouteAdmin(_MasterListView, model=InflowRoute):
    name = name_plural = "流入経路"
    icon = "fa-solid fa-signs-post"
    column_list = [InflowRoute.name, InflowRoute.sort_order, InflowRoute.active]


class OccupationAdmin(_MasterListView, model=Occupation):
    name = name_plural = "職業"
    icon = "fa-solid fa-briefcase"
    column_list = [Occupation.name, Occupation.sort_order, Occupation.active]


class FirstVisitMotiveAdmin(_MasterListView, model=FirstVisitMotive):
    name = name_plural = "初回来店動機"
    icon = "fa-solid fa-lightbulb"
    column_list = [FirstVisitMotive.name, FirstVisitMotive.sort_order, FirstVisitMotive.active]


class FreeItemAdmin(JapaneseModelView, model=FreeItem):
    name = name_plural = "フリー項目"
    category = MASTER
    icon = "fa-solid fa-list-check"
    column_list = [FreeItem.position, FreeItem.name, FreeItem.active, FreeItem.choices]
    column_labels = {FreeItem.choices: "選択肢"}
    column_sortable_list = [FreeItem.position, FreeItem.name]
    column_default_sort = [("position", False)]
    form_columns = [FreeItem.position, FreeItem.name, FreeItem.active]  # choices: their own view
    form_args = {"position": {"validators": [v.InputRequired(), in_range(1, 4)],
                              "description": "1〜4（フリー項目は4つまで）"}}


class FreeItemChoiceAdmin(JapaneseModelView, model=FreeItemChoice):
    name = name_plural = "フリー項目の選択肢"
    category = MASTER
    icon = "fa-solid fa-list-ul"
    column_list = [FreeItemChoice.free_item, FreeItemChoice.name, FreeItemChoice.sort_order]
    column_labels = {FreeItemChoice.free_item: "フリー項目"}
    column_sortable_list = [FreeItemChoice.name, FreeItemChoice.sort_order]
    column_default_sort = [("free_item_id", False), ("sort_order", False)]
    form_columns = [FreeItemChoice.free_item, FreeItemChoice.name, FreeItemChoice.sort_order]


class MenuAdmin(JapaneseModelView, model=Menu):
    name = name_plural = "メニュー"
    category = MASTER
    icon = "fa-solid fa-scissors"
    column_list = [Menu.name, Menu.category, Menu.price, Menu.duration_minutes, Menu.sort_order, Menu.active]
    column_sortable_list = [Menu.name, Menu.category, Menu.price, Menu.duration_minutes, Menu.sort_order]
    column_default_sort = [("sort_order", False), ("name", False)]
    column_searchable_list = [Menu.name, Menu.category]
    form_columns = [Menu.name, Menu.category, Menu.price, Menu.duration_minutes, Menu.sort_order, Menu.active]
    form_args = {"price": {"validators": [in_range(0, MAX_PRICE_YEN)]},
                 "duration_minutes": {"validators": [in_range(1, 24 * 60)]}}


class StaffMemberAdmin(JapaneseModelView, model=StaffMember):
    name = name_plural = "スタッフ"
    category = MASTER
    icon = "fa-solid fa-user-tie"
    column_list = [StaffMember.name, StaffMember.name_kana, StaffMember.display_order, StaffMember.active]
    column_sortable_list = [StaffMember.name, StaffMember.name_kana, StaffMember.display_order]
    column_default_sort = [("display_order", False), ("name", False)]
    column_searchable_list = [StaffMember.name, StaffMember.name_kana]
    form_columns = [StaffMember.name, StaffMember.name_kana, StaffMember.display_order, StaffMember.active]


class KarteCategoryAdmin(JapaneseModelView, model=KarteCategory):
    name = name_plural = "カルテ分類"
    category = MASTER
    icon = "fa-solid fa-folder"
    column_list = [KarteCategory.name, KarteCategory.sort_order]
    column_sortable_list = [KarteCategory.name, KarteCategory.sort_order]
    column_default_sort = [("sort_order", False)]
    form_columns = [KarteCategory.name, KarteCategory.sort_order]


class KarteDetailAdmin(JapaneseModelView, model=KarteDetail):
    name = name_plural = "カルテ詳細"
    category = MASTER
    icon = "fa-solid fa-file-lines"
    column_list = [KarteDetail.category, KarteDetail.name, KarteDetail.sort_order]
    column_sortable_list = [KarteDetail.name, KarteDetail.sort_order]
    column_default_sort = [("category_id", False), ("sort_order", False)]
    form_columns = [KarteDetail.category, KarteDetail.name, KarteDetail.sort_order]


def _category_name(model: KartePhrase, attribute: str, request: Request) -> str:
    return getattr(request.state, "karte_categories", {}).get(model.category_id, "")


class KartePhraseAdmin(JapaneseModelView, model=KartePhrase):
    """カルテ参照項目. ``category_id`` has no relationship, so its select box is added by hand."""

    name = name_plural = "カルテ参照項目"
    category = MASTER
    icon = "fa-solid fa-quote-left"
    column_list = [KartePhrase.category_id, KartePhrase.text, KartePhrase.sort_order]
    column_formatters = {KartePhrase.category_id: _category_name}
    column_formatters_detail = {KartePhrase.category_id: _category_name}
    column_sortable_list = [KartePhrase.sort_order]
    column_default_sort = [("category_id", False), ("sort_order", False)]
    column_searchable_list = [KartePhrase.text]
    form_columns = [KartePhrase.text, KartePhrase.sort_order]

    async def _remember_categories(self, request: Request) -> list[tuple[str, str]]:
        choices = await choices_of(self.session_maker, KarteCategory, KarteCategory.sort_order)
        request.state.karte_categories = {int(k): name for k, name in choices}
        return choices

    async def list(self, request: Request):
        await self._remember_categories(request)
        return await super().list(request)

    async def get_object_for_details(self, request: Request) -> Any:
        await self._remember_categories(request)
        return await super().get_object_for_details(request)

    async def scaffold_form(self, rules: list[str] | None = None):
        form = await super().scaffold_form(rules)
        choices = await choices_of(self.session_maker, KarteCategory, KarteCategory.sort_order)
        field = SelectField("カルテ分類", choices=choices, coerce=int, allow_blank=True, blank_text=BLANK_CHOICE,
                            render_kw={"class": "form-control"})
        return type(form.__name__, (form,), {"category_id": field})

    async def get_form_data_for_edit(self, obj: KartePhrase) -> dict[str, Any]:
        return {**await super().get_form_data_for_edit(obj), "category_id": obj.category_id}


class TicketMenuAdmin(JapaneseModelView, model=TicketMenu):
    name = name_plural = "回数券メニュー"
    category = MASTER
    icon = "fa-solid fa-ticket"
    column_list = [TicketMenu.name, TicketMenu.price, TicketMenu.validity_days, TicketMenu.uses,
                   TicketMenu.active, TicketMenu.menus, TicketMenu.staff_members]
    column_labels = {TicketMenu.menus: "対象メニュー", TicketMenu.staff_members: "担当できるスタッフ"}
    column_sortable_list = [TicketMenu.name, TicketMenu.price, TicketMenu.validity_days, TicketMenu.uses]
    column_default_sort = [("name", False)]
    form_columns = [TicketMenu.name, TicketMenu.price, TicketMenu.validity_days, TicketMenu.uses,
                    TicketMenu.active, TicketMenu.menus, TicketMenu.staff_members]
    form_args = {
        "price": {"validators": [v.InputRequired(), in_range(0, MAX_PRICE_YEN)]},
        "validity_days": {"validators": [v.InputRequired(), in_range(1, 3650)]},
        "uses": {"validators": [v.InputRequired(), in_range(1, 1000)]},
    }


class StoreSettingAdmin(ManagerEditMixin, JapaneseModelView, model=StoreSetting):
    """店舗設定: the single row; it is created with defaults the first time the list opens."""

    name = name_plural = "店舗設定"
    category = SETTINGS
    icon = "fa-solid fa-store"
    can_create = False
    can_delete = False
    column_list = [StoreSetting.store_name, StoreSetting.use_prepayment, StoreSetting.cancel_deadline_hours,
                   StoreSetting.cancel_fee_percent, StoreSetting.cancel_fee_fixed_yen,
                   StoreSetting.placeholder_email_domain, StoreSetting.slot_minutes,
                   StoreSetting.booking_horizon_days, StoreSetting.booking_notice_minutes]
    form_excluded_columns = ["id", "created_at", "updated_at"]
    form_args = {
        "cancel_deadline_hours": {"validators": [v.InputRequired(), in_range(0, 30 * 24)]},
        "cancel_fee_percent": {"validators": [v.InputRequired(), in_range(0, 100)]},
        "cancel_fee_fixed_yen": {"validators": [v.InputRequired(), in_range(0, MAX_PRICE_YEN)]},
        "customer_no_digits": {"validators": [v.InputRequired(), in_range(1, 12)]},
        "customer_no_next": {"validators": [v.InputRequired(), in_range(1, 999_999_999)],
                             "description": "使用中の番号は自動で飛ばします。"},
        "booking_horizon_days": {"validators": [v.InputRequired(), in_range(1, 366)],
                                 "description": "予約サイト・LINEから何日先まで予約できるか。"},
        "booking_notice_minutes": {"validators": [v.InputRequired(), in_range(0, 14 * 24 * 60)],
                                   "description": "予約サイト・LINEは開始のこの分数前まで受け付けます（120 = 2時間前）。"},
        "hold_minutes": {"validators": [v.InputRequired(), in_range(1, 60)],
                         "description": "予約サイトで選んだ枠を、予約が終わるまで押さえておく分数。"},
        "placeholder_email_domain": {"validators": [v.InputRequired()],
                                     "description": "電話番号だけで登録したお客様の仮メールアドレスに使います。"},
    }

    async def scaffold_form(self, rules: list[str] | None = None):
        form = await super().scaffold_form(rules)
        field = SelectField("予約枠の間隔(分)", choices=[(str(m), f"{m}分") for m in SLOT_STEPS], coerce=int,
                            validators=[v.InputRequired()], render_kw={"class": "form-control"},
                            description="予約サイト・LINEに出す開始時刻の間隔（開店時刻から数えます）。")
        return type(form.__name__, (form,), {"slot_minutes": field})

    async def list(self, request: Request):
        async with self.session_maker() as session, session.begin():
            await get_store_settings(session)
        return await super().list(request)

    async def on_model_change(self, data: dict, model: Any, is_created: bool, request: Request) -> None:
        # Prepayment-only statuses mean nothing without prepayment: refused (with how many) while any remain.
        if model.use_prepayment and not data.get("use_prepayment"):
            async with self.session_maker() as session:
                await prepayment_off_allowed(session)
        await super().on_model_change(data, model, is_created, request)


def _weekday_name(model: Any, attribute: str, request: Request | None = None) -> str:
    return f"{WEEKDAYS[model.weekday]}曜日"


def _hours_cell(model: Any, attribute: str, request: Request | None = None) -> str:
    if model.opens_at is None or model.closes_at is None:
        return "定休日" if isinstance(model, BusinessHours) else "—"
    return f"{model.opens_at:%H:%M}〜{model.closes_at:%H:%M}"


class BusinessHoursAdmin(ManagerEditMixin, JapaneseModelView, model=BusinessHours):
    """営業時間: one row per weekday; a weekday without hours (or without a row) is 定休日 once any is set."""

    name = name_plural = "営業時間"
    category = SETTINGS
    icon = "fa-solid fa-clock"
    column_list = [BusinessHours.weekday, BusinessHours.opens_at]
    column_labels = {BusinessHours.opens_at: "営業時間（日本時間）"}
    column_formatters = {BusinessHours.weekday: _weekday_name, BusinessHours.opens_at: _hours_cell}
    column_formatters_detail = {BusinessHours.weekday: _weekday_name}
    column_default_sort = [("weekday", False)]
    form_columns = [BusinessHours.weekday, BusinessHours.opens_at, BusinessHours.closes_at]
    form_args = {"opens_at": {"description": "定休日は開店・閉店とも空欄にします（日本時間）。"}}

    async def scaffold_form(self, rules: list[str] | None = None):
        form = await super().scaffold_form(rules)
        field = SelectField("曜日", choices=[(str(i), f"{w}曜日") for i, w in enumerate(WEEKDAYS)], coerce=int,
                            validators=[v.InputRequired()], render_kw={"class": "form-control"})
        return type(form.__name__, (form,), {"weekday": field})


class CalendarExceptionAdmin(ManagerEditMixin, JapaneseModelView, model=CalendarException):
    """臨時休業・特別営業: a dated day that differs from the weekly hours (e.g. the New Year)."""

    name = name_plural = "臨時休業・特別営業"
    category = SETTINGS
    icon = "fa-solid fa-calendar-xmark"
    column_list = [CalendarException.day, CalendarException.kind, CalendarException.opens_at,
                   CalendarException.note]
    column_labels = {CalendarException.opens_at: "営業時間（日本時間）"}
    column_formatters = {CalendarException.opens_at: _hours_cell}
    column_sortable_list = [CalendarException.day]
    column_default_sort = [("day", True)]
    form_columns = [CalendarException.day, CalendarException.kind, CalendarException.opens_at,
                    CalendarException.closes_at, CalendarException.note]
    form_args = {"day": {"validators": [v.InputRequired()]},
                 "opens_at": {"description": "特別営業の日の開店・閉店（日本時間）。臨時休業は空欄。"},
                 "note": {"validators": [v.Length(max=100)]}}
