"""Admin sessions kept on the server, and ending every login of an account at once.

The admin cookie is signed, but a signature cannot be taken back: a copy of the cookie
would stay good until it expires. So the cookie carries only a random session id; its
SHA-256 is a row in ``admin_sessions``, looked up on every admin request, and a session
ends when its row gets ``revoked_at``. Staff API tokens work the same way (``api_tokens``).
Revocation is a fact in the database, never only in a process's memory, so that every
worker (and any cache of token → actor) can honour it.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import AdminSession, ApiToken, StaffAccount
from services.config import get_settings

#: Longest session id accepted from a cookie (ours are 43 characters).
MAX_SESSION_ID_LENGTH = 128
#: Ended and expired rows are kept this long (to read in an investigation), then deleted.
KEEP_ENDED = timedelta(days=30)


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


async def open_admin_session(session: AsyncSession, account: StaffAccount) -> str:
    """A new admin session for ``account``; returns the id to put in the signed cookie."""
    now = datetime.now(timezone.utc)
    raw = secrets.token_urlsafe(32)
    session.add(AdminSession(session_hash=_hash(raw), staff_account_id=account.id, created_at=now,
                             expires_at=now + timedelta(hours=get_settings().staff_token_hours)))
    await session.execute(delete(AdminSession).where(AdminSession.expires_at < now - KEEP_ENDED))
    await session.flush()
    return raw


async def account_for_admin_session(session: AsyncSession, raw: object) -> StaffAccount | None:
    """The account of a live admin session, or None (unknown, ended, expired, account off or locked)."""
    if not isinstance(raw, str) or not raw or len(raw) > MAX_SESSION_ID_LENGTH:
        return None
    now = datetime.now(timezone.utc)
    account = await session.scalar(
        select(StaffAccount).join(AdminSession, AdminSession.staff_account_id == StaffAccount.id)
        .where(AdminSession.session_hash == _hash(raw), AdminSession.revoked_at.is_(None),
               AdminSession.expires_at > now))
    if account is None or not account.active or account.is_locked:
        return None
    return account


async def end_admin_session(session: AsyncSession, raw: object) -> None:
    """Logout: the session's row is revoked, so a saved copy of the cookie opens nothing."""
    if not isinstance(raw, str) or not raw or len(raw) > MAX_SESSION_ID_LENGTH:
        return
    await session.execute(
        update(AdminSession).where(AdminSession.session_hash == _hash(raw), AdminSession.revoked_at.is_(None))
        .values(revoked_at=datetime.now(timezone.utc)))


async def revoke_account_logins(session: AsyncSession, account_id: int) -> None:
    """End every admin session and staff token of an account (password, role, lock or activity changed).

    Whoever held them must log in again, under the account's new password and role.
    """
    now = datetime.now(timezone.utc)
    await session.execute(
        update(AdminSession).where(AdminSession.staff_account_id == account_id, AdminSession.revoked_at.is_(None))
        .values(revoked_at=now))
    await session.execute(
        update(ApiToken).where(ApiToken.staff_account_id == account_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now))
