"""仮押さえ (holdSlot) and idempotent bookings: what a booking site needs between showing a slot and
booking it, and when an answer is lost on the way back.

A hold keeps a free slot for the store's ``hold_minutes``: every booking that would overlap it is
refused (the customer site's masked SLOT_FULL, staff's STAFF_BUSY naming it) except the one that
presents its token, which takes the slot and ends the hold. An expired hold keeps nothing. Holding
checks the slot under the same rules and locks as booking it.

``createReservation`` with an ``idempotencyKey`` stores the key and a hash of the request; the same
key with the same request returns that reservation (a retry after a lost answer), with another
request it is refused.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Reservation, SlotHold
from models.base import utcnow
from services.actor import Actor
from services.booking import rules
from services.booking.calendar_rules import calendar_check
from services.booking.locks import lock_booking
from services.errors import DomainError, ErrorCode, FieldError
from services.permissions import Action, check
from services.store import get_store_settings

KEY_PATTERN = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")
HOLD_GONE = "仮押さえの期限が切れたか、内容が一致しません。空き枠を選び直してください。"
KEY_REUSED = "この冪等キー（idempotencyKey）は別の内容の予約に使われています。"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class HoldRequest:
    start_at: datetime | None
    menu_ids: list[int] = field(default_factory=list)
    staff_member_id: int | None = None


@dataclass(frozen=True)
class Hold:
    token: str
    start_at: datetime
    end_at: datetime
    expires_at: datetime
    staff_member_id: int | None


async def hold_slot(session: AsyncSession, request: HoldRequest, actor: Actor, *,
                    now: datetime | None = None) -> Hold:
    """Keep the slot for the store's hold time, under the rules booking it would meet."""
    check(actor, Action.BOOK, actor.customer_id)
    now = now or utcnow()
    problems = rules.check_period(request.start_at, None, now, actor)
    menus, menu_problems = await rules.active_menus(session, list(request.menu_ids))
    problems += menu_problems + await rules.active_staff(session, request.staff_member_id)
    if problems:
        raise DomainError.many(problems)
    assert request.start_at is not None
    start_at = request.start_at
    end_at = start_at + timedelta(minutes=sum(m.duration_minutes for m in menus))
    verdict = await calendar_check(session, (start_at, end_at), request.staff_member_id, actor, now)
    if verdict.problems:
        raise DomainError.many(verdict.problems)
    await lock_booking(session, [], [request.staff_member_id])
    _, found = await rules.staff_time(session, request.staff_member_id, start_at, end_at, actor,
                                      working=verdict.working, now=now)
    if verdict.stylist_off or found:
        raise rules.slot_full() if not actor.is_staff else DomainError.many(found or [
            FieldError("staffId", ErrorCode.SLOT_FULL, rules.SLOT_FULL_MESSAGE)])
    settings = await get_store_settings(session)
    await session.execute(delete(SlotHold).where(SlotHold.expires_at <= now))  # tidy: expired keep nothing
    token = secrets.token_urlsafe(24)
    hold = SlotHold(token_hash=token_hash(token), staff_member_id=request.staff_member_id, start_at=start_at,
                    end_at=end_at, expires_at=now + timedelta(minutes=settings.hold_minutes))
    session.add(hold)
    await session.flush()
    return Hold(token, start_at, end_at, hold.expires_at, request.staff_member_id)


async def claim_hold(session: AsyncSession, token: str, period: tuple[datetime, datetime] | None,
                     staff_id: int | None, now: datetime, problems: list[FieldError]) -> str | None:
    """The hold's hash when ``token`` holds exactly this booking's time and stylist and has not
    expired; otherwise a problem on holdToken (the booking may be retried without it)."""
    if len(token) > 100 or period is None:
        problems.append(FieldError("holdToken", ErrorCode.INVALID, HOLD_GONE))
        return None
    digest = token_hash(token)
    hold = await session.scalar(select(SlotHold).where(SlotHold.token_hash == digest))
    if (hold is None or hold.expires_at <= now or (hold.start_at, hold.end_at) != period
            or hold.staff_member_id != staff_id):
        problems.append(FieldError("holdToken", ErrorCode.INVALID, HOLD_GONE))
        return None
    return digest


async def release_hold(session: AsyncSession, digest: str | None) -> None:
    if digest is not None:
        await session.execute(delete(SlotHold).where(SlotHold.token_hash == digest))


def fingerprint(request: Any, actor: Actor) -> str:
    """The request as a hash: who asks and every field that shapes the reservation."""
    fields = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in vars(request).items()
              if k not in ("idempotency_key", "hold_token")}
    fields["actor"] = [actor.kind.value, actor.account_id, actor.customer_id]
    return hashlib.sha256(json.dumps(fields, sort_keys=True, default=str).encode()).hexdigest()


def check_key(key: str) -> list[FieldError]:
    if not KEY_PATTERN.match(key):
        return [FieldError("idempotencyKey", ErrorCode.INVALID,
                           "冪等キーは英数字と _ . : - の8〜64文字で指定してください。")]
    return []


async def replay(session: AsyncSession, key: str, digest: str) -> Reservation | None:
    """The reservation an earlier request with this key made, or None; another request is refused."""
    found = await session.scalar(select(Reservation).where(Reservation.idempotency_key == key)
                                 .execution_options(populate_existing=True))
    if found is None:
        return None
    if found.idempotency_fingerprint != digest:
        raise DomainError(ErrorCode.IDEMPOTENCY_KEY_REUSED, KEY_REUSED, "idempotencyKey")
    return found
