"""非会員 (walk-ins, from the POS manual): visits of guests without a customer record.

Staff record a walk-in's visit (:func:`record_walk_in`: a guest name, an optional phone, when, the
menus and the stylist) as a reservation without a customer, already 来店済み, through the same
checks as any booking (active menus and stylist, the stylist's time). :func:`non_members` lists a
day's walk-ins. :func:`register_non_member` turns one guest — one visit or several — into a
customer (a given お客様番号 or the next one, registration path 非会員から登録) and attaches the
visits to it, so that its figures (visit count, first and last visit …) count them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Customer, RegistrationPath, Reservation, ReservationChannel, ReservationMenu, ReservationStatus
from models.base import utcnow
from services import audit, normalize, text_rules
from services import customers as customer_service
from services.actor import Actor
from services.audit import AuditAction, AuditEntity
from services.booking import rules
from services.booking.booking import _period, check_slot, snapshot
from services.booking.listing import day_start
from services.booking.locks import lock_booking
from services.customer_fields import Mode
from services.customer_stats import refresh_customer_stats
from services.errors import DomainError, ErrorCode, FieldError
from services.locking import lock_customers
from services.permissions import Action, check
from services.text_rules import free_text

GUEST_NAME_LIMIT = 100
#: Visits one registration may attach (a regular who came a few times before registering).
MAX_VISITS = 50


@dataclass(frozen=True)
class WalkIn:
    guest_name: Any
    start_at: datetime | None
    menu_ids: list[int] = field(default_factory=list)
    guest_phone: Any = None
    staff_member_id: int | None = None
    memo: Any = None


def _guest(walk_in: WalkIn, problems: list[FieldError]) -> tuple[str, str | None]:
    name, phone = "", None
    try:
        name = text_rules.strict_text(walk_in.guest_name or "", "お名前", "guestName", GUEST_NAME_LIMIT).strip()
        text_rules.check_length(name, "お名前", "guestName", GUEST_NAME_LIMIT)
        if not name:
            problems.append(FieldError("guestName", ErrorCode.REQUIRED, "お名前を入力してください。"))
    except DomainError as exc:
        problems += exc.errors
    try:
        phone = normalize.normalize_phone(walk_in.guest_phone, "guestPhone") or None
    except DomainError as exc:
        problems += exc.errors
    return name, phone


async def record_walk_in(session: AsyncSession, walk_in: WalkIn, actor: Actor, *, now: datetime | None = None
                         ) -> Reservation:
    """A walk-in's visit, 来店済み, without a customer; every problem reported at once."""
    check(actor, Action.MANAGE_RESERVATIONS)
    now = now or utcnow()
    problems: list[FieldError] = []
    name, phone = _guest(walk_in, problems)
    try:
        memo = free_text(walk_in.memo, "メモ", "memo", 2000, multiline=True)
    except DomainError as exc:
        memo, problems = None, problems + exc.errors
    problems += rules.check_period(walk_in.start_at, None, now, actor)
    if walk_in.start_at is not None and walk_in.start_at > now + timedelta(hours=12):
        problems.append(FieldError("startAt", ErrorCode.INVALID, "来店日時に先の日時は指定できません。"))
    menus, menu_problems = await rules.active_menus(session, list(walk_in.menu_ids))
    problems += menu_problems + await rules.active_staff(session, walk_in.staff_member_id)
    period = _period(walk_in.start_at, None, menus, problems)
    await lock_booking(session, [], [walk_in.staff_member_id])
    await check_slot(session, None, walk_in.staff_member_id, period, actor, problems)
    assert period is not None
    start_at, end_at = period
    reservation = Reservation(
        customer_id=None, guest_name=name, guest_phone=phone, staff_member_id=walk_in.staff_member_id,
        start_at=start_at, end_at=end_at, channel=ReservationChannel.WALK_IN, memo=memo,
        created_by_id=actor.account_id, status=ReservationStatus.VISITED, visited_at=min(start_at, now),
        items=[ReservationMenu(menu_id=m.id, price=m.price) for m in menus])
    session.add(reservation)
    await session.flush()
    await audit.record(session, actor, entity=AuditEntity.RESERVATION, entity_id=reservation.id,
                       action=AuditAction.CREATE, changes={**snapshot(reservation, [m.id for m in menus]),
                                                           "guest_name": name})
    return reservation


def non_members_statement(day: date) -> Any:
    start = day_start(day)
    return (select(Reservation).where(Reservation.customer_id.is_(None), Reservation.start_at >= start,
                                      Reservation.start_at < start + timedelta(days=1))
            .order_by(Reservation.start_at, Reservation.id))


async def non_members(session: AsyncSession, day: date, actor: Actor) -> list[Reservation]:
    """The walk-ins of one salon day (Japan time), by time."""
    check(actor, Action.READ_RESERVATIONS)
    if not date(1900, 1, 1) <= day <= date(2100, 12, 31):
        raise DomainError(ErrorCode.INVALID_DATE, "1900年から2100年までの日付を指定してください。", "date")
    return list((await session.scalars(non_members_statement(day))).all())


async def same_guest_visits(session: AsyncSession, reservation_id: int) -> list[int]:
    """The walk-in visits (not yet a customer's) with the same guest name and phone as this one."""
    visit = await session.get(Reservation, reservation_id)
    if visit is None or visit.customer_id is not None:
        return [reservation_id]
    return list((await session.scalars(select(Reservation.id).where(
        Reservation.customer_id.is_(None), Reservation.guest_name == visit.guest_name,
        Reservation.guest_phone.is_(None) if visit.guest_phone is None else Reservation.guest_phone == visit.guest_phone,
    ).order_by(Reservation.start_at).limit(MAX_VISITS))).all())


async def register_non_member(session: AsyncSession, reservation_ids: list[int], data: dict[str, Any],
                              actor: Actor, *, same_guest: bool = False) -> Customer:
    """The guest of these visits as a new customer (``data``: names, kana, phone, optional
    customer_no); the visits are attached and the figures refreshed. ``same_guest`` adds the other
    walk-in visits with the guest's name and phone (the admin's 「同じお客様の来店もまとめる」)."""
    check(actor, Action.CREATE_CUSTOMER)
    if same_guest and len(reservation_ids) == 1:
        reservation_ids = await same_guest_visits(session, reservation_ids[0])
    wanted = sorted(set(reservation_ids))
    if not wanted:
        raise DomainError(ErrorCode.REQUIRED, "会員登録する来店を選んでください。", "reservationIds")
    if len(wanted) > MAX_VISITS:
        raise DomainError(ErrorCode.INVALID, f"一度に登録できる来店は{MAX_VISITS}件までです。", "reservationIds")
    await lock_booking(session, [], [])
    visits = (await session.scalars(select(Reservation).where(Reservation.id.in_(wanted))
                                    .with_for_update())).all()
    if len(visits) != len(wanted) or any(v.customer_id is not None for v in visits):
        raise DomainError(ErrorCode.NOT_FOUND, "指定された非会員の来店が見つからないか、すでに会員に登録されています。",
                          "reservationIds")
    given = {k: v for k, v in data.items() if v not in (None, "")}
    if "phone" not in given:
        phones = {v.guest_phone for v in visits if v.guest_phone}
        if len(phones) == 1:
            given["phone"] = phones.pop()
    customer = await customer_service.create_customer(session, given, actor, path=RegistrationPath.NON_MEMBER,
                                                      mode=Mode.IMPORT)
    await lock_customers(session, [customer.id])
    for visit in visits:
        visit.customer_id = customer.id
        await audit.record(session, actor, entity=AuditEntity.RESERVATION, entity_id=visit.id,
                           action=AuditAction.UPDATE, changes={"customer": [None, str(customer)]})
    await session.flush()
    await refresh_customer_stats(session, [customer.id])
    await session.refresh(customer)
    return customer
