"""Staff accounts, password hashing (argon2) and bearer tokens for GraphQL.

Tokens are random strings handed out once; only their SHA-256 is stored, so a
leaked database does not leak live tokens.
"""

from __future__ import annotations

import asyncio

import hashlib
import secrets
from datetime import datetime, timedelta, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import ApiToken, Customer, StaffAccount, StaffRole, TokenKind
from models.db import Database
from services import audit
from services.actor import Actor
from services.permissions import Action, check
from services.config import get_settings
from services.errors import DomainError, ErrorCode, NotFound
from services.sessions import revoke_account_logins

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 8
#: Verified against when the login ID is unknown, so that a wrong ID costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


async def verify_password_off_loop(password_hash: str, password: str) -> bool:
    """``verify_password`` in a worker thread: argon2 takes tens of milliseconds of CPU by design,
    and on the event loop it would stall every other request of the process meanwhile."""
    return await asyncio.to_thread(verify_password, password_hash, password)


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def actor_for_account(account: StaffAccount) -> Actor:
    return Actor.staff(account.id, account.role, account.display_name)


def check_password(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(ErrorCode.INVALID, f"パスワードは{MIN_PASSWORD_LENGTH}文字以上にしてください。", field)


#: Account fields recorded in the audit log (never the hash).
AUDITED_ACCOUNT_FIELDS = ("login_id", "display_name", "role", "staff_member_id", "active")


def _account_snapshot(account: StaffAccount) -> dict:
    return {key: getattr(account, key) for key in AUDITED_ACCOUNT_FIELDS}


async def create_staff_account(
    session: AsyncSession,
    *,
    login_id: str,
    password: str,
    display_name: str,
    role: StaffRole = StaffRole.STAFF,
    staff_member_id: int | None = None,
    active: bool = True,
    actor: Actor | None = None,
) -> StaffAccount:
    """A new login. ``actor`` (a manager) is required except for the CLI's first manager."""
    if actor is not None:
        check(actor, Action.MANAGE_STAFF)
    login_id = login_id.strip()
    if not login_id:
        raise DomainError(ErrorCode.REQUIRED, "ログインIDを入力してください。", "login_id")
    check_password(password)
    if await session.scalar(select(StaffAccount.id).where(StaffAccount.login_id == login_id)):
        raise DomainError(ErrorCode.DUPLICATE, "このログインIDは既に使われています。", "login_id")
    account = StaffAccount(login_id=login_id, password_hash=hash_password(password),
                           display_name=display_name.strip() or login_id, role=role,
                           staff_member_id=staff_member_id, active=active)
    session.add(account)
    await session.flush()
    await audit.record(session, actor or Actor.system("cli"), entity="staff_account", entity_id=account.id,
                       action="create", changes=audit.diff({}, _account_snapshot(account)))
    return account


async def update_staff_account(
    session: AsyncSession,
    account_id: int,
    *,
    display_name: str,
    role: StaffRole,
    staff_member_id: int | None,
    active: bool,
    new_password: str = "",
    unlock: bool = False,
    actor: Actor,
) -> StaffAccount:
    """Managers change an account; nobody removes their own manager role or deactivates themselves.

    A new password, or ``unlock``, ends a lockout after repeated failed logins. A new
    password, another role or deactivation ends the account's admin sessions and staff
    tokens: whoever held them logs in again, under the new password and role.
    """
    check(actor, Action.MANAGE_STAFF)
    account = await session.get(StaffAccount, account_id)
    if account is None:
        raise NotFound("スタッフアカウント")
    if account.id == actor.account_id and (role != StaffRole.MANAGER or not active):
        raise DomainError(ErrorCode.PERMISSION_DENIED,
                          "自分自身のアカウントの権限を外したり無効にしたりすることはできません。")
    if new_password:
        check_password(new_password, "new_password")
    before = _account_snapshot(account)
    account.display_name = display_name.strip() or account.login_id
    account.role = role
    account.staff_member_id = staff_member_id
    account.active = active
    changes = audit.diff(before, _account_snapshot(account))
    if new_password:
        account.password_hash = hash_password(new_password)
        changes["password"] = "changed"
    if (new_password or unlock) and (account.locked_until is not None or account.failed_login_count):
        account.failed_login_count = 0
        account.locked_until = None
        changes["locked"] = "unlocked"
    if new_password or "role" in changes or not account.active:
        await revoke_account_logins(session, account.id)
    if changes:
        await audit.record(session, actor, entity="staff_account", entity_id=account.id, action="update",
                           changes=changes)
    return account


async def delete_staff_account(session: AsyncSession, account_id: int, actor: Actor) -> None:
    """Managers delete an account, never the one they are logged in with."""
    check(actor, Action.MANAGE_STAFF)
    if account_id == actor.account_id:
        raise DomainError(ErrorCode.PERMISSION_DENIED, "ログイン中の自分のアカウントは削除できません。")
    account = await session.get(StaffAccount, account_id)
    if account is None:
        raise NotFound("スタッフアカウント")
    before = _account_snapshot(account)
    await session.delete(account)
    await session.flush()
    await audit.record(session, actor, entity="staff_account", entity_id=account_id, action="delete",
                       changes={k: [v, None] for k, v in before.items()})


def _invalid_credentials() -> DomainError:
    return DomainError(ErrorCode.INVALID_CREDENTIALS, "ログインIDまたはパスワードが正しくありません。")


def _locked(minutes: int) -> DomainError:
    return DomainError(
        ErrorCode.ACCOUNT_LOCKED,
        f"ログインに続けて失敗したため、このアカウントは一時的にロックされています。"
        f"{minutes}分ほどしてからもう一度お試しいただくか、店長にご連絡ください。")


async def authenticate(db: Database, login_id: str, password: str) -> StaffAccount:
    """The active account with that login and password, or INVALID_CREDENTIALS / ACCOUNT_LOCKED.

    The one login rule of both doors (admin page and GraphQL ``login``). After
    ``LOGIN_MAX_FAILURES`` wrong passwords in a row the account is locked for
    ``LOGIN_LOCK_MINUTES``, even against the right password; a manager setting a new
    password unlocks it. The failure count must survive the refusal, so this opens
    and commits its own transaction instead of joining the caller's.
    """
    settings = get_settings()
    now = datetime.now(timezone.utc)
    async with db.transaction() as session:
        account = await session.scalar(select(StaffAccount).where(StaffAccount.login_id == login_id.strip()))
        if account is None:
            await verify_password_off_loop(_DUMMY_HASH, password)
            refusal: DomainError | None = _invalid_credentials()
        elif account.is_locked(now):
            refusal = _locked(settings.login_lock_minutes)
        elif not await verify_password_off_loop(account.password_hash, password):
            refusal = await _count_failure(session, account, now)
        elif not account.active:
            refusal = _invalid_credentials()
        else:
            refusal = None
            if _hasher.check_needs_rehash(account.password_hash):
                account.password_hash = await asyncio.to_thread(hash_password, password)
            account.last_login_at = now
            account.failed_login_count = 0
            account.locked_until = None
    if refusal is not None:
        raise refusal
    assert account is not None
    return account


async def _count_failure(session: AsyncSession, account: StaffAccount, now: datetime) -> DomainError:
    """One more wrong password (counted in SQL, so concurrent attempts all count); lock at the limit."""
    settings = get_settings()
    failures = await session.scalar(
        update(StaffAccount).where(StaffAccount.id == account.id)
        .values(failed_login_count=StaffAccount.failed_login_count + 1)
        .returning(StaffAccount.failed_login_count))
    if failures is not None and failures >= settings.login_max_failures:
        await session.execute(
            update(StaffAccount).where(StaffAccount.id == account.id)
            .values(failed_login_count=0, locked_until=now + timedelta(minutes=settings.login_lock_minutes)))
        await revoke_account_logins(session, account.id)
        return _locked(settings.login_lock_minutes)
    return _invalid_credentials()


async def issue_staff_token(session: AsyncSession, account: StaffAccount) -> tuple[str, datetime]:
    hours = get_settings().staff_token_hours
    return await _issue(session, TokenKind.STAFF, timedelta(hours=hours), staff_account_id=account.id)


async def issue_customer_token(session: AsyncSession, customer: Customer) -> tuple[str, datetime]:
    days = get_settings().customer_token_days
    return await _issue(session, TokenKind.CUSTOMER, timedelta(days=days), customer_id=customer.id)


async def grant_customer_token(session: AsyncSession, customer_id: int, actor: Actor) -> tuple[str, datetime]:
    """A customer token for the reservation site's server.

    The site authenticates the customer itself (LINE login) and, signed in with a
    manager service account, exchanges that for a token that sees only this
    customer's data.  Recorded in the audit log.
    """
    check(actor, Action.ISSUE_CUSTOMER_TOKEN)
    customer = await session.get(Customer, customer_id)
    if customer is None or customer.withdrawn_at is not None:
        raise NotFound("お客様", "customerId")
    token, expires = await issue_customer_token(session, customer)
    await audit.record(session, actor, entity="customer", entity_id=customer.id, action="issue_token")
    return token, expires


async def _issue(session: AsyncSession, kind: TokenKind, ttl: timedelta, **owner: int) -> tuple[str, datetime]:
    raw = secrets.token_urlsafe(32)
    expires = datetime.now(timezone.utc) + ttl
    session.add(ApiToken(token_hash=_token_hash(raw), kind=kind, expires_at=expires, **owner))
    await session.flush()
    return raw, expires


async def revoke_token(session: AsyncSession, raw: str) -> None:
    token = await session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(raw)))
    if token is not None and token.revoked_at is None:
        token.revoked_at = datetime.now(timezone.utc)


async def actor_for_token(session: AsyncSession, raw: str) -> Actor | None:
    """The actor a live bearer token stands for, or None."""
    token = await session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(raw)))
    now = datetime.now(timezone.utc)
    if token is None or token.revoked_at is not None or token.expires_at <= now:
        return None
    if token.kind == TokenKind.STAFF:
        account = await session.get(StaffAccount, token.staff_account_id)
        if account is None or not account.active or account.is_locked(now):
            return None
        return actor_for_account(account)
    customer = await session.get(Customer, token.customer_id)
    if customer is None or customer.withdrawn_at is not None:
        return None
    return Actor.customer(customer.id, customer.full_name)
