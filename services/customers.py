"""Customer create / update / safe delete, shared by the admin, GraphQL and the import.

Input is a :class:`~services.customer_fields.CustomerInput` or a dict of field name →
value; on update only the fields given change.  Every field is validated and normalised
by :func:`services.customer_fields.clean_customer` (never in a door), the database checks
(uniqueness, masters) follow here, all problems are reported together, and nothing is
written when any is found. A
constraint that still fires (a concurrent request took the number or the e-mail
first) comes back as a DomainError too (``services.constraints``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from models import (
    ActorKind,
    Customer,
    CustomerAttribute,
    CustomerFreeItemValue,
    FirstVisitMotive,
    FreeItemChoice,
    InflowRoute,
    Occupation,
    RegistrationPath,
    StoreSetting,
)
from services import audit, flags, normalize, owned_rows
from services.customer_fields import (
    COLLECTION_FIELDS,
    CUSTOMER_EDITABLE,
    FIELDS,
    REQUIRED_ON_FULL,  # noqa: F401  (re-exported: the doors read it from here)
    SCALAR_FIELDS,
    CustomerInput,
    Mode,
    clean_customer,
    label_of,
)
from services.actor import Actor
from services.permissions import Action, check
from services.constraints import refuses_violations
from services.customer_stats import refresh_customer_stats
from services.errors import Collector, DomainError, ErrorCode, FieldError, NotFound, PermissionDenied
from services.locking import lock_customers
from services.store import get_store_settings

#: Scalar fields a caller may set, with their admin label (used in messages and the audit log).
FIELD_LABELS: dict[str, str] = {name: FIELDS[name].label for name in SCALAR_FIELDS}
#: Where a registration comes from decides what it must contain, unless the caller says.
MODE_OF_PATH = {RegistrationPath.PHONE: Mode.PHONE, RegistrationPath.IMPORT: Mode.IMPORT,
                RegistrationPath.LINE: Mode.LINE}


async def _check_references(session: AsyncSession, values: dict[str, Any], errors: Collector) -> None:
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


async def _check_unique(session: AsyncSession, values: dict[str, Any], own_id: int | None,
                        errors: Collector) -> None:
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


async def _check_phone_free(session: AsyncSession, phone: str, errors: Collector) -> bool:
    """新規電話予約: a phone already registered to an active customer names that customer (for staff).
    True when it is taken."""
    owner = (await session.execute(
        select(Customer.customer_no, Customer.last_name, Customer.first_name)
        .where(Customer.phone == phone, Customer.withdrawn_at.is_(None))
        .order_by(Customer.id).limit(1))).first()
    if owner is not None:
        errors.add("phone", ErrorCode.DUPLICATE_PHONE,
                   f"この電話番号は既にお客様番号「{owner.customer_no}」{owner.last_name} {owner.first_name}様が"
                   "登録しています。")
    return owner is not None


def fill_address(values: dict[str, Any], errors: Collector, *, fill_street: bool = True) -> None:
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
    return (await allocate_customer_nos(session, 1))[0]


async def allocate_customer_nos(session: AsyncSession, count: int, *, avoid: frozenset[str] = frozenset()
                                ) -> list[str]:
    """``count`` next numbers in the store's format, skipping numbers in use (and ``avoid``).

    One counter update and one lookup per batch, so a bulk import does not pay per customer.
    """
    settings = await get_store_settings(session)
    numbers: list[str] = []
    while len(numbers) < count:
        wanted = count - len(numbers)
        result = await session.execute(
            update(StoreSetting)
            .where(StoreSetting.id == settings.id)
            .values(customer_no_next=StoreSetting.customer_no_next + wanted)
            .returning(StoreSetting.customer_no_next, StoreSetting.customer_no_prefix,
                       StoreSetting.customer_no_digits)
        )
        nxt, prefix, digits = result.one()
        candidates = [f"{prefix}{n:0{digits}d}" for n in range(nxt - wanted, nxt)]
        taken = set((await session.scalars(
            select(Customer.customer_no).where(Customer.customer_no.in_(candidates)))).all())
        numbers += [c for c in candidates if c not in taken and c not in avoid]
    return numbers


#: The columns :func:`derive_keys` writes: what a bulk insert copies from a keyed object.
KEY_COLUMNS = ("name_key", "search_text", "email_key", "email_is_placeholder",
               "person_kana", "person_phone", "person_email")


def keys_of(keyed: Any) -> dict[str, Any]:
    """The :data:`KEY_COLUMNS` of an object :func:`derive_keys` has keyed, for a Core insert."""
    return {key: getattr(keyed, key) for key in KEY_COLUMNS}


def placeholder_email(phone: str, placeholder_domain: str) -> str:
    """The address a phone-only customer is given: 「00011111111」 → 「00011111111@leporto.com」."""
    return f"{phone}@{placeholder_domain}".lower()


def derive_keys(customer: Customer, placeholder_domain: str, *, person: bool = True,
                registering: bool = False) -> None:
    """Recompute the normalised search/merge/uniqueness keys from the customer's fields.

    ``person`` also records who the customer is for the blacklist's person match
    (``services.flags.record_person``): every registration and every staff edit does; a customer's
    own edit does not, so it can neither create nor clear a match.

    The placeholder mark (``email_is_placeholder``, 仮メールアドレス) is stored, not derived: it is
    set when a customer is registered (``registering``) with ``<phone>@<placeholder_domain>`` and
    afterwards only kept while the address stays the same, so a new phone number keeps it and any
    real address saved from any door clears it."""
    previous_email_key = getattr(customer, "email_key", None)
    was_placeholder = bool(getattr(customer, "email_is_placeholder", False))
    customer.name_key = normalize.name_key(customer.last_name, customer.first_name)
    customer.search_text = " ".join(
        filter(None, (
            normalize.search_key(f"{customer.last_name}{customer.first_name}"),
            normalize.search_key(f"{customer.last_name_kana}{customer.first_name_kana}"),
            normalize.search_key(customer.line_name),
        ))
    )
    customer.email_key = normalize.email_key(customer.email) if customer.email else None
    if registering:
        customer.email_is_placeholder = bool(
            customer.email and customer.phone
            and customer.email_key == placeholder_email(customer.phone, placeholder_domain)
        )
    else:
        customer.email_is_placeholder = bool(
            was_placeholder and customer.email_key and customer.email_key == previous_email_key)
    if person:
        flags.record_person(customer)


async def _apply_collections(session: AsyncSession, customer: Customer, values: dict[str, Any]) -> None:
    if "attributes" in values:
        wanted: list[str] = values["attributes"]  # normalised and de-duplicated by clean_customer
        # Keep the rows of values that stay: a new row with the same value would be inserted
        # before the old one is deleted and break uq(customer_id, value).
        kept = {a.value: a for a in customer.attributes}
        customer.attributes = [kept.get(v) or CustomerAttribute(value=v) for v in wanted]
    if "inflow_route_ids" in values:
        ids = values["inflow_route_ids"]
        routes = (await session.scalars(select(InflowRoute).where(InflowRoute.id.in_(ids)))).all() if ids else []
        customer.inflow_routes = list(routes)
    if "free_item_choice_ids" in values:
        ids = values["free_item_choice_ids"]
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


@refuses_violations
async def create_customer(
    session: AsyncSession,
    data: CustomerInput | dict[str, Any],
    actor: Actor,
    *,
    path: RegistrationPath = RegistrationPath.FULL,
    mode: Mode | None = None,
    required: tuple[str, ...] | None = None,
    phone_must_be_free: bool = False,
    permission: Action = Action.CREATE_CUSTOMER,
) -> Customer:
    """Register a customer. Numbers are auto-allocated when ``customer_no`` is empty.

    ``mode`` (FULL / PHONE / IMPORT) decides the required fields; by default it follows ``path``.
    ``required`` is the older way of saying it (a tuple of field names), mapped to a mode.
    A customer registered by phone without an address gets the placeholder
    (:func:`placeholder_email`); ``phone_must_be_free`` refuses a phone of an active customer,
    naming that customer (:func:`register_phone_customer`). ``permission`` is what the actor must
    be allowed: LINE linking registers customers for the reservation site (services.line_link).
    """
    check(actor, permission)
    if mode is None and required is not None:
        mode = Mode.FULL if "email" in required else Mode.PHONE if "phone" in required else Mode.IMPORT
    cleaned = clean_customer(data, mode or MODE_OF_PATH.get(path, Mode.FULL))
    errors = Collector(cleaned.errors)
    values = cleaned.values
    fill_address(values, errors)
    await _check_references(session, values, errors)
    settings = await get_store_settings(session)
    phone_taken = phone_must_be_free and values.get("phone") and await _check_phone_free(
        session, values["phone"], errors)
    if path == RegistrationPath.PHONE and values.get("phone") and not phone_taken:
        # (a taken phone's placeholder is that customer's address: said once, as the phone)
        if not values.get("email"):
            values["email"] = placeholder_email(values["phone"], settings.placeholder_email_domain)
    await _check_unique(session, values, None, errors)
    errors.raise_if_any()

    customer = Customer(registration_path=path, attributes=[], inflow_routes=[], free_item_values=[])
    for key, value in values.items():
        if key in FIELD_LABELS and key != "customer_no":
            setattr(customer, key, value)
    customer.last_name_kana = customer.last_name_kana or ""
    customer.first_name_kana = customer.first_name_kana or ""
    customer.customer_no = values.get("customer_no") or await allocate_customer_no(session)
    derive_keys(customer, settings.placeholder_email_domain, registering=True)
    await _apply_collections(session, customer, values)
    session.add(customer)
    await session.flush()
    if customer.pre_system_visit_count:
        await refresh_customer_stats(session, [customer.id])
    await audit.record(session, actor, entity="customer", entity_id=customer.id, action="create",
                       changes=audit.diff({}, _snapshot(customer)))
    return customer


async def register_phone_customer(session: AsyncSession, data: dict[str, Any], actor: Actor) -> Customer:
    """新規電話予約: a customer taken over the phone — 姓, 名 (kanji or katakana), optional kana and
    電話番号. The e-mail is ``<phone>@<placeholder domain>``, stored as the placeholder mark until a
    real address is saved; a phone already registered to an active customer is refused with that
    customer's お客様番号 and name, and nothing is written."""
    wanted = {key: data[key] for key in PHONE_FIELDS if key in data}
    return await create_customer(session, wanted, actor, path=RegistrationPath.PHONE, phone_must_be_free=True)


#: What 新規電話予約 takes (both doors): names, their kana and the phone.
PHONE_FIELDS = ("last_name", "first_name", "last_name_kana", "first_name_kana", "phone")


@refuses_violations
async def update_customer(session: AsyncSession, customer_id: int, data: CustomerInput | dict[str, Any],
                          actor: Actor) -> Customer:
    """Change the given fields of a customer; others stay as they are.

    Staff change any customer; a customer changes only its own profile fields."""
    if isinstance(data, CustomerInput):
        data = data.given()
    _authorize_update(actor, customer_id, data)
    await lock_customers(session, [customer_id])
    customer = await load_customer(session, customer_id)
    before = _snapshot(customer)
    mode = Mode.SELF_EDIT if actor.kind == ActorKind.CUSTOMER else Mode.UPDATE
    cleaned = clean_customer(data, mode, current=before)
    errors = Collector(cleaned.errors)
    values = cleaned.values
    if "postal_code" in values and values["postal_code"] != before["postal_code"]:
        # A form sends every field back: a prefecture or city equal to the stored one was not
        # typed for the new code, so the new code decides it (the street stays as sent).
        for key in ("prefecture", "city"):
            if values.get(key) == before[key]:
                values[key] = None
    fill_address(values, errors, fill_street="address_line" in values or not before["address_line"])
    if actor.kind == ActorKind.CUSTOMER and _new_address(values.get("email"), customer.email_key):
        # Whether an address is in use by somebody else is what a customer token must not learn
        # (nor from the time the answer takes): a new address goes through services.email_change,
        # and it is never looked up here.
        del values["email"]
        errors.add("email", ErrorCode.EMAIL_CONFIRMATION_REQUIRED, EMAIL_CONFIRMATION_MESSAGE)
    await _check_references(session, values, errors)
    await _check_unique(session, values, customer.id, errors)
    errors.raise_if_any()

    for key, value in values.items():
        if key in FIELD_LABELS and not (key == "customer_no" and not value):
            setattr(customer, key, value)
    settings = await get_store_settings(session)
    derive_keys(customer, settings.placeholder_email_domain, person=actor.is_staff)
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


EMAIL_CONFIRMATION_MESSAGE = ("メールアドレスの変更には、新しいアドレスに届く確認メールでの手続きが必要です。"
                              "予約サイトの「メールアドレスの変更」からお手続きください。")


def _new_address(email: str | None, current_key: str | None) -> bool:
    return bool(email) and normalize.email_key(email) != current_key


@refuses_violations
async def apply_confirmed_email(session: AsyncSession, customer_id: int, email: str, actor: Actor) -> Customer:
    """Set the address a customer confirmed from its own mailbox (``services.email_change``).

    An address taken meanwhile is DUPLICATE_EMAIL, told to the owner of that mailbox. Who the
    customer is for the blacklist's match is left as recorded: this is the customer's own change."""
    await lock_customers(session, [customer_id])
    customer = await load_customer(session, customer_id)
    before = _snapshot(customer)
    errors = Collector()
    await _check_unique(session, {"email": email}, customer.id, errors)
    errors.raise_if_any()
    customer.email = email
    derive_keys(customer, (await get_store_settings(session)).placeholder_email_domain, person=False)
    await session.flush()
    await audit.record(session, actor, entity="customer", entity_id=customer.id, action="update",
                       changes=audit.diff(before, _snapshot(customer)))
    return customer


def _authorize_update(actor: Actor, customer_id: int, data: dict[str, Any]) -> None:
    check(actor, Action.EDIT_CUSTOMER, customer_id)
    if actor.kind == ActorKind.CUSTOMER:
        forbidden = sorted(set(data) - CUSTOMER_EDITABLE)
        if forbidden:
            labels = "、".join(label_of(k) for k in forbidden)
            raise PermissionDenied(f"{labels}はお客様ご自身では変更できません。")


async def deletion_blockers(session: AsyncSession, customer: Customer) -> list[FieldError]:
    """Why a customer may not be deleted (empty when it may).

    Which rows block is ``services.owned_rows``' registry (history, referrals), so a new kind
    of customer-owned row is either classified there or fails its test."""
    reasons: list[FieldError] = []
    blocks = await owned_rows.deletion_blocks(session, customer.id)
    if ErrorCode.HAS_VISIT_HISTORY in blocks or customer.pre_system_visit_count:
        reasons.append(FieldError(None, ErrorCode.HAS_VISIT_HISTORY,
                                  "来店・予約履歴があるお客様は削除できません。顧客データの統合をご利用ください。"))
    if customer.line_user_id:
        reasons.append(FieldError(None, ErrorCode.HAS_LINE_LINK,
                                  "LINE連携済みのお客様は削除できません。"))
    if ErrorCode.HAS_REFERRALS in blocks:
        reasons.append(FieldError(None, ErrorCode.HAS_REFERRALS,
                                  "紹介者・紹介した人が登録されているお客様は削除できません。"))
    return reasons


@refuses_violations
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
