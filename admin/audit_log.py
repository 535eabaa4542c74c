"""変更履歴: the audit log as staff read it.

Who by name (「山田」, not an account id), what by the name staff know (a customer by its
お客様番号, a master by its name), and the changes with labels: enum values by their Japanese
label, ids of masters by the master's name, lists and objects as text rather than JSON.
The names of one page are read in one query per table before it renders.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from starlette.requests import Request

from admin.base import ReadOnlyView
from admin.names import staff_name_cell
from models import (
    AuditLog,
    Customer,
    FirstVisitMotive,
    FreeItem,
    FreeItemChoice,
    InflowRoute,
    KarteCategory,
    Menu,
    Occupation,
    StaffAccount,
    StaffMember,
    TicketMenu,
)
from services import audit
from services import customers as customer_service
from services.audit import AuditEntity

FIELD_LABELS = {**customer_service.FIELD_LABELS, "attributes": "顧客属性", "inflow_route_ids": "流入経路",
                "free_item_choice_ids": "フリー項目", "password": "パスワード", "login_id": "ログインID",
                "display_name": "表示名", "role": "権限", "active": "有効", "locked": "ロック",
                "login_limits": "ログイン制限", "name": "名称", "new_email": "新しいメールアドレス（確認待ち）",
                "sort_order": "表示順", "price": "料金", "position": "項目番号",
                "staff_member_id": "スタッフ", "staff_member": "スタッフ", "category_id": "分類",
                "free_item": "フリー項目", "free_item_id": "フリー項目"}

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
}
#: Audit entities whose rows have a name staff know; the others are shown by number.
ENTITY_NAMES: dict[str, tuple[type, Any]] = {
    AuditEntity.CUSTOMER.value: (Customer, Customer.customer_no),
    AuditEntity.STAFF_ACCOUNT.value: (StaffAccount, StaffAccount.display_name),
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
    return str(audit.value_label(key, value))


#: Fields whose value is itself a list: ``[old, new]`` only when both sides are lists (or unknown).
LIST_FIELDS = {"attributes", "inflow_route_ids", "free_item_choice_ids"}


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


def _changes_cell(model: AuditLog, attribute: str, request: Request) -> str:
    text = changes_text(model.changes or {}, _names(request))
    return text if len(text) <= 80 else text[:80] + "…"


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
        key = target[1].key
        before = (model.changes or {}).get(key)
        if isinstance(before, list) and before and before[0]:
            return f"{before[0]}（削除済み）"
        if isinstance(before, str) and before:
            return f"{before}（削除済み）"
        return "（削除済み）"
    return f"No. {model.entity_id}"


def _action_cell(model: AuditLog, attribute: str) -> str:
    return audit.label_of(audit.AuditAction, model.action)


def _actor_cell(model: AuditLog, attribute: str, request: Request) -> str:
    if model.actor_account_id is None:
        return model.actor_kind.label if model.actor_kind else ""
    return staff_name_cell(model, attribute, request)


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
    column_list = [AuditLog.at, AuditLog.actor_kind, AuditLog.actor_account_id, AuditLog.entity,
                   AuditLog.entity_id, AuditLog.action, AuditLog.changes]
    column_labels = {AuditLog.actor_account_id: "実行者", AuditLog.entity_id: "対象"}
    column_formatters = {AuditLog.changes: _changes_cell, AuditLog.entity: _entity_cell,
                         AuditLog.entity_id: _target_cell, AuditLog.action: _action_cell,
                         AuditLog.actor_account_id: _actor_cell}
    column_formatters_detail = {**column_formatters, AuditLog.changes: _changes_detail}
    column_sortable_list = [AuditLog.at, AuditLog.entity, AuditLog.action]
    column_default_sort = [("at", True), ("id", True)]
    column_searchable_list = [AuditLog.entity, AuditLog.action]

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
