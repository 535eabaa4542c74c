"""Database constraint violations as domain errors, recognised by the constraint's name.

Services check the rules first (a taken お客様番号, an e-mail in use …); a constraint that
still fires means a concurrent write got there first, or a rule only the database knows.
``async with refusing_violations():`` around a service's flush turns the ``IntegrityError``
into a :class:`DomainError` with a field, a stable code and a Japanese message, so no door
(resolver, admin view, import) ever maps an ``IntegrityError`` itself.

The name comes from the driver on PostgreSQL (asyncpg's ``constraint_name``). SQLite names
CHECK constraints in its message but reports UNIQUE ones by their columns
(``customers.customer_no``), which are looked up in ``Base.metadata``; a foreign key
violation carries no name on SQLite and gets the generic message of its kind.
"""

from __future__ import annotations

import functools
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import cache
from typing import ParamSpec, TypeVar

from sqlalchemy import CheckConstraint, ForeignKeyConstraint, UniqueConstraint
from sqlalchemy.exc import IntegrityError

from models import Base
from services.errors import DomainError, ErrorCode, FieldError

UNIQUE, FOREIGN_KEY, CHECK, NOT_NULL, OTHER = "unique", "foreign_key", "check", "not_null", "other"
_SQLSTATE_KIND = {"23505": UNIQUE, "23503": FOREIGN_KEY, "23514": CHECK, "23502": NOT_NULL}

_NAME_TAKEN = "同じ内容が既に登録されています。別の名称を入力してください。"

#: The message of every constraint a person can run into, by its name (models/base.py names them).
MESSAGES: dict[str, FieldError] = {
    "uq_customers_customer_no": FieldError(
        "customer_no", ErrorCode.DUPLICATE_CUSTOMER_NO, "このお客様番号は既に使われています。"),
    "uq_customers_email_key_active": FieldError(
        "email", ErrorCode.DUPLICATE_EMAIL, "このメールアドレスは既に他のお客様が登録しています。"),
    "uq_customers_line_user_id": FieldError(
        "line_user_id", ErrorCode.DUPLICATE, "このLINEアカウントは既に他のお客様と連携しています。"),
    "ck_customers_pre_system_visit_count_nonneg": FieldError(
        "pre_system_visit_count", ErrorCode.INVALID, "システム導入前来店回数は0以上で入力してください。"),
    "uq_customer_attributes_customer_id_value": FieldError(
        "attributes", ErrorCode.DUPLICATE, "同じ顧客属性が重複しています。"),
    "uq_staff_accounts_login_id": FieldError(
        "login_id", ErrorCode.DUPLICATE, "このログインIDは既に使われています。"),
    "uq_api_clients_secret_hash": FieldError(
        None, ErrorCode.DUPLICATE, "サイト連携キーを発行できませんでした。もう一度お試しください。"),
    "uq_inflow_routes_name": FieldError("name", ErrorCode.DUPLICATE, _NAME_TAKEN),
    "uq_occupations_name": FieldError("name", ErrorCode.DUPLICATE, _NAME_TAKEN),
    "uq_first_visit_motives_name": FieldError("name", ErrorCode.DUPLICATE, _NAME_TAKEN),
    "uq_menus_name": FieldError("name", ErrorCode.DUPLICATE, _NAME_TAKEN),
    "uq_karte_categories_name": FieldError("name", ErrorCode.DUPLICATE, _NAME_TAKEN),
    "uq_ticket_menus_name": FieldError("name", ErrorCode.DUPLICATE, _NAME_TAKEN),
    "uq_free_item_choices_free_item_id_name": FieldError(
        "name", ErrorCode.DUPLICATE, "このフリー項目には同じ名称の選択肢が既にあります。"),
    "uq_free_items_position": FieldError(
        "position", ErrorCode.DUPLICATE, "この項目番号は既に使われています。"),
    "ck_free_items_position_range": FieldError(
        "position", ErrorCode.INVALID, "項目番号は1〜4で入力してください。"),
    "ck_ticket_menus_uses_positive": FieldError(
        "uses", ErrorCode.INVALID, "回数は1以上で入力してください。"),
    "ck_ticket_menus_price_nonneg": FieldError(
        "price", ErrorCode.INVALID, "料金は0以上で入力してください。"),
    "ck_ticket_menus_validity_positive": FieldError(
        "validity_days", ErrorCode.INVALID, "有効期間は1日以上で入力してください。"),
    "ck_store_settings_fee_percent_range": FieldError(
        None, ErrorCode.INVALID, "キャンセル料の割合は0〜100で入力してください。"),
    "ck_store_settings_no_digits_range": FieldError(
        "customer_no_digits", ErrorCode.INVALID, "お客様番号の桁数が範囲外です。"),
    "ck_store_settings_slot_minutes_values": FieldError(
        "slot_minutes", ErrorCode.INVALID, "予約枠の間隔は10・15・30・60分から選んでください。"),
    "ck_store_settings_horizon_range": FieldError(
        "booking_horizon_days", ErrorCode.INVALID, "予約受付期間は1〜366日で入力してください。"),
    "ck_store_settings_notice_range": FieldError(
        "booking_notice_minutes", ErrorCode.INVALID, "予約受付の締切は0〜20,160分で入力してください。"),
    "uq_business_hours_weekday": FieldError("weekday", ErrorCode.DUPLICATE, "この曜日の営業時間は既に登録されています。"),
    "ck_business_hours_hours_order": FieldError(
        "closes_at", ErrorCode.INVALID, "開店と閉店を両方入力し、閉店は開店より後にしてください（定休日は両方空欄）。"),
    "ck_business_hours_weekday_range": FieldError("weekday", ErrorCode.INVALID, "曜日を選んでください。"),
    "uq_calendar_exceptions_day": FieldError("day", ErrorCode.DUPLICATE, "この日付は既に登録されています。"),
    "ck_calendar_exceptions_hours_order": FieldError(
        "closes_at", ErrorCode.INVALID, "開店と閉店を両方入力し、閉店は開店より後にしてください。"),
    "ck_calendar_exceptions_special_has_hours": FieldError(
        "opens_at", ErrorCode.INVALID, "特別営業の日は開店と閉店の時刻を入力してください。"),
    "uq_staff_shifts_staff_member_id_weekday": FieldError(
        None, ErrorCode.DUPLICATE, "このスタッフのこの曜日の出勤は既に登録されています。"),
    "ck_staff_shifts_shift_order": FieldError(None, ErrorCode.INVALID, "退勤は出勤より後にしてください。"),
    "ck_staff_shifts_weekday_range": FieldError(None, ErrorCode.INVALID, "曜日が正しくありません。"),
    "uq_staff_shift_exceptions_staff_member_id_day": FieldError(
        None, ErrorCode.DUPLICATE, "このスタッフのこの日の出勤は既に登録されています。"),
    "ck_staff_shift_exceptions_shift_order": FieldError(
        None, ErrorCode.INVALID, "出勤と退勤を両方入力し、退勤は出勤より後にしてください（休みは両方空欄）。"),
    "uq_reservations_idempotency_key": FieldError(
        "idempotencyKey", ErrorCode.IDEMPOTENCY_KEY_REUSED,
        "この冪等キー（idempotencyKey）は別の内容の予約に使われています。"),
    "ck_store_settings_hold_range": FieldError(
        "hold_minutes", ErrorCode.INVALID, "仮押さえの時間は1〜60分で入力してください。"),
    "uq_cautions_customer_id": FieldError(
        "customer_id", ErrorCode.DUPLICATE, "このお客様はすでに要注意人物に登録されています。"),
    "uq_blacklist_entries_customer_id": FieldError(
        "customer_id", ErrorCode.DUPLICATE, "このお客様はすでにブラックリストに登録されています。"),
    "uq_blacklist_match_clearances_customer_id_blacklist_entry_id": FieldError(
        "entry_id", ErrorCode.DUPLICATE, "このお客様とこのブラックリスト登録の一致は既に解除されています。"),
    "uq_withdrawals_customer_id": FieldError(
        "customer_id", ErrorCode.DUPLICATE, "このお客様は既に退会しています。"),
    "uq_referrals_referrer_id_referred_id": FieldError(
        None, ErrorCode.DUPLICATE, "この紹介関係は既に登録されています。"),
    "ck_referrals_not_self": FieldError(None, ErrorCode.INVALID, "ご本人を紹介者にはできません。"),
    "ck_reservations_end_after_start": FieldError(
        "end_at", ErrorCode.INVALID, "終了日時は開始日時より後にしてください。"),
    "ck_reservations_customer_or_guest": FieldError(
        "customer_id", ErrorCode.REQUIRED, "お客様または非会員名を入力してください。"),
    "ck_reservations_fee_nonneg": FieldError(
        "cancel_fee_yen", ErrorCode.INVALID, "キャンセル料は0円以上で入力してください。"),
    "uq_sales_reports_reservation_id": FieldError(
        "reservation_id", ErrorCode.DUPLICATE,
        "この予約の営業報告はすでに作成されています。作成済みの営業報告を編集してください。"),
    # Two staff saving the column mapping of the same file layout at the same moment.
    "uq_import_column_mappings_signature": FieldError(
        None, ErrorCode.DUPLICATE, "同じ列構成の対応付けが同時に保存されました。もう一度お試しください。"),
}

#: Unique constraints nobody runs into from a form or the API (hashes, join rows): no message needed.
INTERNAL = frozenset({
    "uq_api_tokens_token_hash",
    "uq_admin_sessions_session_hash",
    "uq_email_changes_token_hash",
    "uq_slot_holds_token_hash",
    "uq_reservation_menus_reservation_id_menu_id",
    "uq_ticket_uses_purchase_id_reservation_id",
})

#: When a constraint has no message of its own: by its kind (the admin showed these before).
GENERIC: dict[str, FieldError] = {
    UNIQUE: FieldError(None, ErrorCode.DUPLICATE,
                       "同じ内容が既に登録されています。重複しない値を入力してください。"),
    FOREIGN_KEY: FieldError(None, ErrorCode.IN_USE, "他のデータから使われているため、この操作はできません。"),
    CHECK: FieldError(None, ErrorCode.INVALID, "入力された値が許容範囲外です。"),
    NOT_NULL: FieldError(None, ErrorCode.REQUIRED, "必須の項目が入力されていません。"),
    OTHER: FieldError(None, ErrorCode.INVALID,
                      "データベースの制約により保存できませんでした。入力内容をご確認ください。"),
}


@dataclass(frozen=True)
class Violation:
    kind: str
    name: str | None


@cache
def _unique_by_columns() -> dict[tuple[str, frozenset[str]], str]:
    """(table, columns) → name of the unique constraint or unique index over them."""
    found: dict[tuple[str, frozenset[str]], str] = {}
    for table in Base.metadata.tables.values():
        for c in table.constraints:
            if isinstance(c, UniqueConstraint) and c.name:
                found[(table.name, frozenset(col.name for col in c.columns))] = str(c.name)
        for index in table.indexes:
            if index.unique and index.name:
                found[(table.name, frozenset(col.name for col in index.columns))] = str(index.name)
    return found


_SQLITE = re.compile(r"^(UNIQUE|CHECK|NOT NULL|FOREIGN KEY) constraint failed(?::\s*(.*))?$", re.S)


def violation(exc: IntegrityError) -> Violation:
    """Which constraint an ``IntegrityError`` broke (its name when the database says)."""
    orig = exc.orig
    cause = getattr(orig, "__cause__", None)
    sqlstate = getattr(cause, "sqlstate", None) or getattr(orig, "sqlstate", None)
    if sqlstate:  # PostgreSQL
        return Violation(_SQLSTATE_KIND.get(sqlstate, OTHER), getattr(cause, "constraint_name", None))
    match = _SQLITE.match(str(orig).strip())
    if not match:
        return Violation(OTHER, None)
    kind = {"UNIQUE": UNIQUE, "CHECK": CHECK, "NOT NULL": NOT_NULL, "FOREIGN KEY": FOREIGN_KEY}[match[1]]
    detail = (match[2] or "").strip()
    if kind == CHECK:
        return Violation(kind, detail or None)
    if kind == UNIQUE and detail:
        parts = [p.strip().split(".", 1) for p in detail.split(",")]
        if all(len(p) == 2 for p in parts) and len({t for t, _ in parts}) == 1:
            return Violation(kind, _unique_by_columns().get((parts[0][0], frozenset(c for _, c in parts))))
    return Violation(kind, None)


def domain_error(exc: IntegrityError, messages: dict[str, FieldError] | None = None) -> DomainError:
    """The DomainError for a violation: ``messages`` (the caller's wording) first, then
    :data:`MESSAGES`, then the generic message of the constraint's kind."""
    found = violation(exc)
    error = None
    if found.name:
        error = (messages or {}).get(found.name) or MESSAGES.get(found.name)
    return DomainError.many([error or GENERIC[found.kind]])


@asynccontextmanager
async def refusing_violations(messages: dict[str, FieldError] | None = None) -> AsyncIterator[None]:
    """Around a service's writes (and its flush): a constraint violation becomes a DomainError.

    The transaction is unusable afterwards (PostgreSQL aborts it); the caller's transaction
    block rolls it back when the DomainError leaves it, so nothing is written."""
    try:
        yield
    except IntegrityError as exc:
        raise domain_error(exc, messages) from exc


P = ParamSpec("P")
R = TypeVar("R")


def refuses_violations(fn: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    """Decorator form of :func:`refusing_violations` for a whole service function."""

    @functools.wraps(fn)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        async with refusing_violations():
            return await fn(*args, **kwargs)

    return wrapper


def classified() -> set[str]:
    """Names of the constraints with a message of their own (the completeness test reads it)."""
    return set(MESSAGES)


def named_constraints() -> dict[str, str]:
    """Every named unique / check / foreign-key constraint in the models → its kind."""
    out: dict[str, str] = {}
    for table in Base.metadata.tables.values():
        for c in table.constraints:
            if not c.name:
                continue
            if isinstance(c, UniqueConstraint):
                out[str(c.name)] = UNIQUE
            elif isinstance(c, CheckConstraint):
                out[str(c.name)] = CHECK
            elif isinstance(c, ForeignKeyConstraint):
                out[str(c.name)] = FOREIGN_KEY
        for index in table.indexes:
            if index.unique and index.name:
                out[str(index.name)] = UNIQUE
    return out
