"""Customer create / update / safe delete, shared by the admin, GraphQL and the import.

Input is a plain ``dict`` of field name → value; on update only the keys present
change.  Every field is validated and normalised here (never in a door), all
problems are reported together, and nothing is written when any is found.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from sqlalchemy import exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from models import (
    ActorKind,
    Customer,
    CustomerAttribute,
    CustomerFreeItemValue,
    FirstVisitMotive,
    FreeItemChoice,
    Gender,
    InflowRoute,
    KarteEntry,
    KarteImage,
    Occupation,
    Referral,
    RegistrationPath,
    Reservation,
    SalesReport,
    StoreSetting,
    TicketPurchase,
    VisitMemo,
)
from services import audit, normalize
from services.actor import Actor
from services.permissions import Action, check
from services.customer_stats import refresh_customer_stats
from services.errors import DomainError, ErrorCode, FieldError, NotFound, PermissionDenied
from services.locking import lock_customers
from services.store import get_store_settings

#: Scalar fields a caller may set, with their admin label (used in messages and the audit log).
FIELD_LABELS: dict[str, str] = {
    "customer_no": "お客様番号",
    "last_name": "姓",
    "first_name": "名",
    "last_name_kana": "セイ",
    "first_name_kana": "メイ",
    "phone": "電話番号",
    "email": "メールアドレス",
    "birth_date": "生年月日",
    "gender": "性別",
    "postal_code": "郵便番号",
    "prefecture": "都道府県",
    "city": "市区町村",
    "address_line": "住所",
    "occupation_id": "職業",
    "first_visit_motive_id": "初回来店動機",
    "notes": "備考",
    "mail_ok": "メール配信",
    "phone_ok": "電話連絡",
    "dm_ok": "DM配信",
    "pre_system_visit_count": "システム導入前来店回数",
}
COLLECTION_FIELDS = ("attributes", "inflow_route_ids", "free_item_choice_ids")
#: What customers may change about themselves (from the site, with a customer token).
CUSTOMER_EDITABLE = frozenset({
    "last_name", "first_name", "last_name_kana", "first_name_kana", "phone", "email", "birth_date",
    "gender", "postal_code", "prefecture", "city", "address_line", "mail_ok", "phone_ok", "dm_ok",
})
REQUIRED_ON_FULL = ("last_name", "first_name", "last_name_kana", "first_name_kana", "phone", "email")
CUSTOMER_NO_RE = re.compile(r"^[A-Za-z0-9]{1,32}$")
MAX_ATTRIBUTES = 30


class _Collector:
    """Gathers field errors so that one response reports every problem."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def run(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except DomainError as exc:
            self.errors.extend(exc.errors)
            return None

    def add(self, field: str | None, code: ErrorCode, message: str) -> None:
        self.errors.append(FieldError(field, code, message))

    def raise_if_any(self) -> None:
        if self.errors:
            raise DomainError.many(self.errors)


def _text(value: Any, limit: int | None = None) -> str | None:
    if value is None:
        return None
    text = unicodedata.normalize("NFC", str(value)).strip()
    if limit is not None:
        text = text[:limit]
    return text or None


def _clean_scalars(data: dict[str, Any], errors: _Collector) -> dict[str, Any]:
    """Normalise the scalar fields present in ``data``."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key in ("last_name", "first_name"):
            out[key] = normalize.normalize_name(value)
            if len(out[key]) > 64:
                errors.add(key, ErrorCode.TOO_LONG, f"{FIELD_LABELS[key]}は64文字以内で入力してください。")
        elif key in ("last_name_kana", "first_name_kana"):
            out[key] = errors.run(normalize.to_katakana, value, key) or ""
        elif key == "phone":
            out[key] = errors.run(normalize.normalize_phone, value, key) or None
        elif key == "email":
            out[key] = errors.run(normalize.normalize_email, value, key) or None
        elif key == "birth_date":
            out[key] = errors.run(normalize.parse_japanese_date, value, key)
        elif key == "postal_code":
            out[key] = errors.run(normalize.normalize_postal_code, value, key) or None
        elif key == "customer_no":
            no = unicodedata.normalize("NFKC", str(value or "")).strip()
            if no and not CUSTOMER_NO_RE.match(no):
                errors.add(key, ErrorCode.INVALID_CUSTOMER_NO,
                           "お客様番号は半角英数字(32文字以内)で入力してください。")
            out[key] = no or None
        elif key == "gender":
            out[key] = Gender(value) if value else Gender.UNANSWERED
        elif key in ("mail_ok", "phone_ok", "dm_ok"):
            out[key] = bool(value)
        elif key == "pre_system_visit_count":
            count = int(value or 0)
            if count < 0:
                errors.add(key, ErrorCode.INVALID, "システム導入前来店回数は0以上で入力してください。")
            out[key] = count
        elif key in ("prefecture", "city"):
            out[key] = _text(value, 64)
        elif key in ("address_line", "notes"):
            out[key] = _text(value)
        elif key in ("occupation_id", "first_visit_motive_id"):
            out[key] = int(value) if value else None
        elif key in COLLECTION_FIELDS:
            out[key] = value
        else:
            raise ValueError(f"unknown customer field: {key}")
    return out


def _check_required(merged: dict[str, Any], required: tuple[str, ...], errors: _Collector) -> None:
    already = {e.field for e in errors.errors}
    for key in required:
        if key not in already and not merged.get(key):
            errors.add(key, ErrorCode.REQUIRED, f"{FIELD_LABELS[key]}を入力してください。")


async def _check_references(session: AsyncSession, values: dict[str, Any], errors: _Collector) -> None:
    for key, model, label in (
        ("occupation_id", Occupation, "職業"),
        ("first_visit_motive_id", FirstVisitMotive, "初回来店動機"),
    ):
        if values.get(key) and await session.get(model, values[key]) is None:
            errors.add(key, ErrorCode.NOT_FOUND, f"指定された{label}が見つかりません。")
    route_ids = values.get("inflow_route_ids")
    if route_ids:
        found = set((await session.scalars(select(InflowRoute.id).where(InflowRoute.id.in_(route_ids)))).all())
        if set(route_ids) - found:
            errors.add("inflow_route_ids", ErrorCode.NOT_FOUND, "指定された流入経路が見つかりません。")
    choice_ids = values.get("free_item_choice_ids")
    if choice_ids:
        rows = (await session.execute(
            select(FreeItemChoice.id, FreeItemChoice.free_item_id).where(FreeItemChoice.id.in_(choice_ids))
        )).all()
        if len(rows) != len(set(choice_ids)):
            errors.add("free_item_choice_ids", ErrorCode.NOT_FOUND, "指定されたフリー項目の選択肢が見つかりません。")
        elif len({r.free_item_id for r in rows}) != len(rows):
            errors.add("free_item_choice_ids", ErrorCode.INVALID, "フリー項目ごとに選択肢は1つまでです。")
    attrs = values.get("attributes")
    if attrs is not None and len(attrs) > MAX_ATTRIBUTES:
        errors.add("attributes", ErrorCode.INVALID, f"顧客属性は{MAX_ATTRIBUTES}件までです。")


async def _check_unique(session: AsyncSession, values: dict[str, Any], own_id: int | None,
                        errors: _Collector) -> None:
    if values.get("customer_no"):
        stmt = select(Customer.id).where(Customer.customer_no == values["customer_no"])
        if own_id is not None:
            stmt = stmt.where(Customer.id != own_id)
        if await session.scalar(stmt) is not None:
            errors.add("customer_no", ErrorCode.DUPLICATE_CUSTOMER_NO,
                       f"お客様番号「{values['customer_no']}」は既に使われています。")
    if values.get("email"):
        stmt = select(Customer.id).where(
            Customer.email_key == normalize.email_key(values["email"]), Customer.withdrawn_at.is_(None)
        )
        if own_id is not None:
            stmt = stmt.where(Customer.id != own_id)
        if await session.scalar(stmt) is not None:
            errors.add("email", ErrorCode.DUPLICATE_EMAIL, "このメールアドレスは既に他のお客様が登録しています。")


def _fill_address(values: dict[str, Any], errors: _Collector, *, fill_street: bool = True) -> None:
    """A 7-digit postal code fills prefecture and city (and the town, when no address is given).

    ``fill_street`` is False when an update did not send the street address and one is stored:
    a postal-code change must never replace a typed street (「神南1-2-3 サロンビル5F」) with the town.
    """
    code = values.get("postal_code")
    if not code:
        return
    found = errors.run(normalize.lookup_postal_code, code, "postal_code")
    if found is None:
        return
    values.setdefault("prefecture", None)
    values.setdefault("city", None)
    values["prefecture"] = values["prefecture"] or found.prefecture
    values["city"] = values["city"] or found.city
    if fill_street and not values.get("address_line"):
        values["address_line"] = found.town or None


async def allocate_customer_no(session: AsyncSession) -> str:
    """Next number in the store's format (prefix + zero-padded counter), skipping numbers in use."""
    settings = await get_store_settings(session)
    while True:
        result = await session.execute(
            update(StoreSetting)
            .where(StoreSetting.id == settings.id)
            .values(customer_no_next=StoreSetting.customer_no_next + 1)
            .returning(StoreSetting.customer_no_next, StoreSetting.customer_no_prefix,
                       StoreSetting.customer_no_digits)
        )
        nxt, prefix, digits = result.one()
        candidate = f"{prefix}{nxt - 1:0{digits}d}"
        taken = await session.scalar(select(exists().where(Customer.customer_no == candidate)))
        if not taken:
            return candidate


def derive_keys(customer: Customer, placeholder_domain: str) -> None:
    """Recompute the normalised search/merge/uniqueness keys from the customer's fields."""
    customer.name_key = normalize.name_key(customer.last_name, customer.first_name)
    customer.search_text = " ".join(
        filter(None, (
            normalize.search_key(f"{customer.last_name}{customer.first_name}"),
            normalize.search_key(f"{customer.last_name_kana}{customer.first_name_kana}"),
            normalize.search_key(customer.line_name),
        ))
    )
    customer.email_key = normalize.email_key(customer.email) if customer.email else None
    customer.email_is_placeholder = bool(
        customer.email and customer.phone
        and customer.email_key == f"{customer.phone}@{placeholder_domain}".lower()
    )


async def _apply_collections(session: AsyncSession, customer: Customer, values: dict[str, Any]) -> None:
    if "attributes" in values:
        wanted: list[str] = []
        for raw in values["attributes"] or []:
            text = normalize.normalize_name(raw)[:100]
            if text and text not in wanted:
                wanted.append(text)
        # Keep the rows of values that stay: a new row with the same value would be inserted
        # before the old one is deleted and break uq(customer_id, value).
        kept = {a.value: a for a in customer.attributes}
        customer.attributes = [kept.get(v) or CustomerAttribute(value=v) for v in wanted]
    if "inflow_route_ids" in values:
        ids = list(dict.fromkeys(values["inflow_route_ids"] or []))
        routes = (await session.scalars(select(InflowRoute).where(InflowRoute.id.in_(ids)))).all() if ids else []
        customer.inflow_routes = list(routes)
    if "free_item_choice_ids" in values:
        ids = list(dict.fromkeys(values["free_item_choice_ids"] or []))
        choices = (await session.scalars(select(FreeItemChoice).where(FreeItemChoice.id.in_(ids)))).all() \
            if ids else []
        customer.free_item_values = [
            CustomerFreeItemValue(free_item_id=c.free_item_id, choice_id=c.id) for c in choices
        ]


def _snapshot(customer: Customer) -> dict[str, Any]:
    return {key: getattr(customer, key) for key in FIELD_LABELS}


async def load_customer(session: AsyncSession, customer_id: int) -> Customer:
    """The customer with its collections loaded, or NotFound."""
    customer = await session.scalar(
        select(Customer)
        .where(Customer.id == customer_id)
        .options(
            selectinload(Customer.attributes),
            selectinload(Customer.inflow_routes),
            selectinload(Customer.free_item_values),
        )
    )
    if customer is None:
        raise NotFound("お客様")
    return customer


async def create_customer(
    session: AsyncSession,
    data: dict[str, Any],
    actor: Actor,
    *,
    path: RegistrationPath = RegistrationPath.FULL,
    required: tuple[str, ...] = REQUIRED_ON_FULL,
) -> Customer:
    """Register a customer. Numbers are auto-allocated when ``customer_no`` is empty."""
    check(actor, Action.CREATE_CUSTOMER)
    errors = _Collector()
    values = _clean_scalars(data, errors)
    _check_required(values, ("last_name", "first_name") + tuple(k for k in required
                                                              if k not in ("last_name", "first_name")), errors)
    _fill_address(values, errors)
    await _check_references(session, values, errors)
    await _check_unique(session, values, None, errors)
    errors.raise_if_any()

    settings = await get_store_settings(session)
    customer = Customer(registration_path=path, attributes=[], inflow_routes=[], free_item_values=[])
    for key, value in values.items():
        if key in FIELD_LABELS and key != "customer_no":
            setattr(customer, key, value)
    customer.last_name_kana = customer.last_name_kana or ""
    customer.first_name_kana = customer.first_name_kana or ""
    customer.customer_no = values.get("customer_no") or await allocate_customer_no(session)
    derive_keys(customer, settings.placeholder_email_domain)
    await _apply_collections(session, customer, values)
    session.add(customer)
    await session.flush()
    if customer.pre_system_visit_count:
        await refresh_customer_stats(session, [customer.id])
    await audit.record(session, actor, entity="customer", entity_id=customer.id, action="create",
                       changes=audit.diff({}, _snapshot(customer)))
    return customer


async def update_customer(session: AsyncSession, customer_id: int, data: dict[str, Any],
                          actor: Actor) -> Customer:
    """Change the given fields of a customer; others stay as they are.

    Staff change any customer; a customer changes only its own profile fields."""
    _authorize_update(actor, customer_id, data)
    await lock_customers(session, [customer_id])
    customer = await load_customer(session, customer_id)
    before = _snapshot(customer)
    errors = _Collector()
    values = _clean_scalars(data, errors)
    merged = {**before, **values}
    required = ["last_name", "first_name"]
    # A field that is set cannot be blanked out (a phone-only customer may still lack kana).
    required += [k for k in ("last_name_kana", "first_name_kana", "phone", "email") if k in values and before[k]]
    _check_required(merged, tuple(required), errors)
    if "postal_code" in values and values["postal_code"] != before["postal_code"]:
        values.setdefault("prefecture", None)
        values.setdefault("city", None)
    _fill_address(values, errors, fill_street="address_line" in values or not before["address_line"])
    await _check_references(session, values, errors)
    await _check_unique(session, values, customer.id, errors)
    errors.raise_if_any()

    for key, value in values.items():
        if key in FIELD_LABELS and not (key == "customer_no" and not value):
            setattr(customer, key, value)
    settings = await get_store_settings(session)
    derive_keys(customer, settings.placeholder_email_domain)
    await _apply_collections(session, customer, values)
    await session.flush()
    if customer.pre_system_visit_count != before["pre_system_visit_count"]:
        await refresh_customer_stats(session, [customer.id])
    changes = audit.diff(before, _snapshot(customer))
    for key in COLLECTION_FIELDS:
        if key in values:
            changes[key] = ["…", values[key]]
    if changes:
        await audit.record(session, actor, entity="customer", entity_id=customer.id, action="update",
                           changes=changes)
    return customer


def _authorize_update(actor: Actor, customer_id: int, data: dict[str, Any]) -> None:
    check(actor, Action.EDIT_CUSTOMER, customer_id)
    if actor.kind == ActorKind.CUSTOMER:
        forbidden = sorted(set(data) - CUSTOMER_EDITABLE)
        if forbidden:
            labels = "、".join(FIELD_LABELS.get(k, k) for k in forbidden)
            raise PermissionDenied(f"{labels}はお客様ご自身では変更できません。")


async def deletion_blockers(session: AsyncSession, customer: Customer) -> list[FieldError]:
    """Why a customer may not be deleted (empty when it may)."""
    reasons: list[FieldError] = []
    history = await session.scalar(select(
        exists().where(Reservation.customer_id == customer.id)
        | exists().where(SalesReport.customer_id == customer.id)
        | exists().where(KarteEntry.customer_id == customer.id)
        | exists().where(KarteImage.customer_id == customer.id)
        | exists().where(VisitMemo.customer_id == customer.id)
        | exists().where(TicketPurchase.customer_id == customer.id)
    ))
    if history or customer.pre_system_visit_count:
        reasons.append(FieldError(None, ErrorCode.HAS_VISIT_HISTORY,
                                  "来店・予約履歴があるお客様は削除できません。顧客データの統合をご利用ください。"))
    if customer.line_user_id:
        reasons.append(FieldError(None, ErrorCode.HAS_LINE_LINK,
                                  "LINE連携済みのお客様は削除できません。"))
    referrals = await session.scalar(select(exists().where(
        (Referral.referrer_id == customer.id) | (Referral.referred_id == customer.id))))
    if referrals:
        reasons.append(FieldError(None, ErrorCode.HAS_REFERRALS,
                                  "紹介者・紹介した人が登録されているお客様は削除できません。"))
    return reasons


async def delete_customer(session: AsyncSession, customer_id: int, actor: Actor) -> None:
    """Delete a customer with no history (managers only); otherwise refuse with the reasons."""
    check(actor, Action.DELETE_CUSTOMER)
    # A reservation or ticket written meanwhile for this customer must not slip past the check.
    await lock_customers(session, [customer_id])
    customer = await load_customer(session, customer_id)
    reasons = await deletion_blockers(session, customer)
    if reasons:
        raise DomainError.many(reasons)
    snapshot = _snapshot(customer)
    await session.delete(customer)
    await session.flush()
    await audit.record(session, actor, entity="customer", entity_id=customer_id, action="delete",
                       changes={k: [v, None] for k, v in snapshot.items() if v is not None})
