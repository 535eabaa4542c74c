"""Booking rules, the same for every channel (SPEC §3).

Who asks decides only how a refusal is worded: a customer token (the reservation
site, LINE) gets one masked answer for a blacklisted customer, an unpaid
cancellation fee and a genuinely full slot alike — same code, message and field —
so the site reveals nothing; staff get the real reason (and the blacklist memo).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Customer, Menu, Reservation, StaffMember
from services.actor import Actor
from services.booking.transitions import OCCUPYING_STATUSES
from services.errors import DomainError, ErrorCode, FieldError, NotFound
from services.flags import find_blacklist_match

SLOT_FULL_MESSAGE = "申し訳ございませんが、ご希望の時間帯は予約がいっぱいとなっております。"
UNPAID_FEE_WARNING = "このお客様には未払いのキャンセル料があります。"
MAX_MENUS = 10
MAX_DURATION = timedelta(hours=24)
#: The 24-hour rule in words, for every place that refuses a booking longer than MAX_DURATION.
TOO_LONG = "予約の長さは24時間以内にしてください。"
#: How far ahead the customer site may book (staff may enter anything within the bounds below).
CUSTOMER_HORIZON = timedelta(days=366)
EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.utc)
LATEST_YEARS_AHEAD = 5


def slot_full() -> DomainError:
    """The customer site's only answer for "cannot book this": nothing tells the reasons apart."""
    return DomainError(ErrorCode.SLOT_FULL, SLOT_FULL_MESSAGE, None)


def check_period(start_at: datetime | None, end_at: datetime | None, now: datetime,
                 actor: Actor) -> list[FieldError]:
    """Start before end, within a day, within sane years; the customer site only books the future."""
    problems: list[FieldError] = []
    if start_at is None:
        return [FieldError("startAt", ErrorCode.REQUIRED, "開始日時を入力してください。")]
    if start_at.tzinfo is None or (end_at is not None and end_at.tzinfo is None):
        return [FieldError("startAt", ErrorCode.INVALID, "日時にはタイムゾーンを付けてください。")]
    latest = now.replace(year=now.year + LATEST_YEARS_AHEAD)
    if not EARLIEST <= start_at <= latest:
        problems.append(FieldError("startAt", ErrorCode.INVALID, "開始日時が正しくありません。"))
    elif not actor.is_staff and not now < start_at <= now + CUSTOMER_HORIZON:
        problems.append(FieldError("startAt", ErrorCode.INVALID,
                                   "開始日時は現在から1年以内の日時を指定してください。"))
    if end_at is not None and end_at <= start_at:
        problems.append(FieldError("endAt", ErrorCode.INVALID, "終了日時は開始日時より後にしてください。"))
    elif end_at is not None and end_at - start_at > MAX_DURATION:
        problems.append(FieldError("endAt", ErrorCode.INVALID, TOO_LONG))
    return problems


async def active_menus(session: AsyncSession, menu_ids: list[int]) -> tuple[list[Menu], list[FieldError]]:
    """The menus in the order given; every one must exist and be active."""
    if not menu_ids:
        return [], [FieldError("menuIds", ErrorCode.REQUIRED, "メニューを1つ以上選んでください。")]
    if len(menu_ids) > MAX_MENUS:
        return [], [FieldError("menuIds", ErrorCode.INVALID, f"メニューは{MAX_MENUS}個までです。")]
    if len(set(menu_ids)) != len(menu_ids):
        return [], [FieldError("menuIds", ErrorCode.INVALID, "同じメニューが重複しています。")]
    found = {m.id: m for m in (await session.scalars(select(Menu).where(Menu.id.in_(menu_ids)))).all()}
    if any(i not in found or not found[i].active for i in menu_ids):
        return [], [FieldError("menuIds", ErrorCode.NOT_FOUND, "指定されたメニューが見つからないか、受付を終了しています。")]
    return [found[i] for i in menu_ids], []


async def active_staff(session: AsyncSession, staff_id: int | None) -> list[FieldError]:
    if staff_id is None:
        return []
    member = await session.get(StaffMember, staff_id)
    if member is None or not member.active:
        return [FieldError("staffId", ErrorCode.NOT_FOUND, "指定されたスタッフが見つからないか、在籍していません。")]
    return []


async def bookable_customer(session: AsyncSession, customer_id: int, actor: Actor) -> list[str]:
    """Refuse a withdrawn or blacklisted customer (and, on the site, one owing a fee); staff get warnings."""
    customer = await session.get(Customer, customer_id, populate_existing=True)
    if customer is None:
        raise NotFound("お客様", "customerId")
    if customer.withdrawn_at is not None:
        raise DomainError(ErrorCode.CUSTOMER_WITHDRAWN, "退会済みのお客様は予約できません。", "customerId")
    # The blacklist follows the person: a new account matching a blacklisted one counts too.
    hit = await find_blacklist_match(session, customer_id)
    if hit is not None:
        if not actor.is_staff:
            raise slot_full()
        reasons = "、".join(hit.reasons)
        raise DomainError(ErrorCode.BLACKLISTED,
                          f"このお客様はブラックリストに登録されているため予約できません"
                          f"（{reasons}／お客様番号 {hit.customer_no}）。メモ: {hit.memo}", "customerId")
    if customer.has_unpaid_cancel_fee:
        if not actor.is_staff:
            raise slot_full()
        return [UNPAID_FEE_WARNING]
    return []


async def check_staff_free(session: AsyncSession, staff_id: int | None, start_at: datetime, end_at: datetime,
                           actor: Actor, exclude_id: int | None = None) -> None:
    """A stylist holds no two overlapping reservations that occupy the time."""
    if staff_id is None:
        return
    overlap = select(func.count()).select_from(Reservation).where(
        Reservation.staff_member_id == staff_id,
        Reservation.status.in_(OCCUPYING_STATUSES),
        Reservation.start_at < end_at,
        Reservation.end_at > start_at,
        # No reservation lasts longer than MAX_DURATION: this bound keeps the index range to a day
        # instead of the stylist's whole history.
        Reservation.start_at > start_at - MAX_DURATION,
    )
    if exclude_id is not None:
        overlap = overlap.where(Reservation.id != exclude_id)
    if await session.scalar(overlap):
        if not actor.is_staff:
            raise slot_full()
        raise DomainError(ErrorCode.STAFF_BUSY, "担当スタッフはこの時間帯に別の予約があります。", "startAt")
