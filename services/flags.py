"""要注意人物 and ブラックリスト (SPEC §7), and the blacklist that follows the person (SPEC §3).

A customer is treated as blacklisted when it has its own entry, or when it matches a
blacklisted customer by normalised kana name + phone, by a real e-mail address or by
LINE user id (a re-registration under a new account, phone-only or through LINE). Both sides
are compared as recorded at registration or by staff (``record_person``), never as a
customer last typed them on the reservation site.
Placeholder e-mails of phone-only customers are built from the phone number and never
count as an e-mail match. A manager can clear a false match for one customer and one
entry (:func:`clear_blacklist_match`); a later entry that matches is a new question.

Whether a customer is a caution / blacklisted is the existence of its own row; lists read
the copy on ``customers`` (``is_caution`` / ``has_blacklist_entry``), which every add and remove
here rewrites in the same transaction, under the customer lock
(``customer_stats.refresh_customer_flags``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import BlacklistEntry, BlacklistMatchClearance, Caution, Customer
from services import audit, normalize
from services.actor import Actor
from services.constraints import refusing_violations
from services.customer_stats import refresh_customer_flags
from services.errors import DomainError, ErrorCode, FieldError, NotFound
from services.locking import lock_customers
from services.permissions import Action, check
from services.text_rules import free_text

OWN_REASON = "本人がブラックリストに登録されています"
KANA_PHONE_REASON = "カナ氏名と電話番号が一致"
EMAIL_REASON = "メールアドレスが一致"
LINE_REASON = "LINE IDが一致"

MEMO_MAX = 2000
_KANA_ONLY = re.compile("[\u30a1-\u30fa\u30fc]+")
_BATCH = 500


@dataclass(frozen=True)
class BlacklistMatch:
    """Why a customer counts as blacklisted: the matched entry and the grounds, in Japanese."""

    entry_id: int
    customer_id: int  # the blacklisted customer (the customer itself for its own entry)
    customer_no: str
    reasons: tuple[str, ...]
    memo: str


@dataclass(frozen=True)
class _Identity:
    id: int
    customer_no: str
    kana: str
    phone: str
    email: str  # "" when none or a placeholder
    lines: frozenset[str]


#: Who a customer is for the match: as recorded (``record_person``), never as last typed by itself.
_IDENTITY = (Customer.id, Customer.customer_no, Customer.person_kana, Customer.person_phone,
             Customer.person_email, Customer.line_user_id)


def kana_key(last_kana: str | None, first_kana: str | None, last: str | None = None,
             first: str | None = None) -> str:
    """The kana name as one comparable key; a name written only in kana stands in for empty セイ/メイ."""
    key = normalize.search_key(f"{last_kana or ''}{first_kana or ''}")
    if key:
        return key
    # Phone-only registrations often carry the name in katakana and no セイ/メイ.
    key = normalize.search_key(f"{last or ''}{first or ''}")
    return key if _KANA_ONLY.fullmatch(key) else ""


def person_keys(person: Any) -> tuple[str | None, str | None, str | None]:
    """Who ``person`` (a customer, or a row with its name, kana, phone and e-mail key columns) is for
    the match: the kana key, the phone digits and a real e-mail address, each None when it has none."""
    kana = kana_key(person.last_name_kana, person.first_name_kana, person.last_name, person.first_name)
    email = None if person.email_is_placeholder else person.email_key
    return kana or None, normalize.phone_digits(person.phone) or None, email or None


def record_person(customer: Customer) -> None:
    """Record who ``customer`` is for the match, from its fields as they are now.

    Called for every registration and every staff edit (``customers.derive_keys``), not for a
    customer's own edit: otherwise a customer token could type a third person's kana and phone
    into its own profile and learn from the booking answer whether that person is blacklisted,
    or type its way out of a match."""
    customer.person_kana, customer.person_phone, customer.person_email = person_keys(customer)


def _identity(row: Any, *line_ids: str | None) -> _Identity:
    return _Identity(
        id=row.id, customer_no=row.customer_no, kana=row.person_kana or "", phone=row.person_phone or "",
        email=row.person_email or "", lines=frozenset(i for i in (row.line_user_id, *line_ids) if i))


def _reasons(person: _Identity, listed: _Identity) -> tuple[str, ...]:
    reasons = []
    if person.kana and person.phone and person.kana == listed.kana and person.phone == listed.phone:
        reasons.append(KANA_PHONE_REASON)
    if person.email and person.email == listed.email:
        reasons.append(EMAIL_REASON)
    if person.lines & listed.lines:
        reasons.append(LINE_REASON)
    return tuple(reasons)


_LIVE = (Customer.id, Customer.customer_no, Customer.last_name, Customer.first_name, Customer.last_name_kana,
         Customer.first_name_kana, Customer.phone, Customer.email_key, Customer.email_is_placeholder,
         Customer.line_user_id)


async def _people(session: AsyncSession, ids: list[int], *, live: bool) -> list[_Identity]:
    if not live:
        return [_identity(r) for r in await session.execute(select(*_IDENTITY).where(Customer.id.in_(ids)))]
    people = []
    for row in await session.execute(select(*_LIVE).where(Customer.id.in_(ids))):
        kana, phone, email = person_keys(row)
        people.append(_Identity(id=row.id, customer_no=row.customer_no, kana=kana or "", phone=phone or "",
                                email=email or "", lines=frozenset({row.line_user_id} - {None})))
    return people


async def _matches(session: AsyncSession, ids: list[int], *, live: bool = False) -> dict[int, list[BlacklistMatch]]:
    """Every uncleared match of each customer, best first (own entry, then most grounds, then oldest).

    ``live`` compares the customer's fields as they are now instead of as recorded (what staff are
    shown after a customer's own edit, to decide)."""
    people = await _people(session, ids, live=live)
    found: dict[int, list[BlacklistMatch]] = {p.id: [] for p in people}
    own = await session.execute(select(BlacklistEntry.id, BlacklistEntry.customer_id, BlacklistEntry.memo)
                                .where(BlacklistEntry.customer_id.in_(ids)))
    numbers = {p.id: p.customer_no for p in people}
    for entry_id, customer_id, memo in own:
        found[customer_id].append(BlacklistMatch(entry_id, customer_id, numbers[customer_id], (OWN_REASON,), memo))

    conditions = []
    phones = {p.phone for p in people if p.phone and p.kana}
    emails = {p.email for p in people if p.email}
    lines = set().union(*(p.lines for p in people))
    if phones:
        conditions.append(Customer.person_phone.in_(phones))
    if emails:
        conditions.append(Customer.person_email.in_(emails))
    if lines:
        conditions.append(or_(Customer.line_user_id.in_(lines), BlacklistEntry.line_user_id.in_(lines)))
    if not conditions:
        return found
    rows = await session.execute(
        select(BlacklistEntry.id.label("entry_id"), BlacklistEntry.memo,
               BlacklistEntry.line_user_id.label("listed_line_user_id"), *_IDENTITY)
        .join(Customer, Customer.id == BlacklistEntry.customer_id)
        .where(or_(*conditions)).order_by(BlacklistEntry.id))
    listed = [(r.entry_id, r.memo, _identity(r, r.listed_line_user_id)) for r in rows]
    cleared = {(r.customer_id, r.blacklist_entry_id) for r in await session.execute(
        select(BlacklistMatchClearance.customer_id, BlacklistMatchClearance.blacklist_entry_id)
        .where(BlacklistMatchClearance.customer_id.in_(ids)))}
    for person in people:
        others = []
        for entry_id, memo, other in listed:
            if other.id == person.id or (person.id, entry_id) in cleared:
                continue
            reasons = _reasons(person, other)
            if reasons:
                others.append(BlacklistMatch(entry_id, other.id, other.customer_no, reasons, memo))
        others.sort(key=lambda m: (-len(m.reasons), m.entry_id))
        found[person.id].extend(others)
    return found


async def find_blacklist_matches(session: AsyncSession, customer_ids: Iterable[int]) -> dict[int, BlacklistMatch]:
    """:func:`find_blacklist_match` for many customers in a few queries (lists, dataloaders)."""
    ids = sorted(set(customer_ids))
    result: dict[int, BlacklistMatch] = {}
    for start in range(0, len(ids), _BATCH):
        for customer_id, matches in (await _matches(session, ids[start:start + _BATCH])).items():
            if matches:
                result[customer_id] = matches[0]
    return result


async def find_blacklist_match(session: AsyncSession, customer_id: int) -> BlacklistMatch | None:
    """The blacklist entry this customer counts under, or None (also for an unknown id).

    Its own entry comes first; otherwise the matching entry with the most grounds. A match
    a manager cleared for this customer is skipped.
    """
    return (await find_blacklist_matches(session, [customer_id])).get(customer_id)


async def unrecorded_match(session: AsyncSession, customer_id: int) -> BlacklistMatch | None:
    """A match the customer's fields as they are now would make and the recorded ones do not: the
    customer changed its own kana, phone or e-mail on the reservation site. Staff see it and
    decide: saving the customer's profile records the new details (and the match)."""
    recorded = {m.entry_id for m in (await _matches(session, [customer_id])).get(customer_id, [])}
    live = (await _matches(session, [customer_id], live=True)).get(customer_id, [])
    return next((m for m in live if m.entry_id not in recorded), None)


def _memo(value: Any, errors: list[FieldError], *, required: bool = True) -> str:
    """A caution / blacklist / match-clearance memo: free text (control and bidi characters
    dropped, services.text_rules); a memo left empty by that is missing."""
    try:
        text = free_text(value, "メモ", "memo", MEMO_MAX, multiline=True) or ""
    except DomainError as exc:
        errors.extend(exc.errors)
        return ""
    if required and not text:
        errors.append(FieldError("memo", ErrorCode.REQUIRED, "メモを入力してください。"))
    return text


async def clear_blacklist_match(session: AsyncSession, customer_id: int, entry_id: int, actor: Actor,
                                memo: str | None = None) -> BlacklistMatchClearance:
    """A manager records that ``customer_id`` is not the person of blacklist entry ``entry_id``."""
    check(actor, Action.BLACKLIST)
    errors: list[FieldError] = []
    text = _memo(memo, errors, required=False)
    if errors:
        raise DomainError.many(errors)
    matches = (await _matches(session, [customer_id])).get(customer_id)
    if matches is None:
        raise NotFound("お客様", "customer_id")
    match = next((m for m in matches if m.entry_id == entry_id), None)
    if match is None:
        raise DomainError(ErrorCode.NOT_FOUND, "このお客様に一致するブラックリスト登録が見つかりません。", "entry_id")
    if match.customer_id == customer_id:
        raise DomainError(ErrorCode.INVALID, "ご本人がブラックリストに登録されています。"
                          "解除するにはブラックリストから削除してください。", "entry_id")
    row = BlacklistMatchClearance(customer_id=customer_id, blacklist_entry_id=entry_id, memo=text,
                                  cleared_by_id=actor.account_id)
    session.add(row)
    await session.flush()
    await audit.record(session, actor, entity=audit.AuditEntity.BLACKLIST_MATCH_CLEARANCE, entity_id=row.id,
                       action=audit.AuditAction.CREATE,
                       changes={"customer_id": customer_id, "blacklist_entry_id": entry_id,
                                "matched_customer_no": match.customer_no, "reasons": list(match.reasons),
                                "memo": text})
    return row


# --------------------------------------------------------------------------- cautions and blacklist


@dataclass(frozen=True)
class FlagKind:
    """What differs between 要注意人物 and ブラックリスト: the table, who may change it, the words."""

    model: type[Caution] | type[BlacklistEntry]
    entity: audit.AuditEntity
    action: Action
    label: str


CAUTION = FlagKind(Caution, audit.AuditEntity.CAUTION, Action.MANAGE_CAUTIONS, "要注意人物")
BLACKLIST = FlagKind(BlacklistEntry, audit.AuditEntity.BLACKLIST_ENTRY, Action.BLACKLIST, "ブラックリスト")


def _described(customer: Customer) -> str:
    return f"{customer.customer_no} {customer.full_name}"


async def _customer_for_new_entry(session: AsyncSession, kind: FlagKind, customer_id: int | None,
                                  errors: list[FieldError]) -> Customer | None:
    if customer_id is None:
        errors.append(FieldError("customer_id", ErrorCode.REQUIRED, "お客様を選択してください。"))
        return None
    # Before the duplicate check: a concurrent add or remove of this customer's entry waits here.
    await lock_customers(session, [customer_id])
    customer = await session.get(Customer, customer_id, populate_existing=True)
    if customer is None:
        errors.append(FieldError("customer_id", ErrorCode.NOT_FOUND, "お客様が見つかりません。"))
    elif await session.scalar(select(exists().where(kind.model.customer_id == customer_id))):
        errors.append(FieldError("customer_id", ErrorCode.DUPLICATE,
                                 f"このお客様はすでに{kind.label}に登録されています。メモを変更してください。"))
    return customer


async def add_flag(session: AsyncSession, kind: FlagKind, customer_id: int | None, memo: Any,
                   actor: Actor) -> Caution | BlacklistEntry:
    """Register a customer (one entry per customer) with a memo; every problem reported at once."""
    check(actor, kind.action)
    errors: list[FieldError] = []
    text = _memo(memo, errors)
    customer = await _customer_for_new_entry(session, kind, customer_id, errors)
    if errors or customer is None:
        raise DomainError.many(errors)
    row = kind.model(customer_id=customer.id, memo=text, created_by_id=actor.account_id,
                     updated_by_id=actor.account_id)
    if isinstance(row, BlacklistEntry):
        row.line_user_id = customer.line_user_id
    session.add(row)
    async with refusing_violations():  # a concurrent request registered the same customer first
        await session.flush()
    await refresh_customer_flags(session, [customer.id])
    await audit.record(session, actor, entity=kind.entity, entity_id=row.id, action=audit.AuditAction.CREATE,
                       changes={"customer": [None, _described(customer)], "memo": [None, text]})
    return row


async def _entry(session: AsyncSession, kind: FlagKind, entry_id: int, *, lock_customer: bool = False) -> Any:
    if lock_customer:
        # Customer first, then the entry: the order add_flag takes them in.
        customer_id = await session.scalar(select(kind.model.customer_id).where(kind.model.id == entry_id))
        if customer_id is not None:
            await lock_customers(session, [customer_id])
    row = await session.get(kind.model, entry_id, with_for_update=True, populate_existing=True)
    if row is None:
        raise NotFound(f"{kind.label}の登録", "id")
    return row


async def update_flag(session: AsyncSession, kind: FlagKind, entry_id: int, memo: Any,
                      actor: Actor) -> Caution | BlacklistEntry:
    """Change the memo of an entry (the customer stays: remove and add to move it)."""
    check(actor, kind.action)
    errors: list[FieldError] = []
    text = _memo(memo, errors)
    row = await _entry(session, kind, entry_id)
    if errors:
        raise DomainError.many(errors)
    before = row.memo
    if text != before:
        row.memo = text
        row.updated_by_id = actor.account_id
        await session.flush()
        await audit.record(session, actor, entity=kind.entity, entity_id=row.id,
                           action=audit.AuditAction.UPDATE, changes={"memo": [before, text]})
    return row


async def remove_flag(session: AsyncSession, kind: FlagKind, entry_id: int, actor: Actor) -> int:
    """Delete an entry; the customer is never touched. Returns the customer's id."""
    check(actor, kind.action)
    row = await _entry(session, kind, entry_id, lock_customer=True)
    customer = await session.get(Customer, row.customer_id)
    customer_id, memo = row.customer_id, row.memo
    await session.delete(row)
    await session.flush()
    await refresh_customer_flags(session, [customer_id])
    await audit.record(session, actor, entity=kind.entity, entity_id=entry_id, action=audit.AuditAction.DELETE,
                       changes={"customer": [_described(customer) if customer else customer_id, None],
                                "memo": [memo, None]})
    return customer_id


async def add_caution(session: AsyncSession, customer_id: int | None, memo: Any, actor: Actor) -> Caution:
    return await add_flag(session, CAUTION, customer_id, memo, actor)  # type: ignore[return-value]


async def update_caution(session: AsyncSession, entry_id: int, memo: Any, actor: Actor) -> Caution:
    return await update_flag(session, CAUTION, entry_id, memo, actor)  # type: ignore[return-value]


async def remove_caution(session: AsyncSession, entry_id: int, actor: Actor) -> int:
    return await remove_flag(session, CAUTION, entry_id, actor)


async def add_to_blacklist(session: AsyncSession, customer_id: int | None, memo: Any,
                           actor: Actor) -> BlacklistEntry:
    return await add_flag(session, BLACKLIST, customer_id, memo, actor)  # type: ignore[return-value]


async def update_blacklist_entry(session: AsyncSession, entry_id: int, memo: Any,
                                 actor: Actor) -> BlacklistEntry:
    return await update_flag(session, BLACKLIST, entry_id, memo, actor)  # type: ignore[return-value]


async def remove_from_blacklist(session: AsyncSession, entry_id: int, actor: Actor) -> int:
    return await remove_flag(session, BLACKLIST, entry_id, actor)
