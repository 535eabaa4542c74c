"""技術カルテ (karte entries): per visit date, 分類 and 詳細 from the masters, the text staff write
(a 参照項目 phrase is a starting point they edit), and 「前回コピー」: a new entry that starts as a
copy of an earlier one of the same customer and is then changed.

An entry (or a visit memo, services.visit_memos) may be marked as health information
(要配慮個人情報 under APPI: アレルギー, 肌の状態): staff only, and every read of one is written to
the audit log (:func:`record_health_reads`), whichever door shows it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Customer, KarteCategory, KarteDetail, KarteEntry, Reservation, StaffMember
from services import audit
from services.actor import Actor
from services.errors import DomainError, ErrorCode, FieldError, NotFound
from services.japan_time import japan_today
from services.normalize import check_day
from services.permissions import Action, check
from services.text_rules import free_text

TEXT_MAX = 4000
WHAT = "カルテ"
#: What an entry's audit row shows of it.
FIELDS = ("visit_date", "category_id", "detail_id", "text", "staff_member_id", "reservation_id",
          "is_health_info")


def today() -> date:
    return japan_today()


async def customer_for_write(session: AsyncSession, customer_id: int | None, errors: list[FieldError]
                             ) -> Customer | None:
    if customer_id is None:
        errors.append(FieldError("customer_id", ErrorCode.REQUIRED, "お客様を選択してください。"))
        return None
    customer = await session.get(Customer, customer_id)
    if customer is None:
        errors.append(FieldError("customer_id", ErrorCode.NOT_FOUND, "お客様が見つかりません。"))
    return customer


async def clean_visit_fields(session: AsyncSession, customer_id: int | None, data: dict[str, Any],
                             errors: list[FieldError], *, label: str) -> dict[str, Any]:
    """What karte entries and visit memos share: 来店日, the reservation (of the same customer), the
    stylist, the text and the health-information mark; only the keys ``data`` gives."""
    cleaned: dict[str, Any] = {}
    if "visit_date" in data:
        day = data["visit_date"]
        if day is None:
            errors.append(FieldError("visit_date", ErrorCode.REQUIRED, "来店日を入力してください。"))
        else:
            try:
                cleaned["visit_date"] = check_day(day, "visit_date", "来店日")
            except DomainError as exc:
                errors.extend(exc.errors)
    if "text" in data:
        try:
            cleaned["text"] = free_text(data["text"], label, "text", TEXT_MAX, multiline=True) or ""
        except DomainError as exc:
            errors.extend(exc.errors)
    if "reservation_id" in data:
        reservation_id = data["reservation_id"]
        if reservation_id is not None:
            reservation = await session.get(Reservation, reservation_id)
            if reservation is None or reservation.customer_id != customer_id:
                errors.append(FieldError("reservation_id", ErrorCode.NOT_FOUND,
                                         "このお客様の予約が見つかりません。"))
        cleaned["reservation_id"] = reservation_id
    if "staff_member_id" in data:
        staff_id = data["staff_member_id"]
        if staff_id is not None and await session.get(StaffMember, staff_id) is None:
            errors.append(FieldError("staff_id", ErrorCode.NOT_FOUND, "担当スタッフが見つかりません。"))
        cleaned["staff_member_id"] = staff_id
    if "is_health_info" in data:
        cleaned["is_health_info"] = bool(data["is_health_info"])
    return cleaned


async def _clean_masters(session: AsyncSession, data: dict[str, Any], current: KarteEntry | None,
                         errors: list[FieldError]) -> dict[str, Any]:
    """分類 and 詳細: each from its master, the 詳細 of the chosen 分類 (its 分類 when none is chosen)."""
    cleaned: dict[str, Any] = {}
    category_id = data.get("category_id", current.category_id if current else None)
    if "category_id" in data:
        if category_id is not None and await session.get(KarteCategory, category_id) is None:
            errors.append(FieldError("category_id", ErrorCode.NOT_FOUND, "カルテ分類が見つかりません。"))
        cleaned["category_id"] = category_id
    if "detail_id" in data:
        detail_id = data["detail_id"]
        if detail_id is not None:
            detail = await session.get(KarteDetail, detail_id)
            if detail is None:
                errors.append(FieldError("detail_id", ErrorCode.NOT_FOUND, "カルテ詳細が見つかりません。"))
            elif category_id is None:
                cleaned["category_id"] = detail.category_id
            elif detail.category_id != category_id:
                errors.append(FieldError("detail_id", ErrorCode.INVALID,
                                         "選択したカルテ詳細は、このカルテ分類のものではありません。"))
        cleaned["detail_id"] = detail_id
    return cleaned


def _snapshot(entry: KarteEntry) -> dict[str, Any]:
    return {key: getattr(entry, key) for key in FIELDS}


def _require_content(values: dict[str, Any], errors: list[FieldError]) -> None:
    if not values.get("text") and values.get("detail_id") is None and values.get("category_id") is None:
        errors.append(FieldError("text", ErrorCode.REQUIRED, "カルテの内容を入力するか、分類・詳細を選択してください。"))


async def add_karte_entry(session: AsyncSession, customer_id: int | None, data: dict[str, Any], actor: Actor,
                          *, copy_from_id: int | None = None) -> KarteEntry:
    """A new entry. ``copy_from_id``: start from that earlier entry of the same customer (分類, 詳細,
    text, the health mark), then apply ``data``; 来店日 defaults to today (Japan time)."""
    check(actor, Action.WRITE_KARTE)
    errors: list[FieldError] = []
    customer = await customer_for_write(session, customer_id, errors)
    start: dict[str, Any] = {"visit_date": today(), "text": "", "is_health_info": False}
    if copy_from_id is not None:
        source = await session.get(KarteEntry, copy_from_id)
        if source is None or source.customer_id != customer_id:
            errors.append(FieldError("copy_from_id", ErrorCode.NOT_FOUND, "コピー元のカルテが見つかりません。"))
        else:
            start.update(category_id=source.category_id, detail_id=source.detail_id, text=source.text,
                         is_health_info=source.is_health_info)
    given = {**start, **{k: v for k, v in data.items() if not (k == "visit_date" and v is None)}}
    cleaned = await clean_visit_fields(session, customer_id, given, errors, label="カルテの内容")
    masters = await _clean_masters(session, given, None, errors)
    values = {**cleaned, **masters}
    if not errors:
        _require_content(values, errors)
    if errors or customer is None:
        raise DomainError.many(errors)
    entry = KarteEntry(customer_id=customer.id, copied_from_id=copy_from_id, **values)
    session.add(entry)
    await session.flush()
    await audit.record(session, actor, entity=audit.AuditEntity.KARTE_ENTRY, entity_id=entry.id,
                       action=audit.AuditAction.CREATE,
                       changes={"customer_id": customer.id, "copied_from_id": copy_from_id,
                                **{key: [None, value] for key, value in _snapshot(entry).items()}})
    return entry


async def _entry(session: AsyncSession, entry_id: int) -> KarteEntry:
    entry = await session.get(KarteEntry, entry_id, with_for_update=True, populate_existing=True)
    if entry is None:
        raise NotFound(WHAT, "id")
    return entry


async def update_karte_entry(session: AsyncSession, entry_id: int, data: dict[str, Any],
                             actor: Actor) -> KarteEntry:
    """Change the fields ``data`` gives (the customer stays)."""
    check(actor, Action.WRITE_KARTE)
    entry = await _entry(session, entry_id)
    errors: list[FieldError] = []
    cleaned = await clean_visit_fields(session, entry.customer_id, data, errors, label="カルテの内容")
    masters = await _clean_masters(session, data, entry, errors)
    before = _snapshot(entry)
    if not errors:
        _require_content({**before, **cleaned, **masters}, errors)
    if errors:
        raise DomainError.many(errors)
    await audit.apply_and_record(session, actor, entry, {**cleaned, **masters}, _snapshot,
                                 audit.AuditEntity.KARTE_ENTRY)
    return entry


async def remove_karte_entry(session: AsyncSession, entry_id: int, actor: Actor) -> int:
    """Delete an entry; returns its customer's id. Copies of it keep their text (``copied_from_id``
    becomes null)."""
    check(actor, Action.WRITE_KARTE)
    entry = await _entry(session, entry_id)
    customer_id, before = entry.customer_id, _snapshot(entry)
    await session.delete(entry)
    await session.flush()
    await audit.record(session, actor, entity=audit.AuditEntity.KARTE_ENTRY, entity_id=entry_id,
                       action=audit.AuditAction.DELETE,
                       changes={"customer_id": customer_id, **{k: [v, None] for k, v in before.items()}})
    return customer_id


async def latest_entry_id(session: AsyncSession, customer_id: int) -> int | None:
    """The entry 「前回コピー」 starts from: the customer's latest visit's (the last written of that day)."""
    return await session.scalar(select(KarteEntry.id).where(KarteEntry.customer_id == customer_id)
                                .order_by(KarteEntry.visit_date.desc(), KarteEntry.id.desc()).limit(1))


async def record_health_reads(session: AsyncSession, actor: Actor, entity: audit.AuditEntity,
                              rows: Iterable[Any]) -> int:
    """One audit row per health-information entry or memo among ``rows`` that ``actor`` was shown
    (who and when; the customer, not the content). Returns how many were recorded."""
    count = 0
    for row in rows:
        if getattr(row, "is_health_info", False):
            await audit.record(session, actor, entity=entity, entity_id=row.id,
                               action=audit.AuditAction.READ_HEALTH_INFO,
                               changes={"customer_id": row.customer_id})
            count += 1
    return count
