"""Reservation inputs: the list filter and the booking mutations (SPEC §3, §13)."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from schema.enums import ReservationChannel, ReservationStatus

ID_ = "予約ID (reservation id)"


@strawberry.input(name="ReservationFilter", description="予約の絞り込み (given fields are AND-ed)")
class ReservationFilterInput:
    date_from: date | None = strawberry.field(default=None, description="予約日から (start date, 日本時間, inclusive)")
    date_to: date | None = strawberry.field(default=None, description="予約日まで (end date, 日本時間, inclusive)")
    statuses: list[ReservationStatus] | None = strawberry.field(
        default=None, description="予約ステータス (any of these)")
    staff_id: strawberry.ID | None = strawberry.field(default=None, description="担当スタッフ (stylist)")
    customer_id: strawberry.ID | None = strawberry.field(default=None, description="お客様 (customer)")
    channel: ReservationChannel | None = strawberry.field(default=None, description="予約経路 (channel)")


@strawberry.input(description="予約の登録 (a customer token books only for itself, on the site channel)")
class CreateReservationInput:
    customer_id: strawberry.ID | None = strawberry.field(
        default=None, description="お客様 (customer; a customer token may leave it out)")
    start_at: datetime | None = strawberry.field(default=None, description="開始日時 (start)")
    end_at: datetime | None = strawberry.field(
        default=None, description="終了日時 (end; default: the start plus the menus' durations)")
    menu_ids: list[strawberry.ID] = strawberry.field(default_factory=list, description="メニュー (1–10 menus)")
    staff_id: strawberry.ID | None = strawberry.field(default=None, description="担当スタッフ (stylist; optional)")
    channel: ReservationChannel | None = strawberry.field(
        default=None, description="予約経路 (staff only; default STAFF_APP; customers always SITE)")
    memo: str | None = strawberry.field(default=None, description="メモ (staff memo, up to 1000 characters)")
    tentative: bool = strawberry.field(default=False, description="仮予約 (book as 仮予約中)")
    hold_token: str | None = strawberry.field(
        default=None, description="仮押さえのトークン (holdSlot's token: the held slot is this booking's)")
    idempotency_key: str | None = strawberry.field(
        default=None, description="冪等キー (8–64 of A-Z a-z 0-9 _ . : -; a retry with the same key and request "
                                  "returns the same reservation, another request with it is refused)")


@strawberry.input(description="仮押さえ (keep a free slot for a few minutes while the booking is finished)")
class HoldSlotInput:
    start_at: datetime = strawberry.field(description="開始日時 (start)")
    menu_ids: list[strawberry.ID] = strawberry.field(description="メニュー (1–10 menus)")
    staff_id: strawberry.ID | None = strawberry.field(default=None, description="担当スタッフ (stylist; optional)")


@strawberry.input(description="予約の変更 (time, stylist, menus; fields left out stay as they are)")
class RescheduleReservationInput:
    id: strawberry.ID = strawberry.field(description=ID_)
    start_at: datetime | None = strawberry.field(default=strawberry.UNSET, description="開始日時 (new start)")
    end_at: datetime | None = strawberry.field(
        default=strawberry.UNSET, description="終了日時 (new end; null: the start plus the menus' durations)")
    staff_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="担当スタッフ (new stylist; null: none)")
    menu_ids: list[strawberry.ID] | None = strawberry.field(
        default=strawberry.UNSET, description="メニュー (new menus)")


@strawberry.input(description="予約の指定 (the reservation a status change applies to)")
class ReservationIdInput:
    id: strawberry.ID = strawberry.field(description=ID_)


@strawberry.input(description="曜日ごとの営業時間 (one weekday's hours, Japan time; both null = 定休日)")
class WeekdayHoursInput:
    weekday: int = strawberry.field(description="曜日 (0 = Monday … 6 = Sunday)")
    opens_at: str | None = strawberry.field(default=None, description="開店 (「10:00」)")
    closes_at: str | None = strawberry.field(default=None, description="閉店 (「19:00」)")


@strawberry.input(description="営業カレンダーの設定 (managers; fields left out stay as they are)")
class UpdateStoreCalendarInput:
    slot_minutes: int | None = strawberry.field(default=None, description="予約枠の間隔 (10, 15, 30 or 60)")
    booking_horizon_days: int | None = strawberry.field(default=None, description="何日先まで (1–366)")
    booking_notice_minutes: int | None = strawberry.field(default=None, description="受付締切 (0–20160 minutes)")
    hold_minutes: int | None = strawberry.field(default=None, description="仮押さえの時間 (1–60 minutes)")
    weekly_hours: list[WeekdayHoursInput] | None = strawberry.field(
        default=None, description="営業時間 (replaces every weekday's; a weekday left out is 定休日)")
