"""Status changes: confirm, prepayment, visit, no-show, cancellations and the cancellation fee.

Each one locks the reservation (and its customer), checks the move against the
transition table, writes, refreshes the customer's figures and records one audit
row — in the caller's transaction, so two requests racing for the same change leave
exactly one effect: the second finds the new status and gets INVALID_TRANSITION.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    CancelKind,
    Reservation,
    ReservationMenu,
    ReservationStatus,
    StoreSetting,
)
from models.base import utcnow
from services import audit
from services.actor import Actor
from services.audit import AuditAction, AuditEntity
from services.booking.booking import deadline, initial_status, owned_reservation
from services.booking.locks import begin_write
from services.booking.transitions import OPEN_PREPAYMENT_STATUSES, Operation, check_transition
from services.customer_stats import refresh_customer_stats
from services.errors import DomainError, ErrorCode
from services.permissions import Action, check
from services.store import get_store_settings

S = ReservationStatus
AUDITED = ("status", "cancel_kind", "is_late_cancel", "cancel_fee_yen", "cancelled_at", "visited_at",
           "cancel_fee_paid_at", "cancel_fee_paid_by_id", "cancel_fee_waived_at", "cancel_fee_waived_by_id")


def fee_for(prices_total: int, settings: StoreSetting) -> int:
    """A fixed fee when the store set one, otherwise the percentage of the menu prices (rounded to yen)."""
    if settings.cancel_fee_fixed_yen > 0:
        return settings.cancel_fee_fixed_yen
    return (prices_total * settings.cancel_fee_percent + 50) // 100


async def _prices_total(session: AsyncSession, reservation_id: int) -> int:
    total = await session.scalar(select(func.coalesce(func.sum(ReservationMenu.price), 0))
                                 .where(ReservationMenu.reservation_id == reservation_id))
    return int(total or 0)


Apply = Callable[[Reservation, StoreSetting, datetime, int], ReservationStatus]


async def _change(session: AsyncSession, reservation_id: int, actor: Actor, operation: Operation,
                  apply: Apply, *, now: datetime | None, action: Action = Action.MANAGE_RESERVATIONS
                  ) -> Reservation:
    now = now or utcnow()
    reservation = await owned_reservation(session, reservation_id, actor, action)
    settings = await get_store_settings(session)
    before = {k: getattr(reservation, k) for k in AUDITED}
    fee = await _prices_total(session, reservation.id)
    target = _target(operation, reservation, settings, now, fee)
    check_transition(operation, reservation, target, settings.use_prepayment)
    apply(reservation, settings, now, fee_for(fee, settings))
    reservation.status = target
    await session.flush()
    if reservation.customer_id is not None:
        await refresh_customer_stats(session, [reservation.customer_id])
    await audit.record(session, actor, entity=AuditEntity.RESERVATION, entity_id=reservation.id,
                       action=AuditAction.UPDATE,
                       changes={"operation": operation.label,
                                **audit.diff(before, {k: getattr(reservation, k) for k in AUDITED})})
    return reservation


def _target(operation: Operation, r: Reservation, settings: StoreSetting, now: datetime,
            prices_total: int) -> ReservationStatus:
    owes = fee_for(prices_total, settings) > 0
    if operation == Operation.CONFIRM:
        return initial_status(r.channel, False, settings.use_prepayment)
    if operation == Operation.RECORD_PREPAYMENT:
        return S.PREPAID
    if operation == Operation.MARK_VISITED:
        return S.VISITED
    if operation == Operation.MARK_NO_SHOW:
        return S.CANCEL_FEE_UNPAID if owes else S.CANCELLED
    if operation == Operation.CANCEL_BY_CUSTOMER:
        return S.CANCEL_FEE_UNPAID if now > deadline(r, settings) and owes else S.CANCELLED
    if operation == Operation.CANCEL_BY_STORE:
        return S.STORE_CANCELLED_PREPAID if settings.use_prepayment else S.CANCELLED
    return S.CANCELLED  # the fee paid or waived


def _no_op(r: Reservation, settings: StoreSetting, now: datetime, fee: int) -> None:
    pass


async def confirm_reservation(session: AsyncSession, reservation_id: int, actor: Actor, *,
                              now: datetime | None = None) -> Reservation:
    """仮予約中 → 予約中来店前 (事前決済未払い for a site booking when the store uses prepayment)."""
    return await _change(session, reservation_id, actor, Operation.CONFIRM, _no_op, now=now)


async def record_prepayment(session: AsyncSession, reservation_id: int, actor: Actor, *,
                            now: datetime | None = None) -> Reservation:
    return await _change(session, reservation_id, actor, Operation.RECORD_PREPAYMENT, _no_op, now=now)


def _visited(r: Reservation, settings: StoreSetting, now: datetime, fee: int) -> None:
    # Marked after the appointment: the visit happened at its start; marked early: now.
    r.visited_at = r.start_at if r.start_at <= now else now


async def mark_visited(session: AsyncSession, reservation_id: int, actor: Actor, *,
                       now: datetime | None = None) -> Reservation:
    return await _change(session, reservation_id, actor, Operation.MARK_VISITED, _visited, now=now)


def _no_show(r: Reservation, settings: StoreSetting, now: datetime, fee: int) -> None:
    if now < r.start_at:
        raise DomainError(ErrorCode.INVALID, "開始時刻より前の予約は無断キャンセルにできません。", "status")
    r.cancelled_at, r.cancel_kind, r.is_late_cancel, r.cancel_fee_yen = now, CancelKind.NO_SHOW, True, fee


async def mark_no_show(session: AsyncSession, reservation_id: int, actor: Actor, *,
                       now: datetime | None = None) -> Reservation:
    """無断キャンセル: a 直前キャンセル with the store's fee owed (キャンセル料未払い)."""
    return await _change(session, reservation_id, actor, Operation.MARK_NO_SHOW, _no_show, now=now)


def _customer_cancel(r: Reservation, settings: StoreSetting, now: datetime, fee: int) -> None:
    late = now > deadline(r, settings)
    r.cancelled_at, r.is_late_cancel = now, late
    r.cancel_kind = CancelKind.LATE if late else CancelKind.CUSTOMER
    r.cancel_fee_yen = fee if late else 0


async def cancel_by_customer(session: AsyncSession, reservation_id: int, actor: Actor, *,
                             now: datetime | None = None) -> Reservation:
    """Before the deadline キャンセル; after it キャンセル料未払い, a 直前キャンセル with the store's fee."""
    return await _change(session, reservation_id, actor, Operation.CANCEL_BY_CUSTOMER, _customer_cancel,
                         now=now, action=Action.BOOK)


def _store_cancel(r: Reservation, settings: StoreSetting, now: datetime, fee: int) -> None:
    r.cancelled_at, r.cancel_kind, r.is_late_cancel, r.cancel_fee_yen = now, CancelKind.STORE, False, 0


async def cancel_by_store(session: AsyncSession, reservation_id: int, actor: Actor, *,
                          now: datetime | None = None) -> Reservation:
    """店舗都合: never counts against the customer."""
    return await _change(session, reservation_id, actor, Operation.CANCEL_BY_STORE, _store_cancel, now=now)


def _paid(actor: Actor) -> Apply:
    def apply(r: Reservation, settings: StoreSetting, now: datetime, fee: int) -> None:
        r.cancel_fee_paid_at, r.cancel_fee_paid_by_id = now, actor.account_id
    return apply


def _waived(actor: Actor) -> Apply:
    def apply(r: Reservation, settings: StoreSetting, now: datetime, fee: int) -> None:
        r.cancel_fee_waived_at, r.cancel_fee_waived_by_id = now, actor.account_id
    return apply


async def pay_cancellation_fee(session: AsyncSession, reservation_id: int, actor: Actor, *,
                               now: datetime | None = None) -> Reservation:
    return await _change(session, reservation_id, actor, Operation.PAY_CANCEL_FEE, _paid(actor), now=now)


async def waive_cancellation_fee(session: AsyncSession, reservation_id: int, actor: Actor, *,
                                 now: datetime | None = None) -> Reservation:
    """キャンセル料の取り消し, recorded with who and when."""
    return await _change(session, reservation_id, actor, Operation.WAIVE_CANCEL_FEE, _waived(actor), now=now)


async def set_use_prepayment(session: AsyncSession, use: bool, actor: Actor) -> StoreSetting:
    """Switching prepayment off is refused while reservations to come are in a prepayment-only status."""
    check(actor, Action.MANAGE_MASTERS)
    settings = await get_store_settings(session)
    if not use and settings.use_prepayment:
        await prepayment_off_allowed(session)
    if settings.use_prepayment != use:
        before = settings.use_prepayment
        settings.use_prepayment = use
        await session.flush()
        await audit.record(session, actor, entity=AuditEntity.STORE_SETTING, entity_id=settings.id,
                           action=AuditAction.UPDATE, changes={"use_prepayment": [before, use]})
    return settings


async def prepayment_off_allowed(session: AsyncSession) -> None:
    """Raise PREPAYMENT_IN_USE (with how many) while a reservation is still open in a prepayment-only
    status (事前決済未払い, or 事前決済支払い済み not yet visited). Finished ones (事前決済店舗都合キャンセル)
    keep their status and label: they are history and block nothing."""
    await begin_write(session)
    stuck = int(await session.scalar(select(func.count()).select_from(Reservation)
                                     .where(Reservation.status.in_(OPEN_PREPAYMENT_STATUSES))) or 0)
    if stuck:
        raise DomainError(
            ErrorCode.PREPAYMENT_IN_USE,
            f"事前決済未払い・事前決済支払い済み（来店前）の予約が{stuck}件あるため、事前決済機能をオフにできません。"
            f"来店・キャンセルを記録してからオフにしてください。", "usePrepayment")
