"""来店メモ (visit memos): a free memo per visit date, listed by date on the customer's page.

A memo may be marked as health information (要配慮個人情報): staff only, every read audited
(services.karte.record_health_reads).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from models import VisitMemo
from services import audit
from services.actor import Actor
from services.errors import DomainError, ErrorCode, FieldError, NotFound
from services.karte import clean_visit_fields, customer_for_write, today
from services.permissions import Action, check

LABEL = "来店メモ"
FIELDS = ("visit_date", "text", "staff_member_id", "reservation_id", "is_health_info")


def _snapshot(memo: VisitMemo) -> dict[str, Any]:
    return {key: getattr(memo, key) for key in FIELDS}


def _require_text(values: dict[str, Any], errors: list[FieldError]) -> None:
    if not values.get("text"):
        errors.append(FieldError("text", ErrorCode.REQUIRED, "来店メモを入力してください。"))


async def add_visit_memo(session: AsyncSession, customer_id: int | None, data: dict[str, Any],
                         actor: Actor) -> VisitMemo:
    """A memo of a visit date (today in Japan time when none is given)."""
    check(actor, Action.WRITE_KARTE)
    errors: list[FieldError] = []
    customer = await customer_for_write(session, customer_id, errors)
    given = {"visit_date": today(), "text": None, "is_health_info": False,
             **{k: v for k, v in data.items() if not (k == "visit_date" and v is None)}}
    cleaned = await clean_visit_fields(session, customer_id, given, errors, label=LABEL)
    if "text" in cleaned:
        _require_text(cleaned, errors)
    if errors or customer is None:
        raise DomainError.many(errors)
    memo = VisitMemo(customer_id=customer.id, **cleaned)
    session.add(memo)
    await session.flush()
    await audit.record(session, actor, entity=audit.AuditEntity.VISIT_MEMO, entity_id=memo.id,
                       action=audit.AuditAction.CREATE,
                       changes={"customer_id": customer.id,
                                **{key: [None, value] for key, value in _snapshot(memo).items()}})
    return memo


async def update_visit_memo(session: AsyncSession, memo_id: int, data: dict[str, Any], actor: Actor) -> VisitMemo:
    """Change the fields ``data`` gives (the customer stays)."""
    check(actor, Action.WRITE_KARTE)
    memo = await session.get(VisitMemo, memo_id, with_for_update=True, populate_existing=True)
    if memo is None:
        raise NotFound(LABEL, "id")
    errors: list[FieldError] = []
    cleaned = await clean_visit_fields(session, memo.customer_id, data, errors, label=LABEL)
    if "text" in cleaned:
        _require_text(cleaned, errors)
    if errors:
        raise DomainError.many(errors)
    await audit.apply_and_record(session, actor, memo, cleaned, _snapshot, audit.AuditEntity.VISIT_MEMO)
    return memo
