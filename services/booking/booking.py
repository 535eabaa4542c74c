"""Creating and rescheduling reservations: the rules, the locks, the figures and the audit row together."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Menu, Reservation, ReservationChannel, ReservationMenu, ReservationStatus, StoreSetting
from models.base import utcnow
from services import audit
from services.actor import Actor
from services.audit import AuditAction, AuditEntity
from services.booking import holds, rules
from services.booking.assign import assign
from services.booking.calendar_rules import Verdict, calendar_check, past_problems
from services.booking.locks import lock_booking, locked_reservation
from services.booking.transitions import check_active, japan_time
from services.constraints import refusing_violations
from services.customer_stats import refresh_customer_stats
from services.errors import DomainError, ErrorCode, FieldError, NotFound
from services.permissions import Action, Role, can, check, role_of
from services.store import get_store_settings
from services.text_rules import free_text

MEMO_MAX = 1000


class _Keep:
    def __repr__(self) -> str:
        return "KEEP"


#: "Leave this as it is" in a :class:`Reschedule` (None would mean "no stylist").
KEEP: Any = _Keep()


@dataclass(frozen=True)
class BookingRequest:
    customer_id: int | None
    start_at: datetime | None
    menu_ids: list[int] = field(default_factory=list)
    staff_member_id: int | None = None
    #: Default: the start plus the menus' durations.
    end_at: datetime | None = None
    #: Staff choose (default 管理画面); a customer token always books as 予約サイト・LINE.
    channel: ReservationChannel | None = None
    memo: str | None = None
    tentative: bool = False
    #: Staff recording a visit that already happened (来店済み, the figures updated), the one way a
    #: reservation is created in the past.
    visited: bool = False
    #: A hold's token (holdSlot): the slot it keeps is this booking's.
    hold_token: str | None = None
    #: The client's retry key: the same key and request return the reservation already made.
    idempotency_key: str | None = None


@dataclass(frozen=True)
class Reschedule:
    start_at: datetime | Any = KEEP
    end_at: datetime | None | Any = KEEP
    staff_member_id: int | None | Any = KEEP
    menu_ids: list[int] | Any = KEEP


@dataclass(frozen=True)
class Booked:
    """The reservation written, and what staff should be told (e.g. an unpaid cancellation fee)."""

    reservation: Reservation
    warnings: tuple[str, ...] = ()


def _channel(requested: ReservationChannel | None, actor: Actor) -> ReservationChannel:
    if not actor.is_staff:
        return ReservationChannel.SITE
    return requested or ReservationChannel.ADMIN


def _memo(memo: str | None) -> tuple[str | None, list[FieldError]]:
    """The reservation memo: free text (control and bidi characters dropped, services.text_rules)."""
    try:
        return free_text(memo, "メモ", "memo", MEMO_MAX, multiline=True), []
    except DomainError as exc:
        return None, list(exc.errors)


def deadline(reservation: Reservation, settings: StoreSetting) -> datetime:
    """The last moment a customer may cancel free of charge: the setting's hours before the start, or
    the deadline it had when staff moved it after that deadline, whichever is earlier."""
    computed = reservation.start_at - timedelta(hours=settings.cancel_deadline_hours)
    carried = reservation.cancel_deadline_at
    return computed if carried is None else min(carried, computed)


def initial_status(channel: ReservationChannel, tentative: bool, use_prepayment: bool) -> ReservationStatus:
    """仮予約中 when asked; a site booking waits for its prepayment when the store uses it."""
    if tentative:
        return ReservationStatus.TENTATIVE
    if use_prepayment and channel == ReservationChannel.SITE:
        return ReservationStatus.PREPAYMENT_UNPAID
    return ReservationStatus.BOOKED


def snapshot(reservation: Reservation, menu_ids: list[int]) -> dict[str, Any]:
    return {"customer_id": reservation.customer_id, "staff_member_id": reservation.staff_member_id,
            "start_at": reservation.start_at, "end_at": reservation.end_at, "status": reservation.status,
            "channel": reservation.channel, "menu_ids": menu_ids,
            **({"auto_assigned": True} if reservation.auto_assigned else {})}


async def create_reservation(session: AsyncSession, request: BookingRequest, actor: Actor, *,
                             now: datetime | None = None) -> Booked:
    """Book: every rule of SPEC §3 for every channel, the customer's figures refreshed in the same transaction.

    Every problem of the request is reported at once, each on its field; the customer site gets
    its input's problems first and then, for the customer and the slot, only the masked answer."""
    now = now or utcnow()
    if request.customer_id is None and not actor.is_staff:
        raise DomainError(ErrorCode.REQUIRED, "お客様を選んでください。", "customerId")
    if not can(actor, Action.BOOK, request.customer_id) and role_of(actor) == Role.CUSTOMER:
        raise NotFound("お客様", "customerId")  # never reveal that another customer exists
    check(actor, Action.BOOK, request.customer_id)
    key_digest = None
    if request.idempotency_key is not None:
        if bad_key := holds.check_key(request.idempotency_key):
            raise DomainError.many(bad_key)
        key_digest = holds.fingerprint(request, actor)
        if (earlier := await holds.replay(session, request.idempotency_key, key_digest)) is not None:
            return Booked(earlier)
    memo, problems = _memo(request.memo)
    if request.customer_id is None:
        problems.append(FieldError("customerId", ErrorCode.REQUIRED, "お客様を選んでください。"))
    problems += rules.check_period(request.start_at, request.end_at, now, actor)
    menus, menu_problems = await rules.active_menus(session, list(request.menu_ids))
    problems += menu_problems + await rules.active_staff(session, request.staff_member_id)
    period = _period(request.start_at, request.end_at, menus, problems)
    staff_id = None if _has(problems, "staffId") else request.staff_member_id
    verdict = await _calendar(session, period, staff_id, actor, now, request.visited, problems)
    own_hold = None if request.hold_token is None else await holds.claim_hold(
        session, request.hold_token, period, staff_id, now, problems)
    if problems and not actor.is_staff:
        raise DomainError.many(problems)

    await lock_booking(session, [request.customer_id], [request.staff_member_id])
    if key_digest is not None and (earlier := await holds.replay(session, str(request.idempotency_key),
                                                                 key_digest)) is not None:
        return Booked(earlier)  # the same request, committed while this one waited for the lock
    warnings = await check_slot(session, request.customer_id, staff_id, period, actor, problems, verdict=verdict,
                                now=now, own_hold=own_hold)
    assert period is not None
    start_at, end_at = period
    settings = await get_store_settings(session)
    channel = _channel(request.channel, actor)
    chosen = None
    if staff_id is None and not actor.is_staff:  # 指名なし: the store's rule picks who
        chosen = await assign(session, period, verdict.working, settings.assign_rule, actor, now, own_hold)
    reservation = Reservation(
        customer_id=request.customer_id, staff_member_id=chosen or request.staff_member_id, start_at=start_at,
        end_at=end_at, channel=channel, memo=memo, created_by_id=actor.account_id,
        status=(ReservationStatus.VISITED if request.visited
                else initial_status(channel, request.tentative, settings.use_prepayment)),
        visited_at=start_at if request.visited else None,
        items=[ReservationMenu(menu_id=m.id, price=m.price) for m in menus],
        idempotency_key=request.idempotency_key, idempotency_fingerprint=key_digest,
        auto_assigned=chosen is not None,
    )
    session.add(reservation)
    async with refusing_violations():
        await session.flush()
    await holds.release_hold(session, own_hold)
    await refresh_customer_stats(session, [request.customer_id])
    await audit.record(session, actor, entity=AuditEntity.RESERVATION, entity_id=reservation.id,
                       action=AuditAction.CREATE, changes=snapshot(reservation, [m.id for m in menus]))
    return Booked(reservation, tuple(warnings))


async def _calendar(session: AsyncSession, period: tuple[datetime, datetime] | None, staff_id: int | None,
                    actor: Actor, now: datetime, visited: bool, problems: list[FieldError]) -> Verdict:
    """The calendar's rules on the booked time (services.booking.calendar_rules), added to ``problems``.
    A recorded past visit is staff's and is not held to the hours: it happened."""
    if visited:
        check(actor, Action.MANAGE_RESERVATIONS)
    if period is None:
        return Verdict()
    if actor.is_staff:  # the customer channel's shortest notice already keeps it out of the past
        problems += past_problems(period[0], now, visited)
    if visited:
        return Verdict()
    verdict = await calendar_check(session, period, staff_id, actor, now)
    problems += verdict.problems
    return verdict


def _has(problems: list[FieldError], *fields: str) -> bool:
    return any(p.field in fields for p in problems)


def _period(start_at: datetime | None, end_at: datetime | None, menus: list[Menu],
            problems: list[FieldError]) -> tuple[datetime, datetime] | None:
    """The booked time (the end from the menus unless given), or None when the input does not say
    (a problem is then reported already); a stay over 24 hours is added to ``problems``."""
    if start_at is None or _has(problems, "startAt", "endAt") or (end_at is None and not menus):
        return None
    end_at = end_at or start_at + timedelta(minutes=sum(m.duration_minutes for m in menus))
    if end_at - start_at > rules.MAX_DURATION:
        problems.append(FieldError("endAt", ErrorCode.INVALID, rules.TOO_LONG))
        return None
    return start_at, end_at


async def check_slot(session: AsyncSession, customer_id: int | None, staff_id: int | None,
                     period: tuple[datetime, datetime] | None, actor: Actor, problems: list[FieldError],
                     exclude_id: int | None = None, verdict: Verdict | None = None, now: datetime | None = None,
                     own_hold: str | None = None) -> list[str]:
    """The customer's standing, then the time (both always, in this order), added to ``problems``;
    raise them all at once. The customer site gets the masked SLOT_FULL alone whether the customer
    is blocked or the slot is full: the same statements run either way. Returns staff's warnings
    (the calendar's first: ``verdict``, from calendar_rules)."""
    verdict = verdict or Verdict()
    warnings: list[str] = list(verdict.warnings)
    if customer_id is not None:
        standing_warnings, found = await rules.customer_standing(session, customer_id, actor)
        warnings, problems[:] = warnings + standing_warnings, problems + found
    if verdict.stylist_off:
        problems.append(FieldError(None, ErrorCode.SLOT_FULL, rules.SLOT_FULL_MESSAGE))
    if period is not None:
        time_warnings, found = await rules.staff_time(session, staff_id, *period, actor, exclude_id,
                                                      verdict.working, now, own_hold)
        warnings, problems[:] = warnings + time_warnings, problems + found
    if not actor.is_staff and any(p.code == ErrorCode.SLOT_FULL for p in problems):
        raise rules.slot_full()
    if problems:
        raise DomainError.many(problems)
    return warnings


async def menu_ids_of(session: AsyncSession, reservation_id: int) -> list[int]:
    return list((await session.scalars(
        select(ReservationMenu.menu_id).where(ReservationMenu.reservation_id == reservation_id)
        .order_by(ReservationMenu.id))).all())


async def owned_reservation(session: AsyncSession, reservation_id: int, actor: Actor,
                            action: Action, also_staff: list[int | None] | None = None) -> Reservation:
    """The reservation, locked; a customer token reaches only its own (others do not exist for it).

    Every lock of the operation is taken here, at once and in the global order (locks.py):
    ``also_staff`` names the stylists it is moving to."""
    if role_of(actor) != Role.CUSTOMER:
        check(actor, action)
    reservation = await locked_reservation(session, reservation_id, also_staff or ())
    if not can(actor, action, reservation.customer_id):
        if role_of(actor) == Role.CUSTOMER:
            raise NotFound("予約")
        check(actor, action, reservation.customer_id)
    return reservation


async def reschedule_reservation(session: AsyncSession, reservation_id: int, change: Reschedule,
                                 actor: Actor, *, now: datetime | None = None) -> Booked:
    """Move a reservation (time, stylist, menus) under the same rules as a new booking."""
    now = now or utcnow()
    new_staff = [] if change.staff_member_id is KEEP else [change.staff_member_id]
    reservation = await owned_reservation(session, reservation_id, actor, Action.BOOK, new_staff)
    check_active(reservation)
    past_deadline = await _past_deadline(session, reservation, now, actor)
    old_menus = await menu_ids_of(session, reservation.id)
    before = snapshot(reservation, old_menus) | {"cancel_deadline_at": reservation.cancel_deadline_at}
    period, staff_id, menus, problems = await _new_slot(session, reservation, change, old_menus, now, actor)
    staff_id_checked = None if _has(problems, "staffId") else staff_id
    verdict = await _reschedule_calendar(session, period, staff_id_checked, actor, now, change, problems)
    if problems and not actor.is_staff:
        raise DomainError.many(problems)
    warnings = await check_slot(session, reservation.customer_id, staff_id_checked,
                                period, actor, problems, exclude_id=reservation.id, verdict=verdict, now=now)
    assert period is not None
    if past_deadline is not None:
        reservation.cancel_deadline_at = past_deadline
    (reservation.start_at, reservation.end_at), reservation.staff_member_id = period, staff_id
    menu_ids = [m.id for m in menus]
    if menu_ids != old_menus:
        await session.execute(delete(ReservationMenu).where(ReservationMenu.reservation_id == reservation.id))
        session.add_all([ReservationMenu(reservation_id=reservation.id, menu_id=m.id, price=m.price)
                         for m in menus])
    await session.flush()
    if reservation.customer_id is not None:
        await refresh_customer_stats(session, [reservation.customer_id])
    changes = audit.diff(before, snapshot(reservation, menu_ids)
                         | {"cancel_deadline_at": reservation.cancel_deadline_at})
    if changes:
        await audit.record(session, actor, entity=AuditEntity.RESERVATION, entity_id=reservation.id,
                           action=AuditAction.UPDATE, changes=changes)
    return Booked(reservation, tuple(warnings))


async def _reschedule_calendar(session: AsyncSession, period: tuple[datetime, datetime] | None,
                               staff_id: int | None, actor: Actor, now: datetime, change: Reschedule,
                               problems: list[FieldError]) -> Verdict:
    """A move is held to the calendar like a new booking; only a new start must not be in the past
    (a reservation under way may still get another menu)."""
    if period is None:
        return Verdict()
    if change.start_at is not KEEP and actor.is_staff:
        problems += past_problems(period[0], now, visited=False)
    verdict = await calendar_check(session, period, staff_id, actor, now)
    problems += verdict.problems
    return verdict


async def _past_deadline(session: AsyncSession, reservation: Reservation, now: datetime,
                         actor: Actor) -> datetime | None:
    """The cancellation deadline when it has passed, else None. After it the customer site may not
    reschedule (a move and a free cancellation would dodge the fee); staff may, and the moved
    reservation keeps this deadline for the fee."""
    passed = deadline(reservation, await get_store_settings(session))
    if now <= passed:
        return None
    if not actor.is_staff:
        raise DomainError(ErrorCode.PAST_DEADLINE,
                          f"キャンセル期限（{japan_time(passed)}）を過ぎたご予約は変更できません。"
                          f"お手数ですが、お店にご連絡ください。")
    return passed


async def _new_slot(session: AsyncSession, reservation: Reservation, change: Reschedule, old_menus: list[int],
                    now: datetime, actor: Actor
                    ) -> tuple[tuple[datetime, datetime] | None, int | None, list[Menu], list[FieldError]]:
    """The time, stylist and menus after ``change``, with every problem of the input."""
    start_at = reservation.start_at if change.start_at is KEEP else change.start_at
    staff_id = reservation.staff_member_id if change.staff_member_id is KEEP else change.staff_member_id
    explicit_end = None if change.end_at is KEEP else change.end_at
    problems = rules.check_period(start_at, explicit_end, now, actor)
    if change.menu_ids is KEEP:
        # Menus retired since the booking stay on it.
        menus = list((await session.scalars(select(Menu).where(Menu.id.in_(old_menus)))).all())
        menus.sort(key=lambda m: old_menus.index(m.id))
    else:
        menus, menu_problems = await rules.active_menus(session, list(change.menu_ids))
        problems += menu_problems
    if change.staff_member_id is not KEEP:
        problems += await rules.active_staff(session, staff_id)
    if explicit_end is None and change.menu_ids is KEEP and change.end_at is not None and start_at is not None:
        # Neither the end nor the menus change: the reservation keeps its length.
        explicit_end = start_at + (reservation.end_at - reservation.start_at)
    return _period(start_at, explicit_end, menus, problems), staff_id, menus, problems
