"""A withdrawing customer's reservations still to come: cancelled here, without a fee.

退会 (services.withdrawal) calls this in its transaction: every active reservation of the customer
that has not started is cancelled as an お客様都合キャンセル that is never late and owes nothing
(キャンセル, whatever the deadline), with one audit row each and the figures refreshed once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import CancelKind, Reservation, ReservationStatus
from services import audit
from services.actor import Actor
from services.audit import AuditAction, AuditEntity
from services.booking.booking import owned_reservation
from services.booking.status import AUDITED
from services.booking.transitions import ACTIVE_STATUSES, Operation, check_transition
from services.customer_stats import refresh_customer_stats
from services.permissions import Action
from services.store import get_store_settings

#: How the audit log names these cancellations.
OPERATION_LABEL = "退会によるキャンセル"


async def cancel_for_withdrawal(session: AsyncSession, customer_id: int, actor: Actor, now: datetime
                                ) -> list[Reservation]:
    """Cancel the customer's reservations that start after ``now`` and still hold their slot."""
    ids = (await session.scalars(
        select(Reservation.id).where(Reservation.customer_id == customer_id, Reservation.start_at > now,
                                     Reservation.status.in_(ACTIVE_STATUSES))
        .order_by(Reservation.start_at, Reservation.id))).all()
    settings = await get_store_settings(session)
    cancelled = []
    for reservation_id in ids:
        reservation = await owned_reservation(session, reservation_id, actor, Action.BOOK)
        if reservation.status not in ACTIVE_STATUSES:  # changed meanwhile
            continue
        check_transition(Operation.CANCEL_BY_CUSTOMER, reservation, ReservationStatus.CANCELLED,
                         settings.use_prepayment)
        before = {k: getattr(reservation, k) for k in AUDITED}
        reservation.status = ReservationStatus.CANCELLED
        reservation.cancelled_at, reservation.cancel_kind = now, CancelKind.CUSTOMER
        reservation.is_late_cancel, reservation.cancel_fee_yen = False, 0
        await session.flush()
        await audit.record(session, actor, entity=AuditEntity.RESERVATION, entity_id=reservation.id,
                           action=AuditAction.UPDATE,
                           changes={"operation": OPERATION_LABEL,
                                    **audit.diff(before, {k: getattr(reservation, k) for k in AUDITED})})
        cancelled.append(reservation)
    if cancelled:
        await refresh_customer_stats(session, [customer_id])
    return cancelled
