"""紹介 (SPEC §1): customer A referred customer B, shown on both customers' pages with a memo
(e.g. the discount given) that staff can change at any time.

One link per pair, whichever way round (A→B and B→A are the same acquaintance: the second is
refused as a duplicate); nobody refers themselves. Staff add, change the memo and remove links
from either customer's page or through GraphQL; every change is recorded in the audit log.
"""

from __future__ import annotations

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Customer, Referral
from services import audit, text_rules
from services.actor import Actor
from services.constraints import refusing_violations
from services.errors import DomainError, ErrorCode, FieldError, NotFound
from services.permissions import Action, check

MEMO_LIMIT = 1000


def clean_memo(value: object) -> str | None:
    return text_rules.free_text(value if value is not None else "", "メモ", "memo", MEMO_LIMIT, multiline=True)


async def _customer(session: AsyncSession, customer_id: int | None, field: str, label: str,
                    errors: list[FieldError]) -> Customer | None:
    customer = await session.get(Customer, customer_id) if customer_id is not None else None
    if customer is None:
        errors.append(FieldError(field, ErrorCode.NOT_FOUND, f"{label}のお客様が見つかりません。"))
    return customer


async def add_referral(session: AsyncSession, referrer_id: int | None, referred_id: int | None, memo: object,
                       actor: Actor) -> Referral:
    """Record that ``referrer`` referred ``referred``; every problem reported at once."""
    check(actor, Action.MANAGE_REFERRALS)
    errors: list[FieldError] = []
    try:
        text = clean_memo(memo)
    except DomainError as exc:
        errors += exc.errors
        text = None
    referrer = await _customer(session, referrer_id, "referrerId", "紹介者", errors)
    referred = await _customer(session, referred_id, "referredId", "紹介された", errors)
    if referrer is not None and referred is not None:
        if referrer.id == referred.id:
            errors.append(FieldError("referredId", ErrorCode.INVALID, "ご本人を紹介者にはできません。"))
        elif await session.scalar(select(Referral.id).where(or_(
                and_(Referral.referrer_id == referrer.id, Referral.referred_id == referred.id),
                and_(Referral.referrer_id == referred.id, Referral.referred_id == referrer.id)))):
            errors.append(FieldError("referredId", ErrorCode.DUPLICATE,
                                     f"{referrer.full_name}様と{referred.full_name}様の紹介はすでに登録されています。"
                                     "メモを変更してください。"))
    if errors:
        raise DomainError.many(errors)
    assert referrer is not None and referred is not None
    row = Referral(referrer_id=referrer.id, referred_id=referred.id, memo=text)
    session.add(row)
    async with refusing_violations():  # a concurrent request recorded the same pair first
        await session.flush()
    await audit.record(session, actor, entity=audit.AuditEntity.REFERRAL, entity_id=row.id,
                       action=audit.AuditAction.CREATE,
                       changes={"referrer": [None, str(referrer)], "referred": [None, str(referred)],
                                "memo": [None, text]})
    return row


async def add_referral_by_number(session: AsyncSession, customer_id: int, other_customer_no: object,
                                 referred_this_customer: bool, memo: object, actor: Actor) -> Referral:
    """The admin's form on a customer's page: the other customer by お客様番号, and which way round."""
    check(actor, Action.MANAGE_REFERRALS)
    number = text_rules.strict_text(other_customer_no or "", "お客様番号", "customer_no", 32).strip()
    if not number:
        raise DomainError(ErrorCode.REQUIRED, "相手のお客様番号を入力してください。", "customer_no")
    other_id = await session.scalar(select(Customer.id).where(Customer.customer_no == number))
    if other_id is None:
        raise DomainError(ErrorCode.NOT_FOUND, f"お客様番号「{number}」のお客様が見つかりません。", "customer_no")
    if referred_this_customer:
        return await add_referral(session, other_id, customer_id, memo, actor)
    return await add_referral(session, customer_id, other_id, memo, actor)


async def _referral(session: AsyncSession, referral_id: int) -> Referral:
    row = await session.get(Referral, referral_id, with_for_update=True, populate_existing=True)
    if row is None:
        raise NotFound("紹介", "id")
    return row


async def update_referral_memo(session: AsyncSession, referral_id: int, memo: object, actor: Actor) -> Referral:
    check(actor, Action.MANAGE_REFERRALS)
    text = clean_memo(memo)
    row = await _referral(session, referral_id)
    if row.memo != text:
        before, row.memo = row.memo, text
        await session.flush()
        await audit.record(session, actor, entity=audit.AuditEntity.REFERRAL, entity_id=row.id,
                           action=audit.AuditAction.UPDATE, changes={"memo": [before, text]})
    return row


async def remove_referral(session: AsyncSession, referral_id: int, actor: Actor) -> Referral:
    check(actor, Action.MANAGE_REFERRALS)
    row = await _referral(session, referral_id)
    await session.delete(row)
    await session.flush()
    await audit.record(session, actor, entity=audit.AuditEntity.REFERRAL, entity_id=referral_id,
                       action=audit.AuditAction.DELETE,
                       changes={"referrer_id": [row.referrer_id, None], "referred_id": [row.referred_id, None],
                                "memo": [row.memo, None]})
    return row
