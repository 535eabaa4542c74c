"""サイト連携キー (site credentials): what the reservation site's server presents instead of a
manager token.

A manager issues one in the admin (:func:`create_api_client`): the secret is returned once and
only its SHA-256 is stored, with its first characters to tell keys apart. The site's server sends
it as ``Authorization: ApiClient <secret>``; :func:`actor_for_secret` turns a live one into an
:class:`Actor` of role ``site`` (services.permissions), which may only do the customer channel's
actions: link a LINE account, issue a customer token, start an e-mail change, read the salon's
public lists. A revoked key stands for nobody from the next request on; its row stays, so the list
keeps showing who issued it and when it was last used.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import ApiClient
from models.base import utcnow
from models.db import Database
from services import audit, text_rules
from services.actor import Actor
from services.errors import DomainError, ErrorCode, NotFound
from services.permissions import Action, check

NAME_LIMIT = 64
#: Every key begins with this, so that a leaked one is recognisable in logs and scanners.
PREFIX = "slk_"
#: Anything longer than a key can be is refused unhashed.
MAX_SECRET_LENGTH = 100
#: ``last_used_at`` is written at most this often per key: a busy site would otherwise write a row
#: on every request.
TOUCH_EVERY = timedelta(minutes=1)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def clean_name(value: str) -> str:
    name = text_rules.strict_text(value or "", "名称", "name", NAME_LIMIT).strip()
    if not name:
        raise DomainError(ErrorCode.REQUIRED, "名称を入力してください（例: 予約サイト）。", "name")
    return text_rules.check_length(name, "名称", "name", NAME_LIMIT)


async def create_api_client(session: AsyncSession, name: str, actor: Actor) -> tuple[ApiClient, str]:
    """A new key and its secret, which is never shown again."""
    check(actor, Action.MANAGE_API_CLIENTS)
    name = clean_name(name)
    secret = PREFIX + secrets.token_urlsafe(32)
    client = ApiClient(name=name, secret_hash=_digest(secret), secret_prefix=secret[:12],
                       created_by_id=actor.account_id)
    session.add(client)
    await session.flush()
    await audit.record(session, actor, entity=audit.AuditEntity.API_CLIENT, entity_id=client.id,
                       action=audit.AuditAction.CREATE, changes={"name": [None, name]})
    return client, secret


async def revoke_api_client(session: AsyncSession, client_id: int, actor: Actor) -> ApiClient:
    """Stop a key working; revoking a revoked one changes nothing."""
    check(actor, Action.MANAGE_API_CLIENTS)
    client = await session.get(ApiClient, client_id)
    if client is None:
        raise NotFound("サイト連携キー")
    if client.revoked_at is None:
        client.revoked_at = utcnow()
        await session.flush()
        await audit.record(session, actor, entity=audit.AuditEntity.API_CLIENT, entity_id=client.id,
                           action=audit.AuditAction.REVOKE, changes={"revoked_at": [None, client.revoked_at]})
    return client


async def actor_for_secret(db: Database, secret: str, *, now: datetime | None = None) -> Actor | None:
    """The site actor of a live key, or None; its last use is noted (at most once a minute)."""
    if not secret or len(secret) > MAX_SECRET_LENGTH:
        return None
    async with db.sessionmaker() as session:
        client = await session.scalar(select(ApiClient).where(ApiClient.secret_hash == _digest(secret)))
    if client is None or client.revoked_at is not None:
        return None
    now = now or utcnow()
    if client.last_used_at is None or client.last_used_at <= now - TOUCH_EVERY:
        async with db.transaction() as session:
            await session.execute(update(ApiClient).where(ApiClient.id == client.id).values(last_used_at=now))
    return Actor.api_client(client.id, client.name)
