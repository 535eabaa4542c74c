"""メールアドレスの変更 from the reservation site: a new address is applied only with the one-time
token that was sent to it.

A customer token cannot set a new address through ``update_customer``: whether an address is in
use by another customer is exactly what it must not learn, from the answer or its timing
(SPEC §12). The site's server, which sends mail, starts the change and gets a token for the new
address whatever that address is (:func:`start_email_change`: nothing about other customers is
looked up). Whoever opens the mail confirms it (:func:`confirm_email_change`); only then is the
address checked and set, and an address already in use is told to the owner of that mailbox.
Only the token's SHA-256 is stored; a new request replaces the customer's pending one.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Customer, EmailChange
from models.base import utcnow
from services import audit, normalize
from services import customers as customer_service
from services.actor import Actor, ActorKind
from services.errors import DomainError, ErrorCode, NotFound
from services.permissions import Action, check

#: How long the link in the mail works.
TOKEN_LIFETIME = timedelta(hours=24)
#: A token is 43 URL-safe characters; anything far longer is not one of ours.
MAX_TOKEN_LENGTH = 100
INVALID_TOKEN_MESSAGE = ("メールアドレス確認のリンクが無効か、有効期限が切れています。"
                         "お手数ですが、もう一度メールアドレスの変更をお申し込みください。")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def start_email_change(session: AsyncSession, customer_id: int, email: str, actor: Actor,
                             *, now: datetime | None = None) -> tuple[str, datetime]:
    """A token to send to ``email`` (the site's server mails it) and when it stops working."""
    check(actor, Action.START_EMAIL_CHANGE)
    address = normalize.normalize_email(email)
    if not address:
        raise DomainError(ErrorCode.REQUIRED, "新しいメールアドレスを入力してください。", "email")
    customer = await session.get(Customer, customer_id)
    if customer is None:
        raise NotFound("お客様", "customerId")
    if customer.withdrawn_at is not None:
        raise DomainError(ErrorCode.CUSTOMER_WITHDRAWN, "退会済みのお客様です。", "customerId")
    now = now or utcnow()
    await session.execute(delete(EmailChange).where(EmailChange.customer_id == customer_id,
                                                    EmailChange.confirmed_at.is_(None)))
    token = secrets.token_urlsafe(32)
    session.add(EmailChange(customer_id=customer_id, new_email=address, token_hash=_digest(token),
                            requested_at=now, expires_at=now + TOKEN_LIFETIME))
    await session.flush()
    await audit.record(session, actor, entity="customer", entity_id=customer_id, action="email_change_requested",
                       changes={"new_email": [None, address]})
    return token, now + TOKEN_LIFETIME


async def confirm_email_change(session: AsyncSession, token: str, actor: Actor,
                               *, now: datetime | None = None) -> Customer:
    """Set the address the token was sent to. A customer token confirms only its own change."""
    if not isinstance(token, str) or not 0 < len(token) <= MAX_TOKEN_LENGTH:
        raise DomainError(ErrorCode.INVALID_TOKEN, INVALID_TOKEN_MESSAGE, "token")
    change = await session.scalar(select(EmailChange).where(EmailChange.token_hash == _digest(token))
                                  .with_for_update())
    if (change is None or change.confirmed_at is not None or change.expires_at <= (now or utcnow())
            or (actor.kind == ActorKind.CUSTOMER and actor.customer_id != change.customer_id)):
        raise DomainError(ErrorCode.INVALID_TOKEN, INVALID_TOKEN_MESSAGE, "token")
    customer = await customer_service.apply_confirmed_email(session, change.customer_id, change.new_email, actor)
    change.confirmed_at = now or utcnow()
    await session.flush()
    return customer
