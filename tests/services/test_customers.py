"""services.customers: create / update / safe delete, numbering and the audit log."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from models import (
    AuditLog,
    Customer,
    Referral,
    Reservation,
    ReservationChannel,
    ReservationStatus,
    StaffRole,
)
from services import customers as svc
from services.actor import Actor
from services.errors import DomainError, ErrorCode
from services.store import get_store_settings
from tests.factories import add_menu

GOOD = {
    "last_name": "山田",
    "first_name": "太郎",
    "last_name_kana": "やまだ",
    "first_name_kana": "ﾀﾛｳ",
    "phone": "０９０−１２３４−５６７８",
    "email": "Taro@Example.JP",
}
STAFF = Actor.staff(1, StaffRole.STAFF, "staff")
MANAGER = Actor.staff(2, StaffRole.MANAGER, "manager")


@pytest.fixture(autouse=True)
async def accounts(session):
    """The accounts behind STAFF and MANAGER (the audit log references them)."""
    from services.auth import create_staff_account

    await create_staff_account(session, login_id="staff", password="password-1", display_name="staff")
    await create_staff_account(session, login_id="manager", password="password-1", display_name="manager",
                               role=StaffRole.MANAGER)
    await session.commit()


async def _count(session, model=Customer) -> int:
    return await session.scalar(select(func.count()).select_from(model))


async def test_create_normalises_every_field(session):
    customer = await svc.create_customer(session, {**GOOD, "birth_date": "平成2年4月1日",
                                                   "postal_code": "〒100-0001"}, STAFF)
    await session.commit()
    assert customer.customer_no == "000001"
    assert customer.last_name_kana == "ヤマダ" and customer.first_name_kana == "タロウ"
    assert customer.phone == "09012345678"
    assert customer.email == "Taro@example.jp" and customer.email_key == "taro@example.jp"
    assert customer.birth_date == date(1990, 4, 1)
    assert (customer.prefecture, customer.city, customer.address_line) == ("東京都", "千代田区", "千代田")
    assert customer.name_key == "山田太郎"
    assert "ヤマダタロウ" in customer.search_text


async def test_create_reports_every_problem_and_writes_nothing(session):
    with pytest.raises(DomainError) as exc:
        await svc.create_customer(session, {"last_name": " ", "first_name": "花子", "last_name_kana": "山田",
                                            "first_name_kana": "ハナコ", "phone": "123",
                                            "email": "not-an-email", "birth_date": "平成31年5月1日",
                                            "postal_code": "0000000"}, STAFF)
    codes = {(e.field, e.code) for e in exc.value.errors}
    assert codes >= {
        ("last_name", ErrorCode.REQUIRED),
        ("last_name_kana", ErrorCode.INVALID_KANA),
        ("phone", ErrorCode.INVALID_PHONE),
        ("email", ErrorCode.INVALID_EMAIL),
        ("birth_date", ErrorCode.INVALID_DATE),
        ("postal_code", ErrorCode.UNKNOWN_POSTAL_CODE),
    }
    assert all(e.message for e in exc.value.errors)
    await session.rollback()
    assert await _count(session) == 0
    customer_logs = select(func.count()).select_from(AuditLog).where(AuditLog.entity == "customer")
    assert await session.scalar(customer_logs) == 0


async def test_email_unique_case_insensitive_among_active(session):
    first = await svc.create_customer(session, GOOD, STAFF)
    with pytest.raises(DomainError) as exc:
        await svc.create_customer(session, {**GOOD, "email": "TARO@example.jp", "phone": "08011112222"}, STAFF)
    assert exc.value.code == ErrorCode.DUPLICATE_EMAIL and exc.value.field == "email"
    first.withdrawn_at = datetime.now(timezone.utc)
    await session.flush()
    again = await svc.create_customer(session, {**GOOD, "email": "TARO@example.jp", "phone": "08011112222"}, STAFF)
    assert again.id != first.id


async def test_numbering_follows_store_format_and_skips_taken(session):
    settings = await get_store_settings(session)
    settings.customer_no_prefix, settings.customer_no_digits = "A", 4
    await svc.create_customer(session, {**GOOD, "customer_no": "A0001"}, STAFF)
    second = await svc.create_customer(session, {**GOOD, "email": "b@example.jp"}, STAFF)
    assert second.customer_no == "A0002"
    with pytest.raises(DomainError) as exc:
        await svc.create_customer(session, {**GOOD, "email": "c@example.jp", "customer_no": "A0002"}, STAFF)
    assert exc.value.code == ErrorCode.DUPLICATE_CUSTOMER_NO
    with pytest.raises(DomainError) as exc:
        await svc.create_customer(session, {**GOOD, "email": "d@example.jp", "customer_no": "A-1"}, STAFF)
    assert exc.value.code == ErrorCode.INVALID_CUSTOMER_NO


async def test_update_changes_only_given_fields_and_is_audited(session):
    customer = await svc.create_customer(session, GOOD, STAFF)
    await svc.update_customer(session, customer.id, {"phone": "03-1234-5678", "attributes": ["車椅子の方"]}, STAFF)
    await session.commit()
    reloaded = await svc.load_customer(session, customer.id)
    assert reloaded.phone == "0312345678"
    assert reloaded.email == "Taro@example.jp"
    assert [a.value for a in reloaded.attributes] == ["車椅子の方"]
    logs = (await session.scalars(select(AuditLog).where(AuditLog.entity == "customer").order_by(AuditLog.id))).all()
    assert [log.action for log in logs] == ["create", "update"]
    assert logs[1].changes["phone"] == ["09012345678", "0312345678"]
    assert logs[1].actor_account_id == STAFF.account_id


async def test_update_cannot_blank_a_required_field(session):
    customer = await svc.create_customer(session, GOOD, STAFF)
    with pytest.raises(DomainError) as exc:
        await svc.update_customer(session, customer.id, {"phone": "", "last_name": ""}, STAFF)
    assert {e.field for e in exc.value.errors} == {"phone", "last_name"}


async def test_delete_is_for_managers_and_only_without_history(session):
    customer = await svc.create_customer(session, GOOD, STAFF)
    with pytest.raises(DomainError) as exc:
        await svc.delete_customer(session, customer.id, STAFF)
    assert exc.value.code == ErrorCode.PERMISSION_DENIED

    other = await svc.create_customer(session, {**GOOD, "email": "o@example.jp"}, STAFF)
    session.add(Referral(referrer_id=other.id, referred_id=customer.id, memo="10%引き"))
    menu = await add_menu(session)
    start = datetime(2026, 1, 5, 1, tzinfo=timezone.utc)
    session.add(Reservation(customer_id=customer.id, start_at=start, end_at=start + timedelta(hours=1),
                            channel=ReservationChannel.ADMIN, status=ReservationStatus.VISITED))
    customer.line_user_id = "U123"
    await session.flush()
    with pytest.raises(DomainError) as exc:
        await svc.delete_customer(session, customer.id, MANAGER)
    assert {e.code for e in exc.value.errors} == {
        ErrorCode.HAS_VISIT_HISTORY, ErrorCode.HAS_LINE_LINK, ErrorCode.HAS_REFERRALS}


async def test_delete_without_history_leaves_an_audit_row(session):
    customer = await svc.create_customer(session, GOOD, STAFF)
    await svc.delete_customer(session, customer.id, MANAGER)
    await session.commit()
    assert await _count(session) == 0
    log = (await session.scalars(select(AuditLog).where(AuditLog.action == "delete"))).one()
    assert log.entity_id == customer.id and log.changes["last_name"] == ["山田", None]


async def test_phone_placeholder_email_marks_phone_only(session):
    customer = await svc.create_customer(
        session, {**GOOD, "email": "09012345678@leporto.com"}, STAFF)
    assert customer.email_is_placeholder
    await svc.update_customer(session, customer.id, {"email": "real@example.jp"}, STAFF)
    assert not customer.email_is_placeholder


async def test_customers_cannot_use_staff_operations(session):
    with pytest.raises(DomainError) as exc:
        await svc.create_customer(session, GOOD, Actor.customer(1))
    assert exc.value.code == ErrorCode.PERMISSION_DENIED


async def test_pre_system_visits_count_as_visits(session):
    customer = await svc.create_customer(session, {**GOOD, "pre_system_visit_count": 4}, STAFF)
    assert customer.visit_count == 4
    await svc.update_customer(session, customer.id, {"pre_system_visit_count": 6}, STAFF)
    assert customer.visit_count == 6


async def test_customers_change_only_their_own_profile(session):
    customer = await svc.create_customer(session, GOOD, STAFF)
    other = await svc.create_customer(session, {**GOOD, "email": "o@example.jp"}, STAFF)
    me = Actor.customer(customer.id)
    await svc.update_customer(session, customer.id, {"phone": "080-1111-2222", "mail_ok": False}, me)
    assert customer.phone == "08011112222" and customer.mail_ok is False
    with pytest.raises(DomainError) as exc:
        await svc.update_customer(session, customer.id, {"notes": "VIP", "customer_no": "X1"}, me)
    assert exc.value.code == ErrorCode.PERMISSION_DENIED and "備考" in exc.value.message
    with pytest.raises(DomainError) as exc:
        await svc.update_customer(session, other.id, {"phone": "080-1111-2222"}, me)
    assert exc.value.code == ErrorCode.NOT_FOUND
    await session.flush()
    log = (await session.scalars(select(AuditLog).where(AuditLog.action == "update"))).one()
    assert log.actor_customer_id == customer.id and log.actor_account_id is None


async def test_postal_code_change_never_overwrites_the_street_address(session):
    customer = await svc.create_customer(session, {**GOOD, "postal_code": "1500041",
                                                   "address_line": "神南1-2-3 サロンビル5F"}, STAFF)
    await svc.update_customer(session, customer.id, {"postal_code": "1000001"}, STAFF)
    assert (customer.postal_code, customer.prefecture, customer.city, customer.address_line) == (
        "1000001", "東京都", "千代田区", "神南1-2-3 サロンビル5F")


async def test_postal_code_change_fills_the_town_when_no_street_is_stored(session):
    customer = await svc.create_customer(session, GOOD, STAFF)
    await svc.update_customer(session, customer.id, {"postal_code": "1000001"}, STAFF)
    assert (customer.prefecture, customer.city, customer.address_line) == ("東京都", "千代田区", "千代田")
