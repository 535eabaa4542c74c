"""変更履歴: the audit log as staff read it.

Who by name (「山田」, not an account id), what by the name staff know (a customer by name and
お客様番号, a reservation by its number and customer, a master by its name), and the changes with
labels: enum values by their Japanese label, ids of customers, staff and masters by name (and
number), times in Japan time, yen as yen, lists and objects as text rather than JSON, never cut.
The names of one page are read in one query per table before it renders.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from markupsafe import Markup
from sqlalchemy import Select, String, cast, false, or_, select
from starlette.requests import Request

from admin.base import ReadOnlyView
from admin.display import datetime_cell, format_datetime, wrapping
from admin.names import staff_name_cell
from models import (
    AuditLog,
    Customer,
    CustomerImport,
    FirstVisitMotive,
    FreeItem,
    FreeItemChoice,
    InflowRoute,
    KarteCategory,
    Menu,
    Occupation,
    StaffAccount,
    Reservation,
    StaffMember,
    TicketMenu,
)
from services import audit
from services import customers as customer_service
from services.audit import AuditAction, AuditEntity
from services.ids import parse_id

FIELD_LABELS = {**customer_service.FIELD_LABELS, "attributes": "顧客属性", "inflow_route_ids": "流入経路",
                "free_item_choice_ids": "フリー項目", "password": "パスワード", "login_id": "ログインID",
                "display_name": "表示名", "role": "権限", "active": "有効", "locked": "ロック",
                "login_limits": "ログイン制限", "name": "名称", "new_email": "新しいメールアドレス（確認待ち）",
                "sort_order": "表示順", "price": "料金", "position": "項目番号",
                "staff_member_id": "スタッフ", "staff_member": "スタッフ", "category_id": "分類",
                "free_item": "フリー項目", "free_item_id": "フリー項目",
                # Reservations (services.booking: the snapshot, the status changes' fields, the import).
                "operation": "操作", "customer_id": "お客様", "start_at": "開始日時", "end_at": "終了日時",
                "status": "予約ステータス", "channel": "予約経路", "menu_ids": "メニュー", "memo": "メモ",
                "cancel_kind": "キャンセル区分", "is_late_cancel": "直前キャンセル", "cancel_fee_yen": "キャンセル料",
                "cancelled_at": "キャンセル日時", "visited_at": "来店日時", "cancel_fee_paid_at": "キャンセル料受領日時",
                "cancel_fee_paid_by_id": "キャンセル料受領者", "cancel_fee_waived_at": "キャンセル料取消日時",
                "cancel_fee_waived_by_id": "キャンセル料取消者", "cancel_deadline_at": "キャンセル期限",
                "created_by_id": "登録者", "import_id": "一括登録", "use_prepayment": "事前決済機能"}
#: A customer as staff find one: 「山田 花子（お客様番号 000123）」.
CUSTOMER_NAME = (Customer.last_name + " " + Customer.first_name + "（お客様番号 " + Customer.customer_no + "）")
#: A staff account: 「佐藤（No. 3）」.
ACCOUNT_NAME = StaffAccount.display_name + "（No. " + cast(StaffAccount.id, String) + "）"
#: A reservation: 「No. 12 山田 花子（お客様番号 000123）」.
RESERVATION_NAME = ("No. " + cast(Reservation.id, String) + " " + select(CUSTOMER_NAME).where(
    Customer.id == Reservation.customer_id).correlate(Reservation).scalar_subquery())

#: Changed fields that hold ids of other rows → the table and the column that names them.
ID_FIELDS: dict[str, tuple[type, Any]] = {
    "occupation_id": (Occupation, Occupation.name),
    "first_visit_motive_id": (FirstVisitMotive, FirstVisitMotive.name),
    "inflow_route_ids": (InflowRoute, InflowRoute.name),
    "free_item_choice_ids": (FreeItemChoice, FreeItemChoice.name),
    "staff_member_id": (StaffMember, StaffMember.name),
    "category_id": (KarteCategory, KarteCategory.name),
    "free_item_id": (FreeItem, FreeItem.name),
    "last_menu_id": (Menu, Menu.name),
    "customer_id": (Customer, CUSTOMER_NAME),
    "menu_ids": (Menu, Menu.name),
    "cancel_fee_paid_by_id": (StaffAccount, ACCOUNT_NAME),
    "cancel_fee_waived_by_id": (StaffAccount, ACCOUNT_NAME),
    "created_by_id": (StaffAccount, ACCOUNT_NAME),
    "import_id": (CustomerImport, "No. " + cast(CustomerImport.id, String) + " " + CustomerImport.file_name),
}
#: Audit entities whose rows have a name staff know; the others are shown by number.
ENTITY_NAMES: dict[str, tuple[type, Any]] = {
    AuditEntity.CUSTOMER.value: (Customer, CUSTOMER_NAME),
    AuditEntity.STAFF_ACCOUNT.value: (StaffAccount, ACCOUNT_NAME),
    AuditEntity.RESERVATION.value: (Reservation, RESERVATION_NAME),
    AuditEntity.INFLOW_ROUTE.value: (InflowRoute, InflowRoute.name),
    AuditEntity.OCCUPATION.value: (Occupation, Occupation.name),
    AuditEntity.FIRST_VISIT_MOTIVE.value: (FirstVisitMotive, FirstVisitMotive.name),
    AuditEntity.FREE_ITEM.value: (FreeItem, FreeItem.name),
    AuditEntity.FREE_ITEM_CHOICE.value: (FreeItemChoice, FreeItemChoice.name),
    AuditEntity.MENU.value: (Menu, Menu.name),
    AuditEntity.STAFF_MEMBER.value: (StaffMember, StaffMember.name),
    AuditEntity.KARTE_CATEGORY.value: (KarteCategory, KarteCategory.name),
    AuditEntity.TICKET_MENU.value: (TicketMenu, TicketMenu.name),
}
NONE = "（なし）"
#: A time as the services record it (ISO 8601, UTC): shown in Japan time like every admin time.
ISO_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?([+-]\d\d:\d\d|Z)$")
#: When an entity's name column is an expression, the key a deleted row's last known name is under.
FALLBACK_KEYS = {Customer: "customer_no", StaffAccount: "display_name"}


def _names(request: Request) -> dict[tuple[type, int], str]:
    return getattr(request.state, "audit_names", {})


def _value_text(key: str, value: Any, names: dict[tuple[type, int], str]) -> str:
    if value is None or value == "" or value == []:
        return NONE
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    target = ID_FIELDS.get(key)
    if target is not None and not isinstance(value, str):
        ids = value if isinstance(value, list) else [value]
        return "、".join(names.get((target[0], i), f"（削除済み No. {i}）") for i in ids)
    if isinstance(value, list):
        return "、".join(_value_text(key, v, names) for v in value)
    if isinstance(value, dict):
        return "、".join(f"{FIELD_LABELS.get(k, k)}: {_value_text(k, v, names)}" for k, v in value.items())
    if isinstance(value, str) and ISO_TIME.match(value):
        return format_datetime(datetime.fromisoformat(value.replace("Z", "+00:00")))
    if key.endswith("_yen") and isinstance(value, int):
        return f"{value:,}円"
    return str(audit.value_label(key, value))


#: Fields whose value is itself a list: ``[old, new]`` only when both sides are lists (or unknown).
LIST_FIELDS = {"attributes", "inflow_route_ids", "free_item_choice_ids", "menu_ids"}


def _pair(key: str, value: Any) -> list[Any] | None:
    """``[old, new]`` when the value records a change, None when it is a plain value."""
    if not (isinstance(value, list) and len(value) == 2):
        return None
    if key in LIST_FIELDS and not all(v is None or v == "…" or isinstance(v, list) for v in value):
        return None
    return value


def changes_text(changes: dict[str, Any], names: dict[tuple[type, int], str]) -> str:
    parts = []
    for key, value in changes.items():
        label = FIELD_LABELS.get(key, key)
        pair = _pair(key, value)
        if pair is None:
            parts.append(f"{label}: {_value_text(key, value, names)}")
        elif pair[0] == "…":  # a collection: only its new content is recorded
            parts.append(f"{label}: {_value_text(key, pair[1], names)}")
        else:
            parts.append(f"{label}: {_value_text(key, pair[0], names)} → {_value_text(key, pair[1], names)}")
    return "、".join(parts)


def _changes_cell(model: AuditLog, attribute: str, request: Request) -> Markup:
    """Whole, never cut: a column of readable width whose text wraps (at 820 px too)."""
    return Markup('<div class="list-memo">{}</div>').format(changes_text(model.changes or {}, _names(request)))


def _changes_detail(model: AuditLog, attribute: str, request: Request) -> str:
    return changes_text(model.changes or {}, _names(request))


def _entity_cell(model: AuditLog, attribute: str) -> str:
    return audit.label_of(audit.AuditEntity, model.entity)


def _target_cell(model: AuditLog, attribute: str, request: Request) -> str:
    """The changed row as staff know it: お客様番号, a name; a deleted one by its last known name."""
    if model.entity_id is None:
        return ""
    target = ENTITY_NAMES.get(model.entity)
    if target is not None:
        name = _names(request).get((target[0], model.entity_id))
        if name:
            return name
        key = FALLBACK_KEYS.get(target[0]) or getattr(target[1], "key", "")
        before = (model.changes or {}).get(key)
        if isinstance(before, list) and before and before[0]:
            return f"{before[0]}（削除済み）"
        if isinstance(before, str) and before:
            return f"{before}（削除済み）"
        return "（削除済み）"
    return f"No. {model.entity_id}"


def _target_list_cell(model: AuditLog, attribute: str, request: Request) -> Markup:
    """In the list the target may break at its spaces: 「No. 3 青木 花子（お客様番号 000003）」."""
    return wrapping(_target_cell(model, attribute, request))


def _action_cell(model: AuditLog, attribute: str) -> str:
    return audit.label_of(audit.AuditAction, model.action)


def _actor_cell(model: AuditLog, attribute: str, request: Request) -> str:
    """A staff account by name and number (「佐藤（No. 3）」), as the changes name accounts; a customer
    or the system by its kind."""
    if model.actor_account_id is None:
        return model.actor_kind.label if model.actor_kind else ""
    return f"{staff_name_cell(model, attribute, request)}（No. {model.actor_account_id}）"


def _wanted(rows: list[AuditLog]) -> dict[tuple[type, Any], set[int]]:
    wanted: dict[tuple[type, Any], set[int]] = {}
    for row in rows:
        target = ENTITY_NAMES.get(row.entity)
        if target is not None and row.entity_id is not None:
            wanted.setdefault(target, set()).add(row.entity_id)
        for key, value in (row.changes or {}).items():
            if key not in ID_FIELDS:
                continue
            values = value if isinstance(value, list) else [value]
            flat = [v for item in values for v in (item if isinstance(item, list) else [item])]
            wanted.setdefault(ID_FIELDS[key], set()).update(v for v in flat if isinstance(v, int))
    return wanted


class AuditLogAdmin(ReadOnlyView, model=AuditLog):
    name = name_plural = "変更履歴"
    category = "設定"
    icon = "fa-solid fa-clock-rotate-left"
    # 実行者 names the account, or the kind when there is none (お客様, システム): no separate 実行者種別
    # column, which left the changes no room at 820 px.
    column_list = [AuditLog.at, AuditLog.actor_account_id, AuditLog.entity, AuditLog.entity_id, AuditLog.action,
                   AuditLog.changes]
    column_details_list = [AuditLog.at, AuditLog.actor_kind, AuditLog.actor_account_id, AuditLog.entity,
                           AuditLog.entity_id, AuditLog.action, AuditLog.changes]
    # 種類 (予約, 顧客 …) and 対象 (which one), not two columns headed 対象.
    column_labels = {AuditLog.actor_account_id: "実行者", AuditLog.entity: "種類", AuditLog.entity_id: "対象"}
    column_formatters = {AuditLog.changes: _changes_cell, AuditLog.entity: _entity_cell,
                         AuditLog.entity_id: _target_list_cell, AuditLog.action: _action_cell,
                         AuditLog.actor_account_id: _actor_cell, AuditLog.at: datetime_cell}
    column_formatters_detail = {**column_formatters, AuditLog.changes: _changes_detail,
                                AuditLog.entity_id: _target_cell}
    column_sortable_list = [AuditLog.at, AuditLog.entity, AuditLog.action]
    column_default_sort = [("at", True), ("id", True)]
    column_searchable_list = [AuditLog.entity, AuditLog.action]

    def search_placeholder(self) -> str:
        return "検索: 種類（予約・顧客 …）・操作（登録・変更 …）・対象の番号"

    def search_query(self, stmt: Select, term: str) -> Select:
        """The words staff read in the list (予約, 変更, ブラックリスト), not only the stored ones
        (``reservation``), and a number for the target's id."""
        words = term.strip()
        entities = [e.value for e in AuditEntity if words in e.label or words.lower() in e.value]
        actions = [a.value for a in AuditAction if words in a.label or words.lower() in a.value]
        clauses = [AuditLog.entity.in_(entities)] if entities else []
        clauses += [AuditLog.action.in_(actions)] if actions else []
        if (number := parse_id(words)) is not None:
            clauses.append(AuditLog.entity_id == number)
        return stmt.where(or_(*clauses)) if clauses else stmt.where(false())

    async def _remember_names(self, request: Request, rows: list[AuditLog]) -> None:
        names: dict[tuple[type, int], str] = {}
        wanted = _wanted(rows)
        if wanted:
            async with self.session_maker() as session:
                for (model, column), ids in wanted.items():
                    if not ids:
                        continue
                    pk = model.__mapper__.primary_key[0]
                    result = await session.execute(select(pk, column).where(pk.in_(ids)))
                    names.update({(model, r[0]): str(r[1]) for r in result})
        request.state.audit_names = names

    async def list(self, request: Request):
        pagination = await super().list(request)
        await self._remember_names(request, pagination.rows)
        return pagination

    async def get_object_for_details(self, request: Request) -> Any:
        row = await super().get_object_for_details(request)
        await self._remember_names(request, [row] if row is not None else [])
        return row
