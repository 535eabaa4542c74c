"""指名なし on the customer channel: the store's rule picks a stylist (fewest bookings that day, or the
staff's display order) among those on shift and free for the whole time, and the reservation records
who was chosen (``staff_member_id``) and that the rule chose (``auto_assigned``).

Staff booking without a stylist keep the reservation unassigned (they may be about to choose one).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import AssignRule, Reservation, StaffMember
from services.actor import Actor
from services.booking import rules
from services.booking.locks import lock_booking
from services.booking.transitions import OCCUPYING_STATUSES
from services.japan_time import JAPAN, in_japan


async def candidates(session: AsyncSession, period: tuple[datetime, datetime], working: Sequence[int] | None,
                     rule: AssignRule) -> list[int]:
    """The active stylists on shift (``working``; None: all), in the order the rule tries them."""
    day = in_japan(period[0]).date()
    first = datetime.combine(day, datetime.min.time(), JAPAN)
    that_day = (select(func.count()).select_from(Reservation)
                .where(Reservation.staff_member_id == StaffMember.id, Reservation.start_at >= first,
                       Reservation.start_at < first + timedelta(days=1),
                       Reservation.status.in_(OCCUPYING_STATUSES)).scalar_subquery())
    query = select(StaffMember.id).where(StaffMember.active.is_(True))
    if working is not None:
        query = query.where(StaffMember.id.in_(list(working)))
    if rule == AssignRule.FEWEST:
        query = query.order_by(that_day, StaffMember.display_order, StaffMember.id)
    else:
        query = query.order_by(StaffMember.display_order, StaffMember.id)
    return list((await session.scalars(query)).all())


async def assign(session: AsyncSession, period: tuple[datetime, datetime], working: Sequence[int] | None,
                 rule: AssignRule, actor: Actor, now: datetime, own_hold: str | None) -> int | None:
    """The first candidate free for the whole time, locked; None when none is (the slot check already
    found the time free, so only a concurrent booking can take them all)."""
    for staff_id in await candidates(session, period, working, rule):
        await lock_booking(session, [], [staff_id])
        _, found = await rules.staff_time(session, staff_id, *period, actor, now=now, own_hold=own_hold)
        if not found:
            return staff_id
    return None
