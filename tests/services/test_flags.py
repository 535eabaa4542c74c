"""services.flags: cautions (staff) and blacklist (managers): one entry per customer, memo required, audited."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from models import AuditLog, BlacklistEntry, Caution, Customer, StaffRole
from services import customers as customer_service
from services import flags
from services.actor import Actor
from services.customer_stats.check import find_differences
from services.errors import DomainError, ErrorCode
from tests.factories import add_customer

MANAGER = Actor.staff(1, StaffRole.MANAGER, "manager")
STAFF = Actor.staff(2, StaffRole.STAFF, "staff")
CUSTOMER_DATA = {"last_name": "山田", "first_name": "花子", "last_name_kana": "ヤマダ", "first_name_kana": "ハナコ",
                 "phone": "090-1111-2222", "email": "hanako@example.jp"}
ADD = {"caution": flags.add_caution, "blacklist": flags.add_to_blacklist}
UPDATE = {"caution": flags.update_caution, "blacklist": flags.update_blacklist_entry}
REMOVE = {"caution": flags.remove_caution, "blacklist": flags.remove_from_blacklist}
MODEL = {"caution": Caution, "blacklist": BlacklistEntry}
ENTITY = {"caution": "caution", "blacklist": "blacklist_entry"}
KINDS = ["caution", "blacklist"]


@pytest.fixture(autouse=True)
async def accounts(session):
    from services.auth import create_staff_account

    await create_staff_account(session, login_id="manager", password="password-1", display_name="manager",
                               role=StaffRole.MANAGER)
    await create_staff_account(session, login_id="staff", password="password-1", display_name="staff")
    await session.commit()


@pytest.fixture
async def customer(session):
    row = await customer_service.create_customer(session, CUSTOMER_DATA, Actor.system())
    await session.commit()
    return row


async def _count(session, model) -> int:
    return await session.scalar(select(func.count()).select_from(model))


async def _logs(session, kind) -> list[AuditLog]:
    return list((await session.scalars(select(AuditLog).where(AuditLog.entity == ENTITY[kind])
                                       .order_by(AuditLog.id))).all())


@pytest.mark.parametrize("kind", KINDS)
async def test_add_update_remove_with_audit(session, customer, kind):
    row = await ADD[kind](session, customer.id, "  無断キャンセルが多い  ", MANAGER)
    await session.commit()
    assert (row.customer_id, row.memo, row.created_by_id, row.updated_by_id) == (
        customer.id, "無断キャンセルが多い", 1, 1)
    await UPDATE[kind](session, row.id, "来店時は店長が対応", MANAGER)
    await session.commit()
    await UPDATE[kind](session, row.id, "来店時は店長が対応", MANAGER)  # unchanged: no log entry
    await session.commit()
    assert await REMOVE[kind](session, row.id, MANAGER) == customer.id
    await session.commit()
    assert await _count(session, MODEL[kind]) == 0
    assert await session.get(Customer, customer.id) is not None  # the customer stays
    logs = await _logs(session, kind)
    assert [(log.action, log.entity_id) for log in logs] == [("create", row.id), ("update", row.id),
                                                             ("delete", row.id)]
    assert logs[0].changes == {"customer": [None, f"{customer.customer_no} 山田 花子"],
                               "memo": [None, "無断キャンセルが多い"]}
    assert logs[1].changes == {"memo": ["無断キャンセルが多い", "来店時は店長が対応"]}
    assert logs[2].changes["memo"] == ["来店時は店長が対応", None]


async def test_the_blacklist_keeps_the_line_id(session, customer):
    await session.execute(Customer.__table__.update().where(Customer.id == customer.id).values(line_user_id="U9"))
    row = await flags.add_to_blacklist(session, customer.id, "暴言", MANAGER)
    assert row.line_user_id == "U9"
    assert (await flags.find_blacklist_match(session, customer.id)).entry_id == row.id


@pytest.mark.parametrize("kind", KINDS)
async def test_every_problem_at_once_and_nothing_written(session, customer, kind):
    with pytest.raises(DomainError) as exc:
        await ADD[kind](session, None, "   ", MANAGER)
    assert [(e.field, e.code, e.message) for e in exc.value.errors] == [
        ("memo", ErrorCode.REQUIRED, "メモを入力してください。"),
        ("customer_id", ErrorCode.REQUIRED, "お客様を選択してください。")]
    with pytest.raises(DomainError) as exc:
        await ADD[kind](session, 999_999, "x" * 2001, MANAGER)
    assert [(e.field, e.code) for e in exc.value.errors] == [
        ("memo", ErrorCode.TOO_LONG), ("customer_id", ErrorCode.NOT_FOUND)]
    await session.rollback()
    assert await _count(session, MODEL[kind]) == 0
    assert await _logs(session, kind) == []


@pytest.mark.parametrize("kind", KINDS)
async def test_one_entry_per_customer(session, customer, kind):
    await ADD[kind](session, customer.id, "一件目", MANAGER)
    await session.commit()
    with pytest.raises(DomainError) as exc:
        await ADD[kind](session, customer.id, "二件目", MANAGER)
    assert exc.value.code == ErrorCode.DUPLICATE and exc.value.field == "customer_id"
    await session.rollback()
    assert await _count(session, MODEL[kind]) == 1


@pytest.mark.parametrize("kind", KINDS)
async def test_update_and_remove_refuse_bad_input(session, customer, kind):
    row = await ADD[kind](session, customer.id, "メモ", MANAGER)
    await session.commit()
    row_id = row.id
    calls = [lambda: UPDATE[kind](session, row_id, "", MANAGER), lambda: UPDATE[kind](session, 999, "メモ", MANAGER),
             lambda: REMOVE[kind](session, 999, MANAGER)]
    for call in calls:
        with pytest.raises(DomainError) as exc:
            await call()
        assert exc.value.code in (ErrorCode.REQUIRED, ErrorCode.NOT_FOUND)
        await session.rollback()
    assert await session.scalar(select(MODEL[kind].memo).where(MODEL[kind].id == row_id)) == "メモ"
    assert len(await _logs(session, kind)) == 1


@pytest.mark.parametrize(("kind", "actor", "allowed"), [
    ("caution", STAFF, True), ("caution", Actor.customer(1), False), ("caution", None, False),
    ("blacklist", STAFF, False), ("blacklist", Actor.customer(1), False), ("blacklist", MANAGER, True),
])
async def test_who_may_change(session, customer, kind, actor, allowed):
    if allowed:
        row = await ADD[kind](session, customer.id, "メモ", actor)
        await UPDATE[kind](session, row.id, "メモ2", actor)
        await REMOVE[kind](session, row.id, actor)
        return
    with pytest.raises(DomainError) as exc:
        await ADD[kind](session, customer.id, "メモ", actor)
    assert exc.value.code in (ErrorCode.PERMISSION_DENIED, ErrorCode.UNAUTHENTICATED)
    row = await ADD[kind](session, customer.id, "メモ", MANAGER)
    for call in (lambda: UPDATE[kind](session, row.id, "変更", actor), lambda: REMOVE[kind](session, row.id, actor)):
        with pytest.raises(DomainError):
            await call()
    assert await session.scalar(select(MODEL[kind].memo).where(MODEL[kind].id == row.id)) == "メモ"


async def _stored_flags(session, customer_id: int) -> tuple[bool, bool]:
    row = (await session.execute(select(Customer.is_caution, Customer.has_blacklist_entry)
                                 .where(Customer.id == customer_id))).one()
    return bool(row.is_caution), bool(row.has_blacklist_entry)


async def test_add_and_remove_rewrite_the_stored_flags_in_their_transaction(session, customer):
    assert await _stored_flags(session, customer.id) == (False, False)
    customer_id = customer.id
    caution_id = (await flags.add_caution(session, customer_id, "遅刻が多い", STAFF)).id
    assert await _stored_flags(session, customer_id) == (True, False)  # before the commit
    await session.commit()
    entry_id = (await flags.add_to_blacklist(session, customer_id, "暴言", MANAGER)).id
    await session.commit()
    assert await _stored_flags(session, customer_id) == (True, True)
    await flags.update_caution(session, caution_id, "連絡なしの遅刻", STAFF)
    await session.commit()
    assert await _stored_flags(session, customer_id) == (True, True)

    await flags.remove_caution(session, caution_id, STAFF)
    assert await _stored_flags(session, customer_id) == (False, True)
    await session.rollback()  # the flag goes back with the entry
    assert await _stored_flags(session, customer_id) == (True, True)
    await flags.remove_caution(session, caution_id, STAFF)
    await flags.remove_from_blacklist(session, entry_id, MANAGER)
    await session.commit()
    assert await _stored_flags(session, customer_id) == (False, False)


@pytest.mark.parametrize("kind", KINDS)
async def test_a_refused_add_leaves_the_flags_alone(session, customer, kind):
    customer_id = customer.id
    with pytest.raises(DomainError):
        await ADD[kind](session, customer_id, "", MANAGER)
    await session.rollback()
    assert await _stored_flags(session, customer_id) == (False, False)
    await ADD[kind](session, customer_id, "メモ", MANAGER)
    await session.commit()
    with pytest.raises(DomainError):  # a second entry for the customer
        await ADD[kind](session, customer_id, "メモ", MANAGER)
    await session.rollback()
    assert await _stored_flags(session, customer_id) == ((True, False) if kind == "caution" else (False, True))


async def _in_transaction(db, operation, *args) -> None:
    async with db.transaction() as s:
        await operation(s, *args)


async def test_concurrent_adds_and_removes_of_both_flags_leave_them_right(db):
    """A caution and a blacklist entry of one customer written at once: each writer rewrites both
    flags, so without the customer lock the later one would store the other's flag as it was."""
    customers = [(await add_customer(db)).id for _ in range(4)]
    await asyncio.gather(*(_in_transaction(db, op, cid, "メモ", MANAGER)
                           for cid in customers for op in (flags.add_caution, flags.add_to_blacklist)))
    async with db.sessionmaker() as s:
        assert {c: await _stored_flags(s, c) for c in customers} == dict.fromkeys(customers, (True, True))
        cautions = dict((await s.execute(select(Caution.customer_id, Caution.id))).all())
        listed = dict((await s.execute(select(BlacklistEntry.customer_id, BlacklistEntry.id))).all())

    # One customer loses both entries at once; another loses its caution while a second add is refused.
    first, second = customers[:2]
    results = await asyncio.gather(
        _in_transaction(db, flags.remove_caution, cautions[first], MANAGER),
        _in_transaction(db, flags.remove_from_blacklist, listed[first], MANAGER),
        _in_transaction(db, flags.remove_caution, cautions[second], MANAGER),
        _in_transaction(db, flags.add_caution, second, "メモ", MANAGER),
        return_exceptions=True)
    assert [type(r) for r in results[:3]] == [type(None)] * 3
    async with db.sessionmaker() as s:
        has_caution = await s.scalar(select(func.count()).select_from(Caution).where(Caution.customer_id == second))
        assert await _stored_flags(s, first) == (False, False)
        assert await _stored_flags(s, second) == (bool(has_caution), True)
        assert await find_differences(s) == []


#: A memo with a right-to-left override, a NUL and a bell among text that must stay as typed.
HOSTILE_MEMO = "\u202e予約時間に\x00毎回\x07遅れる\n次回は  15分前に連絡"
CLEAN_MEMO = "予約時間に毎回遅れる\n次回は  15分前に連絡"


@pytest.mark.parametrize("kind", KINDS)
async def test_memos_drop_control_and_bidi_characters_and_keep_the_rest(session, customer, kind):
    row = await ADD[kind](session, customer.id, HOSTILE_MEMO, MANAGER)
    assert row.memo == CLEAN_MEMO
    row = await UPDATE[kind](session, row.id, "\x07" + HOSTILE_MEMO.replace("毎回", "毎回必ず") + "\u202e", MANAGER)
    assert row.memo == CLEAN_MEMO.replace("毎回", "毎回必ず")
    await session.commit()
    logged = [log.changes["memo"] for log in await _logs(session, kind)]
    assert logged == [[None, CLEAN_MEMO], [CLEAN_MEMO, CLEAN_MEMO.replace("毎回", "毎回必ず")]]


@pytest.mark.parametrize("kind", KINDS)
async def test_a_memo_of_nothing_but_control_characters_is_missing(session, customer, kind):
    customer_id = customer.id
    with pytest.raises(DomainError) as exc:
        await ADD[kind](session, customer_id, "\u202e\x00\x07 \n", MANAGER)
    assert [(e.field, e.code, e.message) for e in exc.value.errors] == [
        ("memo", ErrorCode.REQUIRED, "メモを入力してください。")]
    await session.rollback()
    assert await _count(session, MODEL[kind]) == 0 and await _logs(session, kind) == []
    row = await ADD[kind](session, customer_id, "遅刻", MANAGER)
    row_id = row.id
    await session.commit()
    with pytest.raises(DomainError) as exc:
        await UPDATE[kind](session, row_id, "\x00\u202e", MANAGER)
    assert exc.value.code == ErrorCode.REQUIRED
    await session.rollback()
    assert await session.scalar(select(MODEL[kind].memo)) == "遅刻"


@pytest.mark.parametrize("kind", KINDS)
async def test_a_second_entry_that_slips_past_the_check_is_refused_by_the_constraint(db, kind, monkeypatch):
    """The unique constraint is the last line: worded in Japanese by services.constraints, nothing kept."""
    customer = await add_customer(db)
    async with db.transaction() as s:
        await ADD[kind](s, customer.id, "一件目", MANAGER)

    async def unchecked(session, flag_kind, customer_id, errors):  # the duplicate check misses it
        return await session.get(Customer, customer_id)

    monkeypatch.setattr(flags, "_customer_for_new_entry", unchecked)
    with pytest.raises(DomainError) as refused:
        async with db.transaction() as s:
            await ADD[kind](s, customer.id, "二件目", MANAGER)
    label = "要注意人物" if kind == "caution" else "ブラックリスト"
    assert [(e.code, e.message) for e in refused.value.errors] == [
        (ErrorCode.DUPLICATE, f"このお客様はすでに{label}に登録されています。")]
    model = Caution if kind == "caution" else BlacklistEntry
    async with db.sessionmaker() as s:
        assert await s.scalar(select(func.count()).select_from(model)) == 1
