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
from services import audit, login_throttle, text_rules
from services.actor import Actor
from services.config import get_settings
from services.errors import DomainError, ErrorCode, NotFound
from services.permissions import Action, check
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
#: The length of ``StaffAccount.login_id``.
LOGIN_ID_LIMIT = 64
AUDITED_ACCOUNT_FIELDS = ("login_id", "display_name", "role", "staff_member_id", "active")


def _account_snapshot(account: StaffAccount) -> dict:
    return {**{key: getattr(account, key) for key in AUDITED_ACCOUNT_FIELDS}, "locked": account.is_locked}


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
    login_id = clean_login_id(login_id)
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
    locked: bool | None = None,
    new_password: str = "",
    clear_login_limits: bool = False,
    actor: Actor,
) -> StaffAccount:
    """Managers change an account; nobody removes their own manager role, deactivates or locks themselves.

    ``locked`` (None: unchanged) stops the account from logging in until a manager unlocks it.
    A new password, another role, a lock or deactivation ends the account's admin sessions and
    staff tokens: whoever held them logs in again, under the new password and role. A new
    password, or ``clear_login_limits``, lifts the slow-down after failed logins on its ID.
    """
    check(actor, Action.MANAGE_STAFF)
    account = await session.get(StaffAccount, account_id)
    if account is None:
        raise NotFound("スタッフアカウント")
    if account.id == actor.account_id and (role != StaffRole.MANAGER or not active):
        raise DomainError(ErrorCode.PERMISSION_DENIED,
                          "自分自身のアカウントの権限を外したり無効にしたりすることはできません。")
    if account.id == actor.account_id and locked:
        raise DomainError(ErrorCode.PERMISSION_DENIED, "自分自身のアカウントはロックできません。")
    if new_password:
        check_password(new_password, "new_password")
    before = _account_snapshot(account)
    account.display_name = display_name.strip() or account.login_id
    account.role = role
    account.staff_member_id = staff_member_id
    account.active = active
    if locked is not None and locked != account.is_locked:
        account.locked_at = datetime.now(timezone.utc) if locked else None
    changes = audit.diff(before, _account_snapshot(account))
    if new_password:
        account.password_hash = hash_password(new_password)
        changes["password"] = "changed"
    if new_password or "role" in changes or "locked" in changes or not account.active:
        await revoke_account_logins(session, account.id)
    if (new_password or clear_login_limits) and await login_throttle.clear_for_login(session, account.login_id):
        changes["login_limits"] = "cleared"
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


def _locked() -> DomainError:
    return DomainError(ErrorCode.ACCOUNT_LOCKED,
                       "このアカウントは店長によってロックされています。店長にご連絡ください。")


def clean_login_id(value: str) -> str:
    """ログインID as stored and looked up: identifying text (services.text_rules: no control or bidi
    characters, PostgreSQL refuses a NUL outright), surrounding spaces dropped, 64 characters at most."""
    login_id = text_rules.strict_text(value, "ログインID", "login_id", LOGIN_ID_LIMIT).strip()
    return text_rules.check_length(login_id, "ログインID", "login_id", LOGIN_ID_LIMIT)


async def authenticate(db: Database, login_id: str, password: str, client_address: str | None = None
                       ) -> StaffAccount:
    """The active account with that login and password, or INVALID_CREDENTIALS / TOO_MANY_REQUESTS /
    ACCOUNT_LOCKED.

    The one login rule of both doors (admin page and GraphQL ``login``). Failed attempts are
    slowed down per client address and per login ID (services.login_throttle) before any
    account is looked at, so a known and an unknown ID get the same answers. ACCOUNT_LOCKED
    (a manager's lock) is said only after the right password, so it tells a guesser nothing.
    """
    try:
        login_id = clean_login_id(login_id)
    except DomainError:  # no account has such an ID: the same answer as any unknown one
        raise _invalid_credentials() from None
    keys = login_throttle.AttemptKeys.of(login_id, client_address)
    at = login_throttle.now()
    await login_throttle.admit(db, keys, at)  # counts this attempt, or refuses it unchecked
    async with db.sessionmaker() as session:
        account = await session.scalar(select(StaffAccount).where(StaffAccount.login_id == login_id))
    if account is None:
        await verify_password_off_loop(_DUMMY_HASH, password)  # a wrong ID costs what a wrong password does
        raise _invalid_credentials()
    if not await verify_password_off_loop(account.password_hash, password) or not account.active:
        raise _invalid_credentials()
    if account.is_locked:
        raise _locked()
    new_hash = await asyncio.to_thread(hash_password, password) if _hasher.check_needs_rehash(
        account.password_hash) else None
    async with db.transaction() as session:
        await login_throttle.succeeded(session, keys, at)
        values: dict = {"last_login_at": at} | ({"password_hash": new_hash} if new_hash else {})
        await session.execute(update(StaffAccount).where(StaffAccount.id == account.id).values(**values))
    async with db.transaction() as session:  # apart, so that tidying never holds up the login's own rows
        await login_throttle.forget_old(session, at)
    return account


async def issue_staff_token(session: AsyncSession, account: StaffAccount) -> tuple[str, datetime]:
    hours = get_settings().staff_token_hours
    return await _issue(session, TokenKind.STAFF, timedelta(hours=hours), staff_account_id=account.id)


async def issue_customer_token(session: AsyncSession, customer: Customer) -> tuple[str, datetime]:
    days = get_settings().customer_token_days
    return await _issue(session, TokenKind.CUSTOMER, timedelta(days=days), customer_id=customer.id)


async def grant_customer_token(session: AsyncSession, customer_id: int, actor: Actor) -> tuple[str, datetime]:
    """A customer token for the reservation site's server.

    The site authenticates the customer itself (LINE login), links the LINE account
    (services.line_link) and, presenting its site credential (services.api_clients), exchanges
    that for a token that sees only this customer's data. Staff and manager tokens may not: a
    token that reads one customer is the site's to hand out, for a customer who logged in with
    LINE. A withdrawn customer gets none. Recorded in the audit log.
    """
    check(actor, Action.ISSUE_CUSTOMER_TOKEN)
    customer = await session.get(Customer, customer_id)
    if customer is None or customer.withdrawn_at is not None:
        raise NotFound("お客様", "customerId")
    if not customer.line_user_id:
        raise DomainError(ErrorCode.NOT_LINKED, "LINE連携していないお客様にはトークンを発行できません。"
                          "先にLINE連携（linkLineAccount）を行ってください。", "customerId")
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
        if account is None or not account.active or account.is_locked:
            return None
        return actor_for_account(account)
    customer = await session.get(Customer, token.customer_id)
    if customer is None or customer.withdrawn_at is not None:
        return None
    return Actor.customer(customer.id, customer.full_name)
