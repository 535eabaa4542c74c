"""Master tables and the store settings, written from the admin's generic forms.

The change and its audit row are one transaction: either both are written or neither
(the audit row no longer follows in a transaction of its own after the commit). A
constraint the database enforces (a name already used, a master still referenced) comes
back as a DomainError with the constraint's message (``services.constraints``).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    BusinessHours,
    CalendarException,
    FirstVisitMotive,
    FreeItem,
    FreeItemChoice,
    InflowRoute,
    KarteCategory,
    KarteDetail,
    KartePhrase,
    Menu,
    Occupation,
    StaffMember,
    StoreSetting,
    TicketMenu,
)
from services import audit
from services.actor import Actor
from services.audit import AuditAction, AuditEntity
from services.constraints import refusing_violations
from services.permissions import Action, can, check

#: Every table these functions write, with its audit entity.
ENTITIES: dict[type, AuditEntity] = {
    InflowRoute: AuditEntity.INFLOW_ROUTE,
    Occupation: AuditEntity.OCCUPATION,
    FirstVisitMotive: AuditEntity.FIRST_VISIT_MOTIVE,
    FreeItem: AuditEntity.FREE_ITEM,
    FreeItemChoice: AuditEntity.FREE_ITEM_CHOICE,
    Menu: AuditEntity.MENU,
    StaffMember: AuditEntity.STAFF_MEMBER,
    KarteCategory: AuditEntity.KARTE_CATEGORY,
    KarteDetail: AuditEntity.KARTE_DETAIL,
    KartePhrase: AuditEntity.KARTE_PHRASE,
    TicketMenu: AuditEntity.TICKET_MENU,
    StoreSetting: AuditEntity.STORE_SETTING,
    BusinessHours: AuditEntity.BUSINESS_HOURS,
    CalendarException: AuditEntity.CALENDAR_EXCEPTION,
}
#: Staff keep the lists (names, order); the store's settings are the manager's.
EDIT_PERMISSION: dict[type, Action] = {StoreSetting: Action.MANAGE_MASTERS, BusinessHours: Action.MANAGE_MASTERS,
                                        CalendarException: Action.MANAGE_MASTERS}


def _entity(obj: Any) -> AuditEntity:
    try:
        return ENTITIES[type(obj)]
    except KeyError:
        raise ValueError(f"not a master table: {type(obj).__name__}") from None


def may_edit(actor: Actor | None, model: type) -> bool:
    return can(actor, EDIT_PERMISSION.get(model, Action.EDIT_MASTERS))


def plain(value: Any) -> Any:
    """A submitted value as the audit log keeps it (a related row by its name)."""
    if isinstance(value, Enum):
        return value.value
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set)):
        return [plain(v) for v in value]
    return str(value)


async def save_master(session: AsyncSession, actor: Actor, obj: Any, *, created: bool,
                      changes: dict[str, Any]) -> Any:
    """Write a new or changed master row (already filled in by the form) and its audit row."""
    entity = _entity(obj)
    check(actor, EDIT_PERMISSION.get(type(obj), Action.EDIT_MASTERS))
    async with refusing_violations():
        if created:
            session.add(obj)
        await session.flush()
    await audit.record(session, actor, entity=entity, entity_id=_pk(obj),
                       action=AuditAction.CREATE if created else AuditAction.UPDATE,
                       changes={k: plain(v) for k, v in changes.items()})
    await session.flush()
    return obj


async def delete_master(session: AsyncSession, actor: Actor, obj: Any) -> None:
    """Delete a master row no other row uses (managers only), with its audit row."""
    entity = _entity(obj)
    check(actor, Action.MANAGE_MASTERS)
    pk = _pk(obj)
    async with refusing_violations():
        await session.delete(obj)
        await session.flush()
    await audit.record(session, actor, entity=entity, entity_id=pk, action=AuditAction.DELETE)
    await session.flush()


def _pk(obj: Any) -> int | None:
    identity = sa_inspect(obj).identity
    return int(identity[0]) if identity and len(identity) == 1 else None
