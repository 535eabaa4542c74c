"""退会 (SPEC §9): a customer withdraws from the reservation site, giving a reason.

Only the customer's own token can do it (:func:`withdraw`; staff and managers cannot, through any
door: the permission table gives the action to no staff role). The reason is required, 255
characters at most (a longer one is refused, never cut). In one transaction: the customer's
reservations still to come are cancelled without a fee by the booking service, the customer is
marked withdrawn (``withdrawn_at``, which takes it off the customer list and search, refuses its
bookings and ends its tokens) and a :class:`~models.Withdrawal` row keeps the reason and the date
for the 退会者 list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Customer, Reservation, Withdrawal
from models.base import utcnow
from services import audit, text_rules
from services.actor import Actor
from services.booking.withdrawal import cancel_for_withdrawal
from services.constraints import refusing_violations
from services.errors import DomainError, ErrorCode, NotFound
from services.locking import lock_customers
from services.permissions import Action, check

REASON_LIMIT = 255


@dataclass(frozen=True)
class Withdrawn:
    withdrawal: Withdrawal
    cancelled: list[Reservation]


def clean_reason(value: object) -> str:
    reason = text_rules.free_text(value if value is not None else "", "退会理由", "reason", REASON_LIMIT,
                                  multiline=True)
    if not reason:
        raise DomainError(ErrorCode.REQUIRED, "退会理由を入力してください。", "reason")
    return reason


async def withdraw(session: AsyncSession, reason: object, actor: Actor, *, now: datetime | None = None
                   ) -> Withdrawn:
    """The customer of ``actor`` (a customer token) withdraws; see the module."""
    check(actor, Action.WITHDRAW, actor.customer_id)
    text = clean_reason(reason)
    assert actor.customer_id is not None
    await lock_customers(session, [actor.customer_id])
    customer = await session.get(Customer, actor.customer_id, populate_existing=True)
    if customer is None:
        raise NotFound("お客様")
    if customer.withdrawn_at is not None:
        raise DomainError(ErrorCode.CUSTOMER_WITHDRAWN, "すでに退会済みです。")
    now = now or utcnow()
    cancelled = await cancel_for_withdrawal(session, customer.id, actor, now)
    customer.withdrawn_at = now
    row = Withdrawal(customer_id=customer.id, reason=text, withdrawn_at=now)
    session.add(row)
    async with refusing_violations():
        await session.flush()
    await audit.record(session, actor, entity=audit.AuditEntity.WITHDRAWAL, entity_id=row.id,
                       action=audit.AuditAction.WITHDRAW,
                       changes={"customer": [None, str(customer)], "reason": [None, text],
                                "cancelled_reservations": [None, [r.id for r in cancelled]]})
    return Withdrawn(row, cancelled)


async def withdrawal_of(session: AsyncSession, customer_id: int) -> Withdrawal | None:
    return await session.scalar(select(Withdrawal).where(Withdrawal.customer_id == customer_id))
