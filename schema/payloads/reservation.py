"""Payloads of the reservation mutations: the reservation (null on failure), warnings and ``errors``."""

from __future__ import annotations

import datetime as dt

import strawberry

from schema.errors import UserError
from schema.payloads.common import ERRORS as _ERRORS
from schema.types.reservation import Reservation


@strawberry.type(description="予約の登録・変更の結果 (createReservation / rescheduleReservation result)")
class BookReservationPayload:
    reservation: Reservation | None = strawberry.field(default=None, description="予約 (the reservation)")
    warnings: list[str] = strawberry.field(
        default_factory=list,
        description="注意 (written, but staff should know: e.g. このお客様には未払いのキャンセル料があります。)")
    errors: list[UserError] = strawberry.field(default_factory=list, description=_ERRORS)


@strawberry.type(description="予約ステータス変更の結果 (result of a status change: cancel, visit, fee …)")
class ReservationPayload:
    reservation: Reservation | None = strawberry.field(default=None, description="変更後の予約 (the reservation)")
    errors: list[UserError] = strawberry.field(default_factory=list, description=_ERRORS)


@strawberry.type(description="仮押さえの結果 (holdSlot result)")
class HoldSlotPayload:
    token: str | None = strawberry.field(
        default=None, description="トークン (pass it as createReservation's holdToken; shown once)")
    start_at: dt.datetime | None = strawberry.field(default=None, description="開始日時")
    end_at: dt.datetime | None = strawberry.field(default=None, description="終了日時")
    expires_at: dt.datetime | None = strawberry.field(default=None, description="期限 (the hold ends then)")
    errors: list[UserError] = strawberry.field(default_factory=list, description=_ERRORS)


@strawberry.type(description="営業カレンダーの設定の結果 (updateStoreCalendar result)")
class StoreCalendarPayload:
    slot_minutes: int | None = strawberry.field(default=None, description="予約枠の間隔(分)")
    booking_horizon_days: int | None = strawberry.field(default=None, description="何日先まで")
    booking_notice_minutes: int | None = strawberry.field(default=None, description="受付締切(分)")
    hold_minutes: int | None = strawberry.field(default=None, description="仮押さえの時間(分)")
    errors: list[UserError] = strawberry.field(default_factory=list, description=_ERRORS)
