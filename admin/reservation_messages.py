"""What the front desk is asked before a reservation operation, and told after it: who, when, the fee.

「青木 花子様の予約（2026/12/10（木）13:00〜14:00）をお客様都合でキャンセルします。キャンセル期限
（2026/12/09 13:00）を過ぎているため、キャンセル料 6,600円（直前キャンセル）が発生します。」 before;
「…をキャンセルしました。キャンセル料 6,600円が未払いです。」 after. The fee and the deadline are the
booking service's own (services.booking.fee_for, deadline).
"""

from __future__ import annotations

from datetime import datetime

from admin.display import JST, format_datetime, format_day
from models import Customer, Reservation, ReservationStatus, StoreSetting
from services import booking


def booking_of(r: Reservation, customer: Customer | None) -> str:
    """「青木 花子様の予約（2026/12/10（木）13:00〜14:00）」."""
    who = f"{customer.full_name}様" if customer is not None else f"{r.guest_name or 'お客様'}様"
    start, end = r.start_at.astimezone(JST), r.end_at.astimezone(JST)
    return f"{who}の予約（{format_day(start.date())}{start:%H:%M}〜{end:%H:%M}）"


def fee_of(r: Reservation, settings: StoreSetting) -> int:
    return booking.fee_for(sum(item.price for item in r.items), settings)


def questions(r: Reservation, customer: Customer | None, settings: StoreSetting, now: datetime) -> dict[str, str]:
    """The confirmation of each operation on the details page, saying what will follow."""
    it, fee = booking_of(r, customer), fee_of(r, settings)
    deadline = booking.deadline(r, settings)
    if now > deadline and fee > 0:
        cancel = (f"{it}をお客様都合でキャンセルします。キャンセル期限（{format_datetime(deadline)}）を過ぎているため、"
                  f"キャンセル料 {fee:,}円（直前キャンセル）が発生します。よろしいですか？")
    else:
        cancel = f"{it}をお客様都合でキャンセルします。キャンセル料はかかりません。よろしいですか？"
    no_show = f"{it}を無断キャンセルにします。" + (f"キャンセル料 {fee:,}円が発生します。" if fee > 0 else "")
    return {"confirm": f"{it}を仮予約から確定します（予約中来店前になります）。よろしいですか？",
            "prepaid": f"{it}の事前決済を受領済みにします。よろしいですか？",
            "visited": f"{it}を来店済みにします。よろしいですか？", "cancel_by_customer": cancel,
            "cancel_by_store": f"{it}を店舗都合でキャンセルします（お客様のキャンセルには数えません）。よろしいですか？",
            "no_show": no_show + "よろしいですか？"}


def result(operation: str, r: Reservation, customer: Customer | None) -> str:
    """What happened, for the page the operation leads back to."""
    it = booking_of(r, customer)
    who = f"{customer.full_name}様" if customer is not None else "お客様"
    owed = (f"キャンセル料 {r.cancel_fee_yen:,}円が未払いです。"
            if r.status == ReservationStatus.CANCEL_FEE_UNPAID else "キャンセル料はかかりません。")
    return {
        "confirm": f"{it}を確定しました（{r.status.label}）。",
        "prepaid": f"{it}の事前決済を受領しました。",
        "visited": f"{it}を来店済みにしました。",
        "cancel_by_customer": f"{it}をキャンセルしました。{owed}",
        "cancel_by_store": f"{it}を店舗都合でキャンセルしました。",
        "no_show": f"{it}を無断キャンセルにしました。{owed}",
        "waive": f"{who}のキャンセル料 {r.cancel_fee_yen:,}円を取り消しました（{it}）。",
        "pay": f"{who}のキャンセル料 {r.cancel_fee_yen:,}円を受領しました（{it}）。",
    }.get(operation, f"{it}を変更しました。")
