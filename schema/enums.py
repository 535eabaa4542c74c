"""GraphQL enums: the models' labelled enums, the error codes and the sort options.

Values are the UPPER_SNAKE member names; each carries its Japanese label as the
GraphQL description, so the SDL documents what staff see in the admin.
"""

from __future__ import annotations

import enum

import strawberry

from models import CancelKind, Gender, RegistrationPath, ReservationChannel, ReservationStatus, StaffRole
from models.types import LabeledEnum
from services.errors import ErrorCode

ERROR_CODE_LABELS: dict[str, str] = {
    "REQUIRED": "必須項目が未入力 (a required field is empty)",
    "INVALID": "値が正しくない (the value is not valid)",
    "INVALID_KANA": "フリガナが全角カタカナでない (kana that is not katakana)",
    "INVALID_PHONE": "電話番号の形式が正しくない (not a Japanese phone number)",
    "INVALID_EMAIL": "メールアドレスの形式が正しくない (not an e-mail address)",
    "DUPLICATE_EMAIL": "メールアドレスが他のお客様と重複 (e-mail used by another active customer)",
    "DUPLICATE_PHONE": "電話番号が他のお客様と重複 (新規電話予約: the phone belongs to an active customer, named)",
    "EMAIL_CONFIRMATION_REQUIRED": "新しいメールアドレスは確認メールで変更 (a customer token sets a new address through startEmailChange / confirmEmailChange)",
    "INVALID_TOKEN": "確認トークンが無効・期限切れ (the e-mail link is wrong, used, replaced or expired)",
    "INVALID_DATE": "日付が正しくない (impossible, out-of-era or future date)",
    "INVALID_POSTAL_CODE": "郵便番号が7桁の数字でない (postal code is not seven digits)",
    "UNKNOWN_POSTAL_CODE": "該当する住所がない郵便番号 (postal code not in Japan Post data)",
    "INVALID_CUSTOMER_NO": "お客様番号が半角英数字でない (customer number is not letters and digits)",
    "DUPLICATE_CUSTOMER_NO": "お客様番号が重複 (customer number already used)",
    "TOO_LONG": "文字数が多すぎる (too long)",
    "NOT_FOUND": "対象が見つからない (not found)",
    "HAS_VISIT_HISTORY": "来店・予約履歴があるため削除不可 (has history: merge instead)",
    "HAS_LINE_LINK": "LINE連携済みのため削除不可 (linked to LINE)",
    "HAS_REFERRALS": "紹介者・紹介した人がいるため削除不可 (has referrals)",
    "UNAUTHENTICATED": "ログインが必要 (no valid bearer token)",
    "PERMISSION_DENIED": "権限がない (the account's role does not allow it)",
    "INVALID_CREDENTIALS": "ログインIDまたはパスワードが正しくない (wrong login or password)",
    "ACCOUNT_LOCKED": "店長がロックしたアカウント (a manager locked it; said only after the right password)",
    "TOO_MANY_REQUESTS": "試行が多すぎる (one login per request; failed logins from this address or on this ID "
    "are slowed down: wait and try again)",
    "DUPLICATE": "重複 (already exists)",
    "INVALID_TRANSITION": "このステータスからは変更できない (the reservation's status does not allow it)",
    "STAFF_BUSY": "担当スタッフに重なる予約がある (the stylist is booked at that time; staff channels)",
    "SLOT_FULL": "ご希望の時間帯は予約がいっぱい (the slot cannot be booked; what the customer site sees)",
    "PAST_DEADLINE": "キャンセル期限を過ぎている (the customer site may no longer reschedule; staff may)",
    "BLACKLISTED": "ブラックリストのお客様 (blacklisted customer; staff channels only)",
    "CUSTOMER_WITHDRAWN": "退会済みのお客様 (the customer has withdrawn)",
    "PREPAYMENT_IN_USE": "事前決済のステータスの予約が残っている (reservations still use prepayment statuses)",
    "IN_USE": "他のデータから使われている (other records refer to it: cannot delete or change)",
    "INVALID_FILE": "取り込めないファイル (an upload that is not a readable .xlsx / .csv)",
    "FILE_TOO_LARGE": "ファイルが上限を超える (an upload over the size or row limit)",
    "IMPORT_CHANGED": "確認後にデータが変わった (the data changed since the dry run)",
    "TICKET_BOOKED_AFTER": "回数券で予約済みの日より前の有効期限 (a reservation uses the ticket after that day)",
    "NO_REFUND": "回数券の返金・取り消しはできない (a used ticket is never refunded nor deleted)",
    "STORE_CLOSED": "定休日・臨時休業 (the store is closed that day)",
    "OUTSIDE_HOURS": "営業時間外 (outside opening hours)",
    "NOT_A_SLOT": "予約枠の時刻ではない (the start is not on the store's slot step)",
    "TOO_SHORT_NOTICE": "受付締切を過ぎている (sooner than the shortest notice the site accepts)",
    "BEYOND_HORIZON": "予約受付期間より先 (further ahead than the site books)",
    "IN_PAST": "過去の日時 (a reservation still to come cannot start in the past)",
    "IDEMPOTENCY_KEY_REUSED": "冪等キーが別の内容で使われた (the idempotency key came with another request)",
    "NOT_LINKED": "LINE連携していないお客様 (a customer token is issued only for a LINE-linked customer)",
}


def _expose(enum_cls: type[enum.Enum], description: str, labels: dict[str, str] | None = None) -> None:
    """Register an existing Python enum with Strawberry, one description per member."""
    strawberry.enum(enum_cls, description=description)
    for value in enum_cls.__strawberry_definition__.values:  # type: ignore[attr-defined]
        member = enum_cls[value.name]
        if labels is not None:
            value.description = labels.get(value.name, value.name)
        elif isinstance(member, LabeledEnum):
            value.description = member.label


_expose(Gender, "性別 (gender)")
_expose(RegistrationPath, "登録経路 (how the customer was registered)")
_expose(StaffRole, "権限 (role of a staff account)")
_expose(ReservationStatus, "予約ステータス (reservation status, SPEC §3)")
_expose(ReservationChannel, "予約経路 (where the reservation was made)")
_expose(CancelKind, "キャンセル区分 (who cancelled, and when)")
_expose(ErrorCode, "エラーコード (stable code of a UserError; frontends branch on it)", ERROR_CODE_LABELS)


@strawberry.enum(description="並び順の方向 (sort direction)")
class OrderDirection(enum.Enum):
    ASC = strawberry.enum_value("ASC", description="昇順 (ascending)")
    DESC = strawberry.enum_value("DESC", description="降順 (descending)")


@strawberry.enum(description="顧客一覧の並び替え項目 (customer sort key)")
class CustomerOrderField(enum.Enum):
    CUSTOMER_NO = strawberry.enum_value("customer_no", description="お客様番号 (customer number)")
    REGISTERED_AT = strawberry.enum_value("registered_at", description="初回登録日 (registration date)")
    LAST_VISIT_AT = strawberry.enum_value("last_visit_at", description="最終来店日 (last visit)")
    VISIT_COUNT = strawberry.enum_value("visit_count", description="来店回数 (visit count)")
    NAME_KANA = strawberry.enum_value("name_kana", description="フリガナ (name in katakana)")


__all__ = [
    "CancelKind",
    "CustomerOrderField",
    "ErrorCode",
    "Gender",
    "OrderDirection",
    "RegistrationPath",
    "ReservationChannel",
    "ReservationStatus",
    "StaffRole",
]
