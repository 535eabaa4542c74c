"""LINE連携: the reservation site's server links a customer's LINE account (SPEC §11).

The site logs the customer in with LINE and sends the LINE user id, display name and picture
with the full name and e-mail the customer gave (:func:`link_line_account`, site credential only):

- an active customer with the same normalised full name (``Customer.name_key``) **and** the same
  real e-mail (case-insensitive; a phone-only customer's placeholder never matches) is linked;
- otherwise (the same name only, or nothing) a new customer is registered with path LINE,
  through ``services.customers.create_customer`` (``clean_customer`` in mode LINE; who the person
  is for the blacklist's match is recorded as for every registration, and the LINE id counts);
- a LINE id already linked to another customer, or a matched customer already linked to another
  LINE id, is refused; linking the same pair again changes nothing.

Unlinking (:func:`unlink_line_account`) is a staff action, recorded; it ends the customer's tokens,
which the site obtained for the linked customer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import ApiToken, Customer, RegistrationPath
from models.base import utcnow
from services import audit, normalize, text_rules
from services import customers as customer_service
from services.actor import Actor
from services.constraints import refusing_violations
from services.customer_fields import Mode, clean_customer
from services.errors import DomainError, ErrorCode, FieldError, NotFound
from services.locking import lock_customers
from services.permissions import Action, check
from services.store import get_store_settings

#: LINE's user id: "U" and 32 lower-case hexadecimal digits.
LINE_USER_ID = re.compile(r"U[0-9a-f]{32}")
DISPLAY_NAME_LIMIT = 100
PICTURE_URL_LIMIT = 1024
LINE_FIELDS = ("line_user_id", "line_name", "line_picture_url", "line_linked_at")


@dataclass(frozen=True)
class LineProfile:
    line_user_id: Any
    display_name: Any = None
    picture_url: Any = None
    last_name: Any = None
    first_name: Any = None
    email: Any = None


@dataclass(frozen=True)
class LinkResult:
    customer: Customer
    created: bool  # a new customer registered with path LINE
    linked: bool  # False: this LINE id was already linked to this customer (nothing changed)


def _line_values(profile: LineProfile, errors: list[FieldError]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, check_value in (("line_user_id", _user_id), ("line_name", _display_name),
                             ("line_picture_url", _picture_url)):
        raw = {"line_user_id": profile.line_user_id, "line_name": profile.display_name,
               "line_picture_url": profile.picture_url}[key]
        try:
            values[key] = check_value(raw)
        except DomainError as exc:
            errors.extend(exc.errors)
    return values


def _user_id(raw: Any) -> str:
    value = text_rules.strict_text(raw or "", "LINEユーザーID", "lineUserId", 64).strip()
    if not value:
        raise DomainError(ErrorCode.REQUIRED, "LINEユーザーIDを入力してください。", "lineUserId")
    if not LINE_USER_ID.fullmatch(value):
        raise DomainError(ErrorCode.INVALID, "LINEユーザーIDの形式が正しくありません（Uと32桁の英数字）。",
                          "lineUserId")
    return value


def _display_name(raw: Any) -> str | None:
    if raw is None:
        return None
    return text_rules.free_text(raw, "LINE名", "displayName", DISPLAY_NAME_LIMIT)


def _picture_url(raw: Any) -> str | None:
    if raw is None:
        return None
    value = text_rules.strict_text(raw, "画像(LINE)", "pictureUrl", PICTURE_URL_LIMIT).strip()
    if not value:
        return None
    if not value.startswith("https://") or any(c.isspace() for c in value):
        raise DomainError(ErrorCode.INVALID, "画像(LINE)のURLは https:// で始まるURLにしてください。",
                          "pictureUrl")
    return value


async def _match(session: AsyncSession, values: dict[str, Any]) -> Customer | None:
    """The active customer with the same normalised full name and the same real e-mail."""
    return await session.scalar(
        select(Customer)
        .where(Customer.name_key == normalize.name_key(values["last_name"], values["first_name"]),
               Customer.email_key == normalize.email_key(values["email"]),
               Customer.email_is_placeholder.is_(False), Customer.withdrawn_at.is_(None))
        .order_by(Customer.id).limit(1))


def _already_linked() -> DomainError:
    return DomainError(ErrorCode.DUPLICATE, "このLINEアカウントは既に他のお客様と連携しています。", "lineUserId")


async def link_line_account(session: AsyncSession, profile: LineProfile, actor: Actor) -> LinkResult:
    """Link the LINE account to the matching customer, or register a new one (see the module)."""
    check(actor, Action.LINK_LINE_ACCOUNT)
    errors: list[FieldError] = []
    line = _line_values(profile, errors)
    person = {"last_name": profile.last_name, "first_name": profile.first_name, "email": profile.email}
    cleaned = clean_customer({k: ("" if v is None else v) for k, v in person.items()}, Mode.LINE)
    errors += cleaned.errors
    if errors:
        raise DomainError.many(errors)
    holder = await session.scalar(select(Customer).where(Customer.line_user_id == line["line_user_id"]))
    match = await _match(session, cleaned.values)
    if holder is not None:
        if match is not None and match.id != holder.id:
            raise _already_linked()
        return LinkResult(holder, created=False, linked=False)
    if match is not None:
        await lock_customers(session, [match.id])
        await session.refresh(match)
        if match.line_user_id:
            raise DomainError(ErrorCode.DUPLICATE, "このお客様は既に別のLINEアカウントと連携しています。"
                              "店舗にお問い合わせください。", "lineUserId")
        return LinkResult(await _link(session, match, line, actor), created=False, linked=True)
    customer = await customer_service.create_customer(
        session, cleaned.values, actor, path=RegistrationPath.LINE, permission=Action.LINK_LINE_ACCOUNT)
    return LinkResult(await _link(session, customer, line, actor), created=True, linked=True)


async def _link(session: AsyncSession, customer: Customer, line: dict[str, Any], actor: Actor) -> Customer:
    before = {key: getattr(customer, key) for key in LINE_FIELDS}
    for key, value in line.items():
        setattr(customer, key, value)
    customer.line_linked_at = utcnow()
    await _rekey(session, customer)
    async with refusing_violations():  # a concurrent link took the LINE id first
        await session.flush()
    await audit.record(session, actor, entity=audit.AuditEntity.CUSTOMER, entity_id=customer.id,
                       action=audit.AuditAction.LINK_LINE,
                       changes=audit.diff(before, {key: getattr(customer, key) for key in LINE_FIELDS}))
    return customer


async def _rekey(session: AsyncSession, customer: Customer) -> None:
    """The search text carries the LINE name; who the person is for the match stays as recorded."""
    settings = await get_store_settings(session)
    customer_service.derive_keys(customer, settings.placeholder_email_domain, person=False)


async def unlink_line_account(session: AsyncSession, customer_id: int, actor: Actor) -> Customer:
    """Staff remove a customer's LINE link (recorded); the customer's tokens stop working."""
    check(actor, Action.UNLINK_LINE_ACCOUNT)
    await lock_customers(session, [customer_id])
    customer = await session.get(Customer, customer_id, populate_existing=True)
    if customer is None:
        raise NotFound("お客様", "customerId")
    if not customer.line_user_id:
        raise DomainError(ErrorCode.NOT_LINKED, "このお客様はLINE連携していません。", "customerId")
    before = {key: getattr(customer, key) for key in LINE_FIELDS}
    for key in LINE_FIELDS:
        setattr(customer, key, None)
    await _rekey(session, customer)
    await session.execute(update(ApiToken).where(ApiToken.customer_id == customer.id, ApiToken.revoked_at.is_(None))
                          .values(revoked_at=utcnow()))
    await session.flush()
    await audit.record(session, actor, entity=audit.AuditEntity.CUSTOMER, entity_id=customer.id,
                       action=audit.AuditAction.UNLINK_LINE, changes=audit.diff(before, dict.fromkeys(LINE_FIELDS)))
    return customer
