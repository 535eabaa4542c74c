"""The store calendar as GraphQL reads it: opening hours per day, closed days, stylists' shifts."""

from __future__ import annotations

import datetime as dt

import strawberry


@strawberry.type(description="出勤 (a stylist's working hours on one day; staff only)")
class StaffShiftDay:
    staff_id: strawberry.ID = strawberry.field(description="スタッフID")
    staff_name: str = strawberry.field(description="スタッフ名")
    starts_at: dt.datetime = strawberry.field(description="出勤 (Japan time)")
    ends_at: dt.datetime = strawberry.field(description="退勤 (Japan time)")


@strawberry.type(description="営業日 (the store on one day, Japan time)")
class CalendarDay:
    date: dt.date = strawberry.field(description="日付")
    closed: bool = strawberry.field(description="休業日 (定休日 or 臨時休業)")
    mark: str | None = strawberry.field(description="定休日・臨時休業・特別営業 (null on an ordinary day)")
    note: str = strawberry.field(description="メモ (of a dated exception)")
    opens_at: dt.datetime | None = strawberry.field(description="開店 (null when closed)")
    closes_at: dt.datetime | None = strawberry.field(description="閉店 (null when closed)")
    shifts: list[StaffShiftDay] = strawberry.field(
        description="出勤するスタッフ (who works that day; empty for a customer token)")


@strawberry.type(description="営業カレンダー (opening hours and booking settings; all times Japan time)")
class StoreCalendar:
    configured: bool = strawberry.field(
        description="営業時間が設定済み (false: no hours set, the store is open around the clock)")
    slot_minutes: int = strawberry.field(description="予約枠の間隔(分) (10, 15, 30 or 60)")
    booking_horizon_days: int = strawberry.field(description="予約サイト・LINEから何日先まで予約できるか")
    booking_notice_minutes: int = strawberry.field(description="予約サイト・LINEの受付締切 (minutes before the start)")
    days: list[CalendarDay] = strawberry.field(description="日ごとの営業時間 (from..to)")


@strawberry.type(description="空き枠のスタッフ (a stylist free at a slot; staff only)")
class SlotStylist:
    id: strawberry.ID = strawberry.field(description="スタッフID")
    name: str = strawberry.field(description="スタッフ名")


@strawberry.type(description="予約枠 (a start time for the chosen menus)")
class TimeSlot:
    start_at: dt.datetime = strawberry.field(description="開始 (Japan time)")
    end_at: dt.datetime = strawberry.field(description="終了 (start plus the menus' total duration)")
    available: bool = strawberry.field(description="空きあり (always true on the customer channel)")
    reason: str | None = strawberry.field(
        description="空いていない理由 (定休日, 営業時間外, お休み, 予約あり; staff only, null when free)")
    staff: list[SlotStylist] = strawberry.field(
        description="担当できるスタッフ (free stylists; 指名なし = any of them; empty for the customer channel)")


@strawberry.type(description="1日分の予約枠 (one day's slots)")
class SlotDay:
    date: dt.date = strawberry.field(description="日付")
    closed: bool = strawberry.field(description="休業日 (定休日 or 臨時休業)")
    mark: str | None = strawberry.field(description="定休日・臨時休業・特別営業 (null on an ordinary day)")
    slots: list[TimeSlot] = strawberry.field(
        description="予約枠 (customer channel: the free start times only; staff: every step of the day)")
