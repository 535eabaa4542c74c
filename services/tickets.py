"""回数券: selling a ticket, changing its expiry, and which purchases a holders' list shows.

A purchase belongs to its buyer for good: there is no refund and no transfer (no operation exists
for either, and a purchase with uses cannot be deleted). The expiry is the last day on which the
ticket may be used, in Japan time; it is computed from the ticket menu's validity at purchase, and
only staff change it afterwards, each change recorded (who, when, old, new) in
``ticket_expiry_changes`` and the audit log. The price paid is kept on the purchase, so a later
change of the menu's price changes nothing sold.
"""

from __future__ import annotations

import enum
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Date, and_, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Customer, Reservation, TicketExpiryChange, TicketMenu, TicketPurchase, TicketUse
from services import audit, text_rules
from services.actor import Actor
from services.booking import ACTIVE_STATUSES
from services.errors import DomainError, ErrorCode, FieldError, NotFound
from services.japan_time import in_japan, japan_today
from services.locking import lock_customers
from services.permissions import Action, check

#: How far back a purchase may be dated (a sale entered late), and how far an expiry may reach.
BACKDATE_DAYS = 366
LONGEST_EXPIRY_DAYS = 366 * 10
REASON_MAX = 255
NO_REFUND = "回数券の返金・取り消しはできません（使用済みの回数券は削除できません）。"


class TicketState(enum.Enum):
    """What a holders' list shows (``ticketPurchases(filter: {state})`` and the admin's filter)."""

    ACTIVE = "ACTIVE"        # 利用可: not expired, uses left
    EXPIRED = "EXPIRED"      # 期限切れ
    USED_UP = "USED_UP"      # 使い切り


def today() -> date:
    return japan_today()


def expiry_for(menu: TicketMenu, purchased_on: date) -> date:
    """The last day of use: the purchase day plus the validity (a 30-day ticket bought on the 1st
    is usable through the 30th)."""
    return purchased_on + timedelta(days=menu.validity_days - 1)


async def purchase_ticket(session: AsyncSession, customer_id: int | None, ticket_menu_id: int | None,
                          purchased_on: date | None, actor: Actor) -> TicketPurchase:
    """Sell a ticket (at checkout): uses and expiry from the menu, the price paid kept."""
    check(actor, Action.SELL_TICKETS)
    errors: list[FieldError] = []
    sold_on = purchased_on or today()
    if sold_on > today():
        errors.append(FieldError("purchased_on", ErrorCode.INVALID_DATE, "購入日に未来の日付は指定できません。"))
    elif sold_on < today() - timedelta(days=BACKDATE_DAYS):
        errors.append(FieldError("purchased_on", ErrorCode.INVALID_DATE, "購入日は1年以内の日付を指定してください。"))
    customer = await _customer(session, customer_id, errors)
    menu = await session.get(TicketMenu, ticket_menu_id) if ticket_menu_id is not None else None
    if menu is None:
        errors.append(FieldError("ticket_menu_id", ErrorCode.REQUIRED if ticket_menu_id is None else ErrorCode.NOT_FOUND,
                                 "回数券を選んでください。" if ticket_menu_id is None else "回数券が見つかりません。"))
    elif not menu.active:
        errors.append(FieldError("ticket_menu_id", ErrorCode.INVALID, f"回数券「{menu.name}」は販売を終了しています。"))
    if errors or customer is None or menu is None:
        raise DomainError.many(errors)
    await lock_customers(session, [customer.id])
    purchase = TicketPurchase(customer_id=customer.id, ticket_menu_id=menu.id, purchased_on=sold_on,
                              expires_on=expiry_for(menu, sold_on), total_uses=menu.uses, used_count=0,
                              price_paid=menu.price)
    session.add(purchase)
    await session.flush()
    await audit.record(session, actor, entity=audit.AuditEntity.TICKET_PURCHASE, entity_id=purchase.id,
                       action=audit.AuditAction.CREATE, changes={
                           "customer_id": [None, customer.id], "ticket_menu": [None, menu.name],
                           "purchased_on": [None, sold_on], "expires_on": [None, purchase.expires_on],
                           "total_uses": [None, menu.uses], "price_paid": [None, menu.price]})
    return purchase


async def _customer(session: AsyncSession, customer_id: int | None, errors: list[FieldError]) -> Customer | None:
    if customer_id is None:
        errors.append(FieldError("customer_id", ErrorCode.REQUIRED, "お客様を選んでください。"))
        return None
    customer = await session.get(Customer, customer_id)
    if customer is None:
        errors.append(FieldError("customer_id", ErrorCode.NOT_FOUND, "お客様が見つかりません。"))
    elif customer.withdrawn_at is not None:
        errors.append(FieldError("customer_id", ErrorCode.CUSTOMER_WITHDRAWN, "退会したお客様には販売できません。"))
        return None
    return customer


async def latest_booked_day(session: AsyncSession, purchase_id: int) -> date | None:
    """The last day (Japan time) of an open reservation booked with the ticket, if any."""
    latest = await session.scalar(
        select(func.max(Reservation.start_at)).join(TicketUse, TicketUse.reservation_id == Reservation.id)
        .where(TicketUse.purchase_id == purchase_id, Reservation.status.in_(ACTIVE_STATUSES)))
    return in_japan(latest).date() if latest is not None else None


async def change_ticket_expiry(session: AsyncSession, purchase_id: int, expires_on: date | None, reason: Any,
                               actor: Actor) -> TicketPurchase:
    """有効期限変更: extend (or shorten) the last day of use, recorded with who, when, old and new.
    Never before the purchase day, nor before a day already booked with the ticket."""
    check(actor, Action.CHANGE_TICKET_EXPIRY)
    customer_id = await session.scalar(select(TicketPurchase.customer_id).where(TicketPurchase.id == purchase_id))
    if customer_id is None:
        raise NotFound("回数券の購入", "id")
    await lock_customers(session, [customer_id])
    purchase = await session.get(TicketPurchase, purchase_id, populate_existing=True)
    assert purchase is not None
    errors: list[FieldError] = []
    try:
        note = text_rules.free_text(reason, "変更理由", "reason", REASON_MAX)
    except DomainError as error:
        errors.extend(error.errors)
        note = None
    old = purchase.expires_on
    if expires_on is None:
        errors.append(FieldError("expires_on", ErrorCode.REQUIRED, "新しい有効期限を入力してください。"))
    elif expires_on == old:
        errors.append(FieldError("expires_on", ErrorCode.INVALID, f"有効期限は既に{_day(old)}です。"))
    elif expires_on < purchase.purchased_on:
        errors.append(FieldError("expires_on", ErrorCode.INVALID_DATE,
                                 f"有効期限は購入日（{_day(purchase.purchased_on)}）以降にしてください。"))
    elif expires_on > purchase.purchased_on + timedelta(days=LONGEST_EXPIRY_DAYS):
        errors.append(FieldError("expires_on", ErrorCode.INVALID_DATE, "有効期限は購入日から10年以内にしてください。"))
    else:
        booked = await latest_booked_day(session, purchase.id)
        if booked is not None and expires_on < booked:
            errors.append(FieldError("expires_on", ErrorCode.TICKET_BOOKED_AFTER,
                                     f"{_day(booked)}にこの回数券で予約があるため、それより前の日付にはできません。"))
    if errors:
        raise DomainError.many(errors)
    assert expires_on is not None
    purchase.expires_on = expires_on
    session.add(TicketExpiryChange(purchase_id=purchase.id, old_expires_on=old, new_expires_on=expires_on,
                                   reason=note, changed_by_id=actor.account_id))
    await session.flush()
    await audit.record(session, actor, entity=audit.AuditEntity.TICKET_PURCHASE, entity_id=purchase.id,
                       action=audit.AuditAction.CHANGE_EXPIRY,
                       changes={"expires_on": [old, expires_on], **({"reason": [None, note]} if note else {})})
    return purchase


async def delete_purchase(session: AsyncSession, purchase_id: int, actor: Actor) -> None:
    """A sale entered by mistake and never used may be deleted (managers); anything used is a refund,
    which does not exist."""
    check(actor, Action.DELETE_TICKET_PURCHASE)
    customer_id = await session.scalar(select(TicketPurchase.customer_id).where(TicketPurchase.id == purchase_id))
    if customer_id is None:
        raise NotFound("回数券の購入", "id")
    await lock_customers(session, [customer_id])
    purchase = await session.get(TicketPurchase, purchase_id, populate_existing=True)
    assert purchase is not None
    used = await session.scalar(select(func.count()).select_from(TicketUse).where(TicketUse.purchase_id == purchase_id))
    if purchase.used_count or used:
        raise DomainError(ErrorCode.NO_REFUND, NO_REFUND)
    await audit.record(session, actor, entity=audit.AuditEntity.TICKET_PURCHASE, entity_id=purchase.id,
                       action=audit.AuditAction.DELETE, changes={"customer_id": [customer_id, None]})
    await session.delete(purchase)
    await session.flush()


def state_clause(state: TicketState, on: Any) -> ColumnElement[bool]:
    """The purchases in ``state`` on day ``on`` (a date, or a bound parameter in a statement built
    once): one rule for the API's filter, the admin's and the customer's page."""
    used_up = TicketPurchase.used_count >= TicketPurchase.total_uses
    if state is TicketState.USED_UP:
        return used_up
    if state is TicketState.EXPIRED:
        return and_(TicketPurchase.expires_on < on, ~used_up)
    return and_(TicketPurchase.expires_on >= on, ~used_up)


def expiring_clause(on: Any, until: Any) -> ColumnElement[bool]:
    """Usable purchases on ``on`` whose last day is ``until`` at the latest (the reminder list:
    ``until`` = ``on`` + N days)."""
    return and_(state_clause(TicketState.ACTIVE, on), TicketPurchase.expires_on <= until)


def _day(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"




#: A holders' list, newest expiry last so the ones to remind come first.
LIST_ORDER = (TicketPurchase.expires_on, TicketPurchase.id)
MAX_EXPIRING_DAYS = 366


def purchase_list(customer_id: int | None, state: TicketState | None, expiring_within_days: int | None,
                  on: date) -> tuple[Any, Any, dict[str, Any]]:
    """The holders' list statement for these conditions: ``(shape, query, parameters)``. The query's
    text depends on which conditions are given (the shape), their values are bound parameters."""
    if expiring_within_days is not None and not 0 <= expiring_within_days <= MAX_EXPIRING_DAYS:
        raise DomainError(ErrorCode.INVALID, f"expiringWithinDays は0〜{MAX_EXPIRING_DAYS}で指定してください。",
                          "expiring_within_days")
    query = select(TicketPurchase)
    parameters: dict[str, Any] = {}
    if customer_id is not None:
        query = query.where(TicketPurchase.customer_id == bindparam("customer_id"))
        parameters["customer_id"] = customer_id
    if state is not None:
        query = query.where(state_clause(state, bindparam("on", type_=Date)))
        parameters["on"] = on
    if expiring_within_days is not None:
        query = query.where(expiring_clause(bindparam("on", type_=Date), bindparam("until", type_=Date)))
        parameters.update(on=on, until=on + timedelta(days=expiring_within_days))
    shape = (customer_id is not None, state, expiring_within_days is not None)
    return shape, query, parameters
