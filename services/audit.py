"""The audit log: every change of customer data is recorded (who, when, what)."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from models import AuditLog, CancelKind, Gender, ReservationChannel, ReservationStatus, StaffRole
from models.types import LabeledEnum
from services.actor import Actor


class AuditEntity(LabeledEnum):
    """What a change was made to; the value is what ``audit_logs.entity`` stores."""

    CUSTOMER = ("customer", "顧客")
    STAFF_ACCOUNT = ("staff_account", "スタッフアカウント")
    RESERVATION = ("reservation", "予約")
    SALES_REPORT = ("sales_report", "営業報告")
    CAUTION = ("caution", "要注意人物")
    BLACKLIST_ENTRY = ("blacklist_entry", "ブラックリスト")
    BLACKLIST_MATCH_CLEARANCE = ("blacklist_match_clearance", "ブラックリスト一致の解除")
    TICKET_PURCHASE = ("ticket_purchase", "回数券購入")
    MERGE_LOG = ("merge_log", "統合履歴")
    WITHDRAWAL = ("withdrawal", "退会")
    AUDIT_LOG = ("audit_log", "変更履歴")
    INFLOW_ROUTE = ("inflow_route", "流入経路")
    OCCUPATION = ("occupation", "職業")
    FIRST_VISIT_MOTIVE = ("first_visit_motive", "初回来店動機")
    FREE_ITEM = ("free_item", "フリー項目")
    FREE_ITEM_CHOICE = ("free_item_choice", "フリー項目の選択肢")
    MENU = ("menu", "メニュー")
    STAFF_MEMBER = ("staff_member", "スタッフ")
    KARTE_CATEGORY = ("karte_category", "カルテ分類")
    KARTE_DETAIL = ("karte_detail", "カルテ詳細")
    KARTE_PHRASE = ("karte_phrase", "カルテ参照項目")
    TICKET_MENU = ("ticket_menu", "回数券メニュー")
    STORE_SETTING = ("store_setting", "店舗設定")
    CUSTOMER_IMPORT = ("customer_import", "顧客の一括登録")
    BUSINESS_HOURS = ("business_hours", "営業時間")
    CALENDAR_EXCEPTION = ("calendar_exception", "臨時休業・特別営業")
    STAFF_SHIFT = ("staff_shift", "出勤")
    API_CLIENT = ("api_client", "サイト連携キー")
    REFERRAL = ("referral", "紹介")
    KARTE_ENTRY = ("karte_entry", "技術カルテ")
    VISIT_MEMO = ("visit_memo", "来店メモ")
    KARTE_IMAGE = ("karte_image", "画像カルテ")


class AuditAction(LabeledEnum):
    """What was done; the value is what ``audit_logs.action`` stores."""

    CREATE = ("create", "登録")
    UPDATE = ("update", "変更")
    DELETE = ("delete", "削除")
    MERGE = ("merge", "統合")
    ISSUE_TOKEN = ("issue_token", "顧客トークン発行")
    EMAIL_CHANGE_REQUESTED = ("email_change_requested", "メールアドレス変更の受付")
    CHANGE_EXPIRY = ("change_expiry", "有効期限変更")
    REVOKE = ("revoke", "無効化")
    LINK_LINE = ("link_line", "LINE連携")
    UNLINK_LINE = ("unlink_line", "LINE連携の解除")
    WITHDRAW = ("withdraw", "退会")
    #: 要配慮個人情報 (health information) was shown to someone: who and when, per entry.
    READ_HEALTH_INFO = ("read_health_info", "健康情報の閲覧")


#: Fields whose stored value is an enum member: shown by its Japanese label (「未回答 → 男性」).
ENUM_FIELDS: dict[str, type[LabeledEnum]] = {"gender": Gender, "role": StaffRole, "status": ReservationStatus,
                                              "channel": ReservationChannel, "cancel_kind": CancelKind}


def label_of(enum: type[LabeledEnum], value: str) -> str:
    """The Japanese label of a stored enum value; an unknown value (an old row) as it is."""
    try:
        return enum(value).label
    except ValueError:
        return value


def value_label(field: str, value: Any) -> Any:
    """A changed value as staff read it: enum values by their label, everything else unchanged."""
    enum = ENUM_FIELDS.get(field)
    return label_of(enum, value) if enum is not None and isinstance(value, str) else value


def _jsonable(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    return value


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for the fields whose value changed."""
    return {
        key: [_jsonable(before.get(key)), _jsonable(after.get(key))]
        for key in after
        if before.get(key) != after.get(key)
    }


async def apply_and_record(session: AsyncSession, actor: Actor, row: Any, values: dict[str, Any],
                           snapshot: Any, entity: AuditEntity) -> dict[str, list[Any]]:
    """Set ``values`` on ``row`` and record the update of the fields that really changed (as read by
    ``snapshot(row)``); nothing is recorded when nothing changed. Returns the changes."""
    before = snapshot(row)
    for key, value in values.items():
        setattr(row, key, value)
    changes = diff(before, snapshot(row))
    if changes:
        await session.flush()
        await record(session, actor, entity=entity, entity_id=row.id, action=AuditAction.UPDATE, changes=changes)
    return changes


async def record(
    session: AsyncSession,
    actor: Actor,
    *,
    entity: AuditEntity | str,
    entity_id: int | None,
    action: AuditAction | str,
    changes: dict[str, Any] | None = None,
) -> AuditLog:
    row = AuditLog(
        actor_kind=actor.kind,
        actor_account_id=actor.account_id,
        actor_customer_id=actor.customer_id,
        actor_api_client_id=actor.api_client_id,
        entity=AuditEntity(entity).value,  # an unknown name is a programming error: ValueError
        entity_id=entity_id,
        action=AuditAction(action).value,
        changes={k: _jsonable(v) for k, v in (changes or {}).items()},
    )
    session.add(row)
    return row
