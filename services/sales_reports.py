"""営業報告 (sales reports): one per reservation, written by staff after the service.

What was done, what the customer asked for, the next proposal, the products sold, the amount and
the stylist. Both doors (the staff app through GraphQL, the admin) write through
:func:`create_sales_report` / :func:`update_sales_report`; both search through
:func:`sales_report_search`: any part of the customer's name (姓名, セイメイ, the LINE name; kana,
hiragana and any width alike, as the customer search) and/or a range of reservation days in Japan
time, either end optional.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, bindparam, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Customer, Reservation, SalesReport, StaffMember
from services import audit, normalize
from services.actor import Actor
from services.booking.listing import day_start
from services.constraints import refusing_violations
from services.customer_search import CustomerFilter, check_filter
from services.errors import DomainError, ErrorCode, FieldError, NotFound
from services.permissions import Action, check
from services.text_rules import bounded_int, free_text

#: Free-text fields: (label, limit).
TEXTS = {
    "treatment": ("施術内容", 2000),
    "customer_request": ("お客様のご要望", 2000),
    "next_proposal": ("次回提案", 2000),
    "products_sold": ("販売商品", 1000),
}
MAX_AMOUNT_YEN = 10_000_000  # no visit costs ten million yen
FIELDS = (*TEXTS, "amount_yen", "staff_member_id")
DUPLICATE_MESSAGE = "この予約の営業報告はすでに作成されています。作成済みの営業報告を編集してください。"
WHAT = "営業報告"


async def _clean(session: AsyncSession, data: dict[str, Any], errors: list[FieldError]) -> dict[str, Any]:
    """The given fields of ``data`` checked and normalised; every problem appended to ``errors``."""
    cleaned: dict[str, Any] = {}
    for key, (label, limit) in TEXTS.items():
        if key not in data:
            continue
        try:
            cleaned[key] = free_text(data[key], label, key, limit, multiline=True)
        except DomainError as exc:
            errors.extend(exc.errors)
    if "treatment" in data and "treatment" in cleaned and not cleaned["treatment"]:
        errors.append(FieldError("treatment", ErrorCode.REQUIRED, "施術内容を入力してください。"))
    if "amount_yen" in data:
        value = data["amount_yen"]
        try:
            cleaned["amount_yen"] = 0 if value in (None, "") else bounded_int(
                value, "売上金額", "amount_yen", 0, MAX_AMOUNT_YEN)
        except DomainError as exc:
            errors.extend(exc.errors)
    if "staff_member_id" in data:
        staff_id = data["staff_member_id"]
        if staff_id is not None and await session.get(StaffMember, staff_id) is None:
            errors.append(FieldError("staff_id", ErrorCode.NOT_FOUND, "担当スタッフが見つかりません。"))
        cleaned["staff_member_id"] = staff_id
    return cleaned


def _snapshot(report: SalesReport) -> dict[str, Any]:
    return {key: getattr(report, key) for key in FIELDS}


async def create_sales_report(session: AsyncSession, reservation_id: int | None, data: dict[str, Any],
                              actor: Actor) -> SalesReport:
    """The report of a reservation (one per reservation: a second is refused with ``DUPLICATE``).

    ``data``: the fields of :data:`FIELDS` (``treatment`` required); the stylist defaults to the
    reservation's."""
    check(actor, Action.WRITE_KARTE)
    errors: list[FieldError] = []
    reservation = None
    if reservation_id is None:
        errors.append(FieldError("reservation_id", ErrorCode.REQUIRED, "予約を選択してください。"))
    else:
        reservation = await session.get(Reservation, reservation_id)
        if reservation is None:
            errors.append(FieldError("reservation_id", ErrorCode.NOT_FOUND, "予約が見つかりません。"))
        elif await session.scalar(select(exists().where(SalesReport.reservation_id == reservation_id))):
            errors.append(FieldError("reservation_id", ErrorCode.DUPLICATE, DUPLICATE_MESSAGE))
    cleaned = await _clean(session, {"treatment": None, **data}, errors)
    if errors or reservation is None:
        raise DomainError.many(errors)
    if "staff_member_id" not in data:
        cleaned["staff_member_id"] = reservation.staff_member_id
    report = SalesReport(reservation_id=reservation.id, customer_id=reservation.customer_id,
                         amount_yen=cleaned.pop("amount_yen", 0), **cleaned)
    session.add(report)
    async with refusing_violations():  # a concurrent request wrote this reservation's report first
        await session.flush()
    await audit.record(session, actor, entity=audit.AuditEntity.SALES_REPORT, entity_id=report.id,
                       action=audit.AuditAction.CREATE,
                       changes={"reservation_id": reservation.id, "customer_id": reservation.customer_id,
                                **{key: [None, value] for key, value in _snapshot(report).items()}})
    return report


async def update_sales_report(session: AsyncSession, report_id: int, data: dict[str, Any],
                              actor: Actor) -> SalesReport:
    """Change the fields given in ``data`` (the reservation stays: one report per reservation)."""
    check(actor, Action.WRITE_KARTE)
    report = await session.get(SalesReport, report_id, with_for_update=True, populate_existing=True)
    if report is None:
        raise NotFound(WHAT, "id")
    errors: list[FieldError] = []
    cleaned = await _clean(session, data, errors)
    if errors:
        raise DomainError.many(errors)
    await audit.apply_and_record(session, actor, report, cleaned, _snapshot, audit.AuditEntity.SALES_REPORT)
    return report


# --------------------------------------------------------------------------- search


@dataclass(frozen=True)
class SalesReportFilter:
    """Given criteria are AND-ed; the days are reservation days in Japan time, both inclusive."""

    name: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    customer_id: int | None = None


def _like_pattern(key: str) -> str:
    escaped = key.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return f"%{escaped}%"


def sales_report_search(f: SalesReportFilter) -> tuple[Select[Any], dict[str, Any]]:
    """The reports matching ``f``: a statement that depends only on which criteria are given (built
    once per shape) and the parameters with their values. A bad name text, a day outside the
    calendar's years or a range that ends before it starts is a ``DomainError``."""
    check_filter(CustomerFilter(name=f.name))
    errors: list[FieldError] = []
    for day, field in ((f.date_from, "date_from"), (f.date_to, "date_to")):
        if day is not None:
            try:
                normalize.check_day(day, field, "予約日")
            except DomainError as exc:
                errors.extend(exc.errors)
    if not errors and f.date_from and f.date_to and f.date_to < f.date_from:
        errors.append(FieldError("date_to", ErrorCode.INVALID, "予約日の終了日は開始日以降の日付にしてください。"))
    if errors:
        raise DomainError.many(errors)
    key = normalize.search_key(f.name)
    parameters: dict[str, Any] = {}
    if key:
        parameters["name_pattern"] = _like_pattern(key)
    if f.date_from:
        parameters["start_from"] = day_start(f.date_from)
    if f.date_to:
        parameters["start_before"] = day_start(f.date_to + timedelta(days=1))
    if f.customer_id is not None:
        parameters["customer_id"] = f.customer_id
    shape = _search_shape(bool(key), f.date_from is not None, f.date_to is not None, f.customer_id is not None)
    return shape, parameters


@lru_cache(maxsize=32)
def _search_shape(name: bool, date_from: bool, date_to: bool, customer: bool) -> Select[Any]:
    query = select(SalesReport).join(Reservation, Reservation.id == SalesReport.reservation_id)
    if name:
        query = query.join(Customer, Customer.id == SalesReport.customer_id).where(
            Customer.search_text.like(bindparam("name_pattern"), escape="/"))
    if date_from:
        query = query.where(Reservation.start_at >= bindparam("start_from", type_=Reservation.start_at.type))
    if date_to:
        query = query.where(Reservation.start_at < bindparam("start_before", type_=Reservation.start_at.type))
    if customer:
        query = query.where(SalesReport.customer_id == bindparam("customer_id"))
    return query


#: Newest reservation first; the id breaks ties, so cursors are stable.
ORDER = [Reservation.start_at.desc(), SalesReport.id.desc()]
