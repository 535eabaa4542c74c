"""The audit log: every change of customer data is recorded (who, when, what)."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from models import AuditLog
from services.actor import Actor


def _jsonable(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    return value


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for the fields whose value changed."""
    return {
        key: [_jsonable(before.get(key)), _jsonable(after.get(key))]
        for key in after
        if before.get(key) != after.get(key)
    }


async def record(
    session: AsyncSession,
    actor: Actor,
    *,
    entity: str,
    entity_id: int | None,
    action: str,
    changes: dict[str, Any] | None = None,
) -> AuditLog:
    row = AuditLog(
        actor_kind=actor.kind,
        actor_account_id=actor.account_id,
        actor_customer_id=actor.customer_id,
        entity=entity,
        entity_id=entity_id,
        action=action,
        changes={k: _jsonable(v) for k, v in (changes or {}).items()},
    )
    session.add(row)
    return row
