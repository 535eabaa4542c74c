"""Inputs of walk-ins (非会員): a visit without a customer record, and turning a guest into a customer."""

from __future__ import annotations

from datetime import datetime

import strawberry


@strawberry.input(description="非会員の来店の記録 (staff: a walk-in guest's visit, recorded as 来店済み)")
class RecordWalkInInput:
    guest_name: str | None = strawberry.field(default=None, description="お名前 (the guest's name, 100 characters)")
    guest_phone: str | None = strawberry.field(default=None, description="電話番号 (optional)")
    start_at: datetime = strawberry.field(description="来店日時 (when the visit began; not in the future)")
    menu_ids: list[strawberry.ID] = strawberry.field(description="メニュー (the menus done)")
    staff_id: strawberry.ID | None = strawberry.field(default=None, description="担当スタッフ (the stylist)")
    memo: str | None = strawberry.field(default=None, description="メモ (memo)")


@strawberry.input(description="非会員の会員登録 (staff: the guest of these visits becomes a customer)")
class RegisterNonMemberInput:
    reservation_ids: list[strawberry.ID] = strawberry.field(
        description="来店 (the guest's walk-in visits to attach; one or several, at most 50)")
    last_name: str | None = strawberry.field(default=None, description="姓 (last name)")
    first_name: str | None = strawberry.field(default=None, description="名 (first name)")
    last_name_kana: str | None = strawberry.field(default=None, description="セイ (optional)")
    first_name_kana: str | None = strawberry.field(default=None, description="メイ (optional)")
    phone: str | None = strawberry.field(default=None, description="電話番号 (default: the visits' phone)")
    customer_no: str | None = strawberry.field(default=None, description="お客様番号 (empty: the next number)")
