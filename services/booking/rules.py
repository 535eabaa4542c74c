"""Booking rules, the same for every channel (SPEC §3).

Who asks decides only how a refusal is worded: a customer token (the reservation
site, LINE) gets one masked answer for a blacklisted customer, an unpaid
cancellation fee and a genuinely full slot alike — same code, message and field —
so the site reveals nothing; staff get the real reason (and the blacklist memo).
The customer's standing and the slot are always both checked, in the same
statements and order, before either refusal is raised, so that neither the answer
nor its timing tells a blocked customer from a full slot.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Customer, Menu, Reservation, SlotHold, StaffMember
from services.actor import Actor
from services.booking.transitions import OCCUPYING_STATUSES, japan_time
from services.errors import DomainError, ErrorCode, FieldError
from services.flags import BlacklistMatch, find_blacklist_match, find_blacklist_matches

SLOT_FULL_MESSAGE = "申し訳ございませんが、ご希望の時間帯は予約がいっぱいとなっております。"
UNPAID_FEE_WARNING = "このお客様には未払いのキャンセル料があります。"
NO_FREE_STYLIST_WARNING = "この時間帯は空いている担当スタッフがいません。担当スタッフを決めてください。"
MAX_MENUS = 10
MAX_DURATION = timedelta(hours=24)
#: The 24-hour rule in words, for every place that refuses a booking longer than MAX_DURATION.
TOO_LONG = "予約の長さは24時間以内にしてください。"
EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.utc)
LATEST_YEARS_AHEAD = 5


def slot_full() -> DomainError:
    """The customer site's only answer for "cannot book this": nothing tells the reasons apart."""
    return DomainError(ErrorCode.SLOT_FULL, SLOT_FULL_MESSAGE, None)


def check_period(start_at: datetime | None, end_at: datetime | None, now: datetime,
                 actor: Actor) -> list[FieldError]:
    """Start before end, within a day, within sane years (how far ahead the customer site books, and
    that nothing still to come starts in the past, are the calendar's rules: calendar_rules)."""
    problems: list[FieldError] = []
    if start_at is None:
        return [FieldError("startAt", ErrorCode.REQUIRED, "開始日時を入力してください。")]
    if start_at.tzinfo is None or (end_at is not None and end_at.tzinfo is None):
        return [FieldError("startAt", ErrorCode.INVALID, "日時にはタイムゾーンを付けてください。")]
    latest = now.replace(year=now.year + LATEST_YEARS_AHEAD)
    if not EARLIEST <= start_at <= latest:
        problems.append(FieldError("startAt", ErrorCode.INVALID, "開始日時が正しくありません。"))
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


def refuses_on_site(customer: Any, match: BlacklistMatch | None) -> bool:
    """Whether the customer channel refuses this customer's bookings: withdrawn, blacklisted (its own
    entry or a matched listed person) or owing a cancellation fee. The one rule :func:`customer_standing`
    books by and ``Customer.refusedOnSite`` shows staff."""
    return customer.withdrawn_at is not None or match is not None or bool(customer.has_unpaid_cancel_fee)


async def site_refusals(session: AsyncSession, customer_ids: Sequence[int]) -> dict[int, bool]:
    """:func:`refuses_on_site` for many customers in a few statements (a list's dataloader)."""
    matches = await find_blacklist_matches(session, customer_ids)
    rows = await session.execute(select(Customer.id, Customer.withdrawn_at, Customer.has_unpaid_cancel_fee)
                                 .where(Customer.id.in_(list(customer_ids))))
    return {row.id: refuses_on_site(row, matches.get(row.id)) for row in rows}


async def customer_standing(session: AsyncSession, customer_id: int, actor: Actor
                            ) -> tuple[list[str], list[FieldError]]:
    """The customer's own standing: (warnings for staff, problems).

    A withdrawn customer cannot book; a blacklisted one (the blacklist follows the person: a new
    account matching a listed one counts too) gets no reservation; an unpaid cancellation fee blocks
    the customer site and is a warning for staff. On the customer site both refusals are the masked
    :func:`slot_full`, decided only after the slot itself was checked (booking.check_slot)."""
    customer = await session.get(Customer, customer_id, populate_existing=True)
    if customer is None:
        return [], [FieldError("customerId", ErrorCode.NOT_FOUND, "お客様が見つかりません。")]
    if customer.withdrawn_at is not None:
        return [], [FieldError("customerId", ErrorCode.CUSTOMER_WITHDRAWN, "退会済みのお客様は予約できません。")]
    hit = await find_blacklist_match(session, customer_id)
    if not actor.is_staff:
        return [], [_masked()] if refuses_on_site(customer, hit) else []
    if hit is not None:
        reasons = "、".join(hit.reasons)
        return [], [FieldError("customerId", ErrorCode.BLACKLISTED,
                               f"このお客様はブラックリストに登録されているため予約できません"
                               f"（{reasons}／お客様番号 {hit.customer_no}）。メモ: {hit.memo}")]
    if customer.has_unpaid_cancel_fee:
        return [UNPAID_FEE_WARNING], []
    return [], []


def _masked() -> FieldError:
    return FieldError(None, ErrorCode.SLOT_FULL, SLOT_FULL_MESSAGE)


def _overlapping(start_at: datetime, end_at: datetime, exclude_id: int | None) -> list[Any]:
    conditions = [
        Reservation.status.in_(OCCUPYING_STATUSES),
        Reservation.start_at < end_at,
        Reservation.end_at > start_at,
        # No reservation lasts longer than MAX_DURATION: this bound keeps the index range to a day
        # instead of the stylist's whole history.
        Reservation.start_at > start_at - MAX_DURATION,
    ]
    if exclude_id is not None:
        conditions.append(Reservation.id != exclude_id)
    return conditions


def _held(start_at: datetime, end_at: datetime, now: datetime | None, own_hold: str | None) -> list[Any]:
    """Live holds (仮押さえ, services.booking.holds) overlapping the time, but the booking's own."""
    conditions = [SlotHold.start_at < end_at, SlotHold.end_at > start_at,
                  SlotHold.expires_at > (now or datetime.now(timezone.utc))]
    if own_hold is not None:
        conditions.append(SlotHold.token_hash != own_hold)
    return conditions


async def staff_time(session: AsyncSession, staff_id: int | None, start_at: datetime, end_at: datetime,
                     actor: Actor, exclude_id: int | None = None, working: Sequence[int] | None = None,
                     now: datetime | None = None, own_hold: str | None = None
                     ) -> tuple[list[str], list[FieldError]]:
    """Whether the time is free: (warnings for staff, problems). One statement either way.

    A named stylist holds no two overlapping reservations (STAFF_BUSY on 担当スタッフ, naming the
    reservation it clashes with). Without a stylist, some stylist must be free: more active stylists
    without a reservation then than reservations without a stylist then (a salon that lists no
    stylists is not checked). The customer site gets the masked SLOT_FULL; staff booking without a
    stylist are warned instead of refused (they may be about to assign one)."""
    if staff_id is not None:
        clash = (await session.execute(
            select(Reservation.start_at, Reservation.end_at, Customer.customer_no, Customer.last_name,
                   Customer.first_name)
            .outerjoin(Customer, Customer.id == Reservation.customer_id)
            .where(Reservation.staff_member_id == staff_id, *_overlapping(start_at, end_at, exclude_id))
            .order_by(Reservation.start_at, Reservation.id).limit(1))).first()
        # Asked whether or not a reservation clashes: the same statements either way (the masked answer).
        held = await session.scalar(select(func.min(SlotHold.expires_at)).where(
            SlotHold.staff_member_id == staff_id, *_held(start_at, end_at, now, own_hold)))
        if clash is None:
            if held is None:
                return [], []
            if not actor.is_staff:
                return [], [_masked()]
            return [], [FieldError("staffId", ErrorCode.STAFF_BUSY,
                                   f"担当スタッフはこの時間帯を予約サイトで仮押さえされています"
                                   f"（{japan_time(held)[-5:]}まで）。")]
        if not actor.is_staff:
            return [], [_masked()]
        who = (f"{clash.last_name} {clash.first_name}様・お客様番号 {clash.customer_no}"
               if clash.customer_no is not None else "お客様の登録なし")
        return [], [FieldError("staffId", ErrorCode.STAFF_BUSY,
                               f"担当スタッフはこの時間帯に別の予約があります（{who}、"
                               f"{japan_time(clash.start_at)}〜{japan_time(clash.end_at)[-5:]}）。")]
    busy = select(Reservation.staff_member_id).where(
        Reservation.staff_member_id.is_not(None), *_overlapping(start_at, end_at, exclude_id))
    stylists = select(func.count()).select_from(StaffMember).where(StaffMember.active.is_(True))
    # Only stylists on shift then can take it (services.booking.calendar_rules); a salon that lists
    # none at all is not checked.
    on_shift = stylists if working is None else stylists.where(StaffMember.id.in_(list(working)))
    row = (await session.execute(select(
        stylists.scalar_subquery().label("stylists"),
        on_shift.where(StaffMember.id.not_in(busy), StaffMember.id.not_in(
            select(SlotHold.staff_member_id).where(SlotHold.staff_member_id.is_not(None),
                                                   *_held(start_at, end_at, now, own_hold)))
        ).scalar_subquery().label("free"),
        select(func.count()).select_from(SlotHold)
        .where(SlotHold.staff_member_id.is_(None), *_held(start_at, end_at, now, own_hold))
        .scalar_subquery().label("held"),
        select(func.count()).select_from(Reservation)
        .where(Reservation.staff_member_id.is_(None), *_overlapping(start_at, end_at, exclude_id))
        .scalar_subquery().label("unassigned")))).one()
    if row.stylists == 0 or row.free > row.unassigned + row.held:
        return [], []
    if not actor.is_staff:
        return [], [_masked()]
    return [NO_FREE_STYLIST_WARNING], []
