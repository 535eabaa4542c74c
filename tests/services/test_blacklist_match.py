"""The blacklist follows the person: kana + phone, a real e-mail or the LINE id of a blacklisted customer."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from models import AuditLog, BlacklistEntry, BlacklistMatchClearance, Customer, RegistrationPath, StaffRole
from services import customers as customer_service
from services import flags
from services.actor import Actor
from services.customer_stats import refresh_customer_flags
from services.errors import DomainError, ErrorCode

MANAGER = Actor.staff(1, StaffRole.MANAGER, "manager")
STAFF = Actor.staff(2, StaffRole.STAFF, "staff")

LISTED = {"last_name": "山田", "first_name": "太郎", "last_name_kana": "ヤマダ", "first_name_kana": "タロウ",
          "phone": "090-1234-5678", "email": "taro@example.jp"}


@pytest.fixture(autouse=True)
async def accounts(session):
    from services.auth import create_staff_account

    await create_staff_account(session, login_id="manager", password="password-1", display_name="manager",
                               role=StaffRole.MANAGER)
    await create_staff_account(session, login_id="staff", password="password-1", display_name="staff")
    await session.commit()


async def _customer(session, data, path=RegistrationPath.FULL):
    required = customer_service.REQUIRED_ON_FULL if path == RegistrationPath.FULL else ("phone",)
    return await customer_service.create_customer(session, data, Actor.system(), path=path, required=required)


async def _blacklist(session, customer, memo="無断キャンセル3回"):
    entry = BlacklistEntry(customer_id=customer.id, memo=memo)
    session.add(entry)
    await refresh_customer_flags(session, [customer.id])  # stored flags, as their writer keeps them
    return entry


@pytest.fixture
async def listed(session):
    customer = await _customer(session, LISTED)
    entry = await _blacklist(session, customer)
    await session.commit()
    return customer, entry


async def test_own_entry_is_a_match(session, listed):
    customer, entry = listed
    match = await flags.find_blacklist_match(session, customer.id)
    assert match == flags.BlacklistMatch(entry.id, customer.id, customer.customer_no,
                                         ("本人がブラックリストに登録されています",), "無断キャンセル3回")


async def test_unknown_and_clean_customers_have_no_match(session, listed):
    other = await _customer(session, {**LISTED, "first_name": "花子", "first_name_kana": "ハナコ",
                                      "email": "hanako@example.jp"})
    assert await flags.find_blacklist_match(session, other.id) is None
    assert await flags.find_blacklist_match(session, 999_999) is None


@pytest.mark.parametrize(("data", "path", "reasons"), [
    # A phone-only registration with the name in hiragana, the phone written differently.
    ({"last_name": "やまだ", "first_name": "たろう", "phone": "09012345678", "email": "09012345678@leporto.com"},
     RegistrationPath.PHONE, ("カナ氏名と電話番号が一致",)),
    ({"last_name": "ヤマダ", "first_name": "タロウ", "phone": "０９０１２３４５６７８"},
     RegistrationPath.PHONE, ("カナ氏名と電話番号が一致",)),
    ({**LISTED, "last_name": "山多", "email": "new@example.jp"}, RegistrationPath.FULL,
     ("カナ氏名と電話番号が一致",)),
    ({**LISTED, "last_name_kana": "ヤマタ", "phone": "080-1111-2222"}, RegistrationPath.FULL,
     ("メールアドレスが一致",)),
])
async def test_a_new_registration_matches(session, listed, data, path, reasons):
    customer, entry = listed
    # The listed customer withdrew, which frees its e-mail address for a new account.
    await session.execute(update(Customer).where(Customer.id == customer.id).values(
        withdrawn_at=func.current_timestamp()))
    person = await _customer(session, data, path)
    match = await flags.find_blacklist_match(session, person.id)
    assert match is not None
    assert (match.entry_id, match.customer_id, match.customer_no, match.reasons, match.memo) == (
        entry.id, customer.id, customer.customer_no, reasons, "無断キャンセル3回")


async def test_email_match_is_case_insensitive_and_all_grounds_are_named(session, listed):
    customer, entry = listed
    await session.execute(update(Customer).where(Customer.id == customer.id).values(
        withdrawn_at=func.current_timestamp()))
    person = await _customer(session, {**LISTED, "email": "TARO@Example.JP"})
    match = await flags.find_blacklist_match(session, person.id)
    assert match.reasons == ("カナ氏名と電話番号が一致", "メールアドレスが一致")


async def test_phone_alone_or_kana_alone_is_no_match(session, listed):
    same_phone = await _customer(session, {**LISTED, "last_name_kana": "スズキ", "email": "a@example.jp"})
    same_kana = await _customer(session, {**LISTED, "phone": "080-9999-0000", "email": "b@example.jp"})
    assert await flags.find_blacklist_matches(session, [same_phone.id, same_kana.id]) == {}


async def test_placeholder_emails_never_match(session):
    # Two phone-only customers share the placeholder domain; different phones, same kana → no ground.
    listed = await _customer(session, {"last_name": "サトウ", "first_name": "ミキ", "phone": "080-1111-2222",
                                       "email": "08011112222@leporto.com"}, RegistrationPath.PHONE)
    await _blacklist(session, listed)
    await session.execute(update(Customer).where(Customer.id == listed.id).values(
        withdrawn_at=func.current_timestamp()))
    # The same placeholder address on a new account (the old one withdrew): not an e-mail match.
    person = await _customer(session, {"last_name": "佐藤", "first_name": "美紀", "phone": "080-1111-2222",
                                       "email": "08011112222@leporto.com"}, RegistrationPath.PHONE)
    assert person.email_is_placeholder
    assert await flags.find_blacklist_match(session, person.id) is None


async def test_line_id_kept_on_the_entry_follows_the_person(session, listed):
    customer, entry = listed
    await session.execute(update(BlacklistEntry).where(BlacklistEntry.id == entry.id).values(
        line_user_id="U0123456789"))
    person = await _customer(session, {"last_name": "タナカ", "first_name": "ユミ", "phone": "080-2222-3333"},
                             RegistrationPath.LINE)
    assert await flags.find_blacklist_match(session, person.id) is None
    await session.execute(update(Customer).where(Customer.id == person.id).values(line_user_id="U0123456789"))
    match = await flags.find_blacklist_match(session, person.id)
    assert (match.entry_id, match.reasons) == (entry.id, ("LINE IDが一致",))


async def test_batch_matches_several_customers(session, listed):
    customer, entry = listed
    await session.execute(update(Customer).where(Customer.id == customer.id).values(
        withdrawn_at=func.current_timestamp()))
    a = await _customer(session, {**LISTED, "email": "x@example.jp"})
    b = await _customer(session, {**LISTED, "last_name_kana": "ヤマタ", "phone": "080-1111-2222"})
    c = await _customer(session, {**LISTED, "last_name_kana": "ヤマタ", "phone": "080-1111-2223",
                                  "email": "c@example.jp"})
    found = await flags.find_blacklist_matches(session, [a.id, b.id, c.id, customer.id])
    assert {k: v.reasons for k, v in found.items()} == {
        a.id: ("カナ氏名と電話番号が一致",), b.id: ("メールアドレスが一致",),
        customer.id: ("本人がブラックリストに登録されています",)}


async def _newcomer(session, listed):
    customer, entry = listed
    await session.execute(update(Customer).where(Customer.id == customer.id).values(
        withdrawn_at=func.current_timestamp()))
    person = await _customer(session, {**LISTED, "email": "new@example.jp"})
    await session.commit()
    return person


async def test_manager_clears_a_false_match_with_an_audit_entry(session, listed):
    customer, entry = listed
    person = await _newcomer(session, listed)
    row = await flags.clear_blacklist_match(session, person.id, entry.id, MANAGER, "  別人（生年月日が違う）  ")
    await session.commit()
    assert (row.memo, row.cleared_by_id) == ("別人（生年月日が違う）", 1)
    assert await flags.find_blacklist_match(session, person.id) is None
    log = await session.scalar(select(AuditLog).where(AuditLog.entity == "blacklist_match_clearance"))
    assert (log.entity_id, log.action, log.actor_account_id) == (row.id, "create", 1)
    assert log.changes["matched_customer_no"] == customer.customer_no
    assert log.changes["reasons"] == ["カナ氏名と電話番号が一致"]
    # The clearance is for that entry only: a second entry of the same person warns again.
    await session.execute(update(Customer).where(Customer.id == customer.id).values(withdrawn_at=None))
    twin = await _customer(session, {**LISTED, "customer_no": "T1", "email": "tw@example.jp"})
    second = await _blacklist(session, twin, "別件")
    assert (await flags.find_blacklist_match(session, person.id)).entry_id == second.id


async def test_the_clearance_memo_drops_control_and_bidi_characters(session, listed):
    customer, entry = listed
    person = await _newcomer(session, listed)
    row = await flags.clear_blacklist_match(session, person.id, entry.id, MANAGER,
                                            "\u202e別人\x00（生年月日が\x07違う）\n確認済み")
    assert row.memo == "別人（生年月日が違う）\n確認済み"


@pytest.mark.parametrize(("who", "entry_offset", "memo", "code"), [
    (STAFF, 0, "", ErrorCode.PERMISSION_DENIED),
    (Actor.customer(1), 0, "", ErrorCode.PERMISSION_DENIED),
    (MANAGER, 1, "", ErrorCode.NOT_FOUND),
    (MANAGER, 0, "あ" * 2001, ErrorCode.TOO_LONG),
])
async def test_clearing_is_refused_and_writes_nothing(session, listed, who, entry_offset, memo, code):
    customer, entry = listed
    person = await _newcomer(session, listed)
    with pytest.raises(DomainError) as exc:
        await flags.clear_blacklist_match(session, person.id, entry.id + entry_offset, who, memo)
    assert exc.value.code == code
    await session.rollback()
    assert await session.scalar(select(func.count()).select_from(BlacklistMatchClearance)) == 0
    assert await session.scalar(select(func.count()).select_from(AuditLog).where(
        AuditLog.entity == "blacklist_match_clearance")) == 0


async def test_own_entry_cannot_be_cleared_as_a_false_match(session, listed):
    customer, entry = listed
    with pytest.raises(DomainError) as exc:
        await flags.clear_blacklist_match(session, customer.id, entry.id, MANAGER)
    assert exc.value.code == ErrorCode.INVALID
    assert "ブラックリストから削除" in exc.value.message
    with pytest.raises(DomainError) as exc:
        await flags.clear_blacklist_match(session, 999_999, entry.id, MANAGER)
    assert exc.value.code == ErrorCode.NOT_FOUND
