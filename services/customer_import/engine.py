"""Classifying and writing one chunk of rows with a few statements, whatever the chunk's size.

Per chunk: one lookup of the phones, one of the e-mails and one of the customer numbers already in
the database; then one multi-row INSERT of the customers (RETURNING their ids), one of their
inflow routes, attributes and free-item values, one of their audit entries. A registration's
per-customer statements (about ten) are never paid per imported row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    ActorKind,
    AuditLog,
    Customer,
    CustomerAttribute,
    CustomerFreeItemValue,
    Gender,
    RegistrationPath,
    customer_inflow_routes,
)
from services import customers as customer_service
from services import normalize
from services.actor import Actor
from services.customer_fields import FIELDS, SCALAR_FIELDS, Kind
from services.customer_import.rows import Converted, Issue, RowConverter

SUCCESS, ERROR, EXISTING = "success", "error", "existing"
OUTCOME_LABELS = {SUCCESS: "成功", ERROR: "データエラー", EXISTING: "すでに存在する顧客"}
#: Defaults of a customer row the file did not fill, for a multi-row INSERT: the registry's (a new
#: customer's value of a field not given) and empty kana (as a phone-only registration stores it).
DEFAULTS: dict[str, Any] = {key: None for key in customer_service.FIELD_LABELS} | {
    "last_name_kana": "", "first_name_kana": ""} | {
    name: Gender[FIELDS[name].default] if FIELDS[name].kind is Kind.ENUM else FIELDS[name].default
    for name in SCALAR_FIELDS if FIELDS[name].default is not None}


@dataclass
class RowResult:
    row: int
    outcome: str
    column: str = ""
    message: str = ""
    customer_no: str = ""
    name: str = ""
    #: The earlier row of the same file this one duplicates (its number is known once it is written).
    same_as: RowResult | None = field(default=None, repr=False, compare=False)

    def as_list(self) -> list[Any]:
        return [self.row, self.outcome, self.column, self.message, self.customer_no, self.name]

    @classmethod
    def from_list(cls, item: list[Any]) -> RowResult:
        return cls(*item)


@dataclass
class Seen:
    """What earlier rows of the same file will create (a duplicate later in the file is "existing")."""

    phones: dict[str, RowResult] = field(default_factory=dict)
    emails: dict[str, RowResult] = field(default_factory=dict)
    numbers: set[str] = field(default_factory=set)


def read_chunk(rows: Any, converter: RowConverter, size: int) -> list[tuple[int, Converted]]:
    """The next ``size`` data rows, converted and cleaned (runs in a worker thread: pure CPU)."""
    chunk = []
    for number, cells in rows:
        if converter.is_skipped(cells):
            continue
        chunk.append((number, converter.convert(cells)))
        if len(chunk) >= size:
            break
    return chunk


async def classify(session: AsyncSession, chunk: list[tuple[int, Converted]], seen: Seen,
                   previously: dict[int, str], headers: dict[str, str]
                   ) -> tuple[list[RowResult], list[tuple[RowResult, dict[str, Any]]]]:
    """Every row's outcome, and the rows to create with their values."""
    valid = [(n, c.values) for n, c in chunk if c.values is not None]
    phones = {v["phone"] for _, v in valid if v.get("phone")}
    emails = {normalize.email_key(v["email"]) for _, v in valid if v.get("email")}
    numbers = {v["customer_no"] for _, v in valid if v.get("customer_no")}
    by_phone, by_email, taken = await _existing(session, phones, emails, numbers)
    results: list[RowResult] = []
    creates: list[tuple[RowResult, dict[str, Any]]] = []
    for number, converted in chunk:
        values = converted.values
        if values is None:
            columns = "、".join(dict.fromkeys(i.column for i in converted.issues if i.column))
            results.append(RowResult(number, ERROR, columns, issue_text(converted.issues), name=converted.name))
            continue
        name = f"{values.get('last_name') or ''} {values.get('first_name') or ''}".strip()
        result = _match(number, values, by_phone, by_email, seen, previously, headers)
        if result is None and values.get("customer_no") in taken | seen.numbers:
            result = RowResult(number, ERROR, headers.get("customer_no", "お客様番号"),
                               f"お客様番号「{values['customer_no']}」は既に使われています。")
        if result is None:
            result = RowResult(number, SUCCESS, customer_no=values.get("customer_no") or "")
            _remember(seen, result, values)
            creates.append((result, values))
        result.name = name
        results.append(result)
    return results, creates


def _match(number: int, values: dict[str, Any], by_phone: dict[str, str], by_email: dict[str, str],
           seen: Seen, previously: dict[int, str], headers: dict[str, str]) -> RowResult | None:
    phone = values.get("phone")
    email = normalize.email_key(values["email"]) if values.get("email") else None
    for key, found, label in ((phone, by_phone, "phone"), (email, by_email, "email")):
        if key and key in found:
            what = "電話番号" if label == "phone" else "メールアドレス"
            return RowResult(number, EXISTING, headers.get(label, what),
                             f"{what}が登録済みのお客様（お客様番号 {found[key]}）と一致します。", found[key])
    for key, earlier, label in ((phone, seen.phones, "電話番号"), (email, seen.emails, "メールアドレス")):
        if key and key in earlier:
            first = earlier[key]
            return RowResult(number, EXISTING, headers.get("phone" if label == "電話番号" else "email", label),
                             f"{label}がこのファイルの{first.row}行目のお客様と一致します。", first.customer_no,
                             same_as=first)
    if number in previously:
        return RowResult(number, EXISTING, "",
                         f"同じファイルの取り込みで登録済みです（お客様番号 {previously[number]}）。",
                         previously[number])
    return None


def _remember(seen: Seen, result: RowResult, values: dict[str, Any]) -> None:
    if values.get("phone"):
        seen.phones.setdefault(values["phone"], result)
    if values.get("email"):
        seen.emails.setdefault(normalize.email_key(values["email"]), result)
    if values.get("customer_no"):
        seen.numbers.add(values["customer_no"])


async def _existing(session: AsyncSession, phones: set[str], emails: set[str], numbers: set[str]
                    ) -> tuple[dict[str, str], dict[str, str], set[str]]:
    active = Customer.withdrawn_at.is_(None)
    by_phone: dict[str, str] = {}
    by_email: dict[str, str] = {}
    taken: set[str] = set()
    if phones:
        rows = await session.execute(select(Customer.phone, Customer.customer_no)
                                     .where(Customer.phone.in_(phones), active).order_by(Customer.id))
        for phone, no in rows:
            by_phone.setdefault(phone, no)
    if emails:
        rows = await session.execute(select(Customer.email_key, Customer.customer_no)
                                     .where(Customer.email_key.in_(emails), active).order_by(Customer.id))
        for key, no in rows:
            by_email.setdefault(key, no)
    if numbers:
        taken = set((await session.scalars(select(Customer.customer_no)
                                           .where(Customer.customer_no.in_(numbers)))).all())
    return by_phone, by_email, taken


async def insert_customers(session: AsyncSession, creates: list[tuple[RowResult, dict[str, Any]]],
                           actor: Actor, *, import_id: int, placeholder_domain: str,
                           choice_items: dict[int, int]) -> None:
    """Write the chunk's new customers, all at once."""
    if not creates:
        return
    numbers = iter(await customer_service.allocate_customer_nos(
        session, sum(1 for _, v in creates if not v.get("customer_no")),
        avoid=frozenset(v["customer_no"] for _, v in creates if v.get("customer_no"))))
    now = datetime.now(UTC)
    rows = []
    for result, values in creates:
        row = {**DEFAULTS, **{k: v for k, v in values.items() if k in customer_service.FIELD_LABELS}}
        row["customer_no"] = values.get("customer_no") or next(numbers)
        result.customer_no = row["customer_no"]
        keys = SimpleNamespace(**row, line_name=None)
        customer_service.derive_keys(keys, placeholder_domain, registering=True)
        row.update(customer_service.keys_of(keys), registration_path=RegistrationPath.IMPORT,
                   registered_at=now, created_at=now, updated_at=now,
                   # What refresh_customer_stats computes for a customer without reservations (a test
                   # keeps the two equal): the figures' one writer need not reload thousands of rows.
                   visit_count=row["pre_system_visit_count"] or 0)
        rows.append(row)
    table = Customer.__table__  # Core, not the ORM: no identity map or events for thousands of rows
    ids = list((await session.scalars(
        insert(table).returning(table.c.id, sort_by_parameter_order=True), rows)).all())
    await _insert_parts(session, ids, [v for _, v in creates], choice_items)
    await session.execute(insert(AuditLog.__table__), [{
        "actor_kind": actor.kind, "actor_account_id": actor.account_id,
        "actor_customer_id": actor.customer_id if actor.kind == ActorKind.CUSTOMER else None,
        "entity": "customer", "entity_id": id_, "action": "create", "at": now,
        "changes": {"customer_no": [None, row["customer_no"]], "last_name": [None, row["last_name"]],
                    "first_name": [None, row["first_name"]], "import_id": [None, import_id]},
    } for id_, row in zip(ids, rows, strict=True)])


async def _insert_parts(session: AsyncSession, ids: list[int], values: list[dict[str, Any]],
                        choice_items: dict[int, int]) -> None:
    routes, attributes, choices = [], [], []
    for id_, v in zip(ids, values, strict=True):
        routes += [{"customer_id": id_, "inflow_route_id": r} for r in dict.fromkeys(v.get("inflow_route_ids") or [])]
        texts = dict.fromkeys(t for t in (normalize.normalize_name(a)[:100] for a in v.get("attributes") or []) if t)
        attributes += [{"customer_id": id_, "value": t} for t in texts]
        choices += [{"customer_id": id_, "free_item_id": choice_items[c], "choice_id": c}
                    for c in dict.fromkeys(v.get("free_item_choice_ids") or [])]
    if routes:
        await session.execute(insert(customer_inflow_routes), routes)
    if attributes:
        await session.execute(insert(CustomerAttribute.__table__), attributes)
    if choices:
        await session.execute(insert(CustomerFreeItemValue.__table__), choices)


def issue_text(issues: list[Issue]) -> str:
    return " ".join(dict.fromkeys(i.message for i in issues))
