"""services.booking: the rules of SPEC §3 for staff and customer actors, cancellations, fees, figures."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from models import AuditLog, BlacklistEntry, CancelKind, Caution, Customer, Reservation, ReservationStatus
from services import booking
from services.actor import Actor
from services.booking import KEEP, Reschedule
from services.customer_stats.check import find_differences
from services.errors import DomainError, ErrorCode
from tests.booking_world import NOW, World, later

S = ReservationStatus
MASKED = ("SLOT_FULL", "申し訳ございませんが、ご希望の時間帯は予約がいっぱいとなっております。", None)


@pytest.fixture
async def world(db) -> World:
    return await World(db).build()


async def refused(coro) -> DomainError:
    with pytest.raises(DomainError) as info:
        await coro
    return info.value


def shape(err: DomainError) -> list[tuple]:
    return [(e.code.value, e.message, e.field) for e in err.errors]


async def count(db, model=Reservation) -> int:
    async with db.sessionmaker() as s:
        return int(await s.scalar(select(func.count()).select_from(model)))


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch):
    from argon2 import PasswordHasher

    from services import auth
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


async def test_staff_booking_writes_reservation_figures_and_audit(world, db):
    customer = await world.customer()
    r = await world.book(customer, menus=(0, 1))
    assert r.status == S.BOOKED and r.end_at - r.start_at == timedelta(minutes=150)
    stored = await world.get(Customer, customer.id)
    assert stored.reservation_count == 1 and stored.visit_count == 0
    async with db.sessionmaker() as s:
        rows = (await s.scalars(select(AuditLog).where(AuditLog.entity == "reservation"))).all()
    assert [(a.action, a.entity_id, a.actor_account_id) for a in rows] == [("create", r.id, world.staff.account_id)]


async def test_customer_books_only_for_itself_on_the_site_channel(world):
    me, other = await world.customer(), await world.customer()
    actor = Actor.customer(me.id)
    r = await world.book(me, actor)
    assert r.channel.value == "SITE" and r.status == S.BOOKED
    err = await refused(world.book(other, actor))
    assert err.code == ErrorCode.NOT_FOUND
    err = await refused(world.run(booking.cancel_by_customer, r.id, Actor.customer(other.id)))
    assert err.code == ErrorCode.NOT_FOUND


@pytest.mark.parametrize("who", ["customer", "staff"])
async def test_blacklisted_customer_never_books(world, db, who):
    customer = await world.customer()
    await world.flag(customer, BlacklistEntry, "暴言・無断キャンセル多数")
    actor = Actor.customer(customer.id) if who == "customer" else world.staff
    err = await refused(world.book(customer, actor))
    if who == "customer":
        assert shape(err) == [MASKED]
    else:
        assert err.code == ErrorCode.BLACKLISTED and "暴言・無断キャンセル多数" in err.message
    assert await count(db) == 0


async def test_customer_site_cannot_tell_blacklist_unpaid_fee_and_full_slot_apart(world):
    busy, listed, owing = await world.customer(), await world.customer(), await world.customer()
    await world.book(busy, hours=100)  # the stylist's slot is now taken
    full = await refused(world.book(busy, Actor.customer(busy.id), hours=100))
    await world.flag(listed, BlacklistEntry, "メモ")
    blacklisted = await refused(world.book(listed, Actor.customer(listed.id), hours=200))
    r = await world.book(owing, hours=1)
    await world.run(booking.cancel_by_customer, r.id, world.staff)
    unpaid = await refused(world.book(owing, Actor.customer(owing.id), hours=300))
    assert shape(full) == shape(blacklisted) == shape(unpaid) == [MASKED]
    assert repr(full.errors) == repr(blacklisted.errors) == repr(unpaid.errors)


async def test_unpaid_fee_lets_staff_book_with_a_warning_until_paid(world):
    customer = await world.customer()
    r = await world.book(customer, hours=2)
    await world.run(booking.cancel_by_customer, r.id, world.staff)
    async with world.db.transaction() as s:
        booked = await booking.create_reservation(s, world.request(customer, hours=400), world.staff)
    assert booked.warnings == ("このお客様には未払いのキャンセル料があります。",)
    await world.run(booking.waive_cancellation_fee, r.id, world.manager)
    assert (await world.book(customer, Actor.customer(customer.id), hours=500)).status == S.BOOKED


async def test_withdrawn_customer_cannot_book_caution_customer_can(world, db):
    gone, careful = await world.customer(), await world.customer()
    async with db.transaction() as s:
        (await s.get(Customer, gone.id)).withdrawn_at = NOW
    await world.flag(careful, Caution, "大声")
    err = await refused(world.book(gone))
    assert err.code == ErrorCode.CUSTOMER_WITHDRAWN
    assert (await world.book(careful, Actor.customer(careful.id))).status == S.BOOKED


async def test_staff_busy_and_neighbouring_slots(world, db):
    a, b = await world.customer(), await world.customer()
    await world.book(a, hours=100)
    err = await refused(world.book(b, hours=100.5))
    assert err.code == ErrorCode.STAFF_BUSY
    assert (await world.book(b, hours=101)).status == S.BOOKED  # starts when the first ends
    assert (await world.book(b, hours=100, stylist=1)).status == S.BOOKED  # another stylist
    assert await count(db) == 3


async def test_the_memo_drops_control_and_bidi_characters_and_keeps_the_rest(world):
    customer = await world.customer()
    r = await world.book(customer, memo="\u202e指名\x00あり\x07\n前回の  カラー剤で")
    assert r.memo == "指名あり\n前回の  カラー剤で"
    r = await world.book(customer, hours=120, memo="\x00\u202e\x07")
    assert r.memo is None  # optional: nothing left is no memo


async def test_bad_inputs_report_every_problem_and_write_nothing(world, db):
    customer = await world.customer()
    start = later(100)
    request = booking.BookingRequest(customer_id=customer.id, start_at=start, end_at=start - timedelta(hours=1),
                                     staff_member_id=world.stylists[2].id,
                                     menu_ids=[world.menus[2].id], memo="x" * 1001)
    err = await refused(world.run(booking.create_reservation, request, world.staff))
    assert {(e.field, e.code) for e in err.errors} == {
        ("memo", ErrorCode.TOO_LONG), ("endAt", ErrorCode.INVALID), ("menuIds", ErrorCode.NOT_FOUND),
        ("staffId", ErrorCode.NOT_FOUND)}
    for menus in ([], [world.menus[0].id] * 2, [999999]):
        req = booking.BookingRequest(customer_id=customer.id, start_at=start, menu_ids=menus)
        assert (await refused(world.run(booking.create_reservation, req, world.staff))).errors[0].field == "menuIds"
    past = booking.BookingRequest(customer_id=customer.id, start_at=later(-5), menu_ids=[world.menus[0].id])
    err = await refused(world.run(booking.create_reservation, past, Actor.customer(customer.id)))
    assert err.errors[0].field == "startAt"
    assert await count(db) == 0
    async with db.sessionmaker() as s:
        assert not (await s.scalars(select(AuditLog).where(AuditLog.entity == "reservation"))).all()


async def test_cancel_before_deadline_is_free(world):
    customer = await world.customer()
    r = await world.book(customer, hours=48)
    r = await world.run(booking.cancel_by_customer, r.id, Actor.customer(customer.id))
    assert (r.status, r.cancel_kind, r.is_late_cancel, r.cancel_fee_yen) == (S.CANCELLED, CancelKind.CUSTOMER,
                                                                             False, 0)
    stored = await world.get(Customer, customer.id)
    assert stored.cancel_count == 1 and not stored.has_late_cancel


async def test_late_cancel_owes_percentage_fee_then_paid(world):
    customer = await world.customer()
    r = await world.book(customer, hours=5, menus=(0, 1))  # 13,000 円, 50 %
    r = await world.run(booking.cancel_by_customer, r.id, world.staff)
    assert (r.status, r.cancel_kind, r.is_late_cancel, r.cancel_fee_yen) == (
        S.CANCEL_FEE_UNPAID, CancelKind.LATE, True, 6500)
    stored = await world.get(Customer, customer.id)
    assert stored.has_unpaid_cancel_fee and stored.has_late_cancel and stored.cancel_count == 1
    r = await world.run(booking.pay_cancellation_fee, r.id, world.staff)
    assert r.status == S.CANCELLED and r.cancel_fee_paid_by_id == world.staff.account_id and r.cancel_fee_paid_at
    stored = await world.get(Customer, customer.id)
    assert not stored.has_unpaid_cancel_fee and stored.has_late_cancel


async def test_fixed_fee_and_waiver_recorded_with_who_and_when(db):
    world = await World(db).build(fixed_fee=3000)
    customer = await world.customer()
    r = await world.book(customer, hours=2, menus=(1,))
    r = await world.run(booking.cancel_by_customer, r.id, world.staff)
    assert r.cancel_fee_yen == 3000
    r = await world.run(booking.waive_cancellation_fee, r.id, world.manager)
    assert r.status == S.CANCELLED and r.cancel_fee_waived_by_id == world.manager.account_id
    assert r.cancel_fee_waived_at is not None
    err = await refused(world.run(booking.waive_cancellation_fee, r.id, world.manager))
    assert err.code == ErrorCode.INVALID_TRANSITION
    assert err.message.startswith("「キャンセル料の取り消し」はできません。この予約は")
    assert "すでにキャンセルされています（ステータス「キャンセル」）。キャンセル料は" in err.message


async def test_no_show_is_a_late_cancel_with_fee(world):
    customer = await world.customer()
    r = await world.book(customer, hours=-2)
    r = await world.run(booking.mark_no_show, r.id, world.staff)
    assert (r.status, r.cancel_kind, r.is_late_cancel, r.cancel_fee_yen) == (
        S.CANCEL_FEE_UNPAID, CancelKind.NO_SHOW, True, 2500)
    future = await world.book(customer, hours=50)
    err = await refused(world.run(booking.mark_no_show, future.id, world.staff))
    assert err.code == ErrorCode.INVALID


@pytest.mark.parametrize("prepayment,expected", [(True, S.STORE_CANCELLED_PREPAID), (False, S.CANCELLED)])
async def test_store_cancel_never_counts_against_customer(db, prepayment, expected):
    world = await World(db).build(use_prepayment=prepayment)
    customer = await world.customer()
    r = await world.book(customer, hours=2)
    r = await world.run(booking.cancel_by_store, r.id, world.staff)
    assert (r.status, r.cancel_kind, r.is_late_cancel, r.cancel_fee_yen) == (expected, CancelKind.STORE, False, 0)
    stored = await world.get(Customer, customer.id)
    assert stored.cancel_count == 0 and not stored.has_late_cancel and stored.reservation_count == 1


async def test_visit_updates_every_figure(world):
    customer = await world.customer(pre_system_visit_count=2)
    first = await world.book(customer, hours=-24 * 30, menus=(1,))
    second = await world.book(customer, hours=-24 * 10, menus=(0,))
    for r in (first, second):
        await world.run(booking.mark_visited, r.id, world.staff)
    stored = await world.get(Customer, customer.id)
    assert stored.visit_count == 4 and stored.last_menu_id == world.menus[0].id
    assert stored.first_visit_at == first.start_at and stored.last_visit_at == second.start_at
    assert stored.average_visit_interval_days == 20.0
    async with world.db.sessionmaker() as s:
        assert await find_differences(s) == []


async def test_reschedule_time_staff_menus(world):
    a, b = await world.customer(), await world.customer()
    blocker = await world.book(b, hours=200)
    r = await world.book(a, hours=100)
    err = await refused(world.run(booking.reschedule_reservation, r.id,
                                  Reschedule(start_at=blocker.start_at), world.staff))
    assert err.code == ErrorCode.STAFF_BUSY
    err = await refused(world.run(booking.reschedule_reservation, r.id,
                                  Reschedule(start_at=blocker.start_at), Actor.customer(a.id)))
    assert shape(err) == [MASKED]
    moved = (await world.run(booking.reschedule_reservation, r.id,
                             Reschedule(start_at=blocker.start_at, staff_member_id=world.stylists[1].id,
                                        menu_ids=[world.menus[1].id]), world.staff)).reservation
    assert moved.start_at == blocker.start_at and moved.end_at - moved.start_at == timedelta(minutes=90)
    assert moved.staff_member_id == world.stylists[1].id
    same = (await world.run(booking.reschedule_reservation, r.id,
                            Reschedule(start_at=later(300), end_at=KEEP), Actor.customer(a.id))).reservation
    assert same.end_at - same.start_at == timedelta(minutes=90)
    await world.run(booking.cancel_by_customer, r.id, world.staff)
    err = await refused(world.run(booking.reschedule_reservation, r.id, Reschedule(start_at=later(400)),
                                  world.staff))
    assert err.code == ErrorCode.INVALID_TRANSITION


async def test_prepayment_off_refused_while_prepayment_statuses_remain(db):
    world = await World(db).build(use_prepayment=True)
    customer = await world.customer()
    r = await world.book(customer, Actor.customer(customer.id))
    assert r.status == S.PREPAYMENT_UNPAID
    err = await refused(world.run(booking.set_use_prepayment, False, world.manager))
    assert err.code == ErrorCode.PREPAYMENT_IN_USE and "1件" in err.message
    await world.run(booking.cancel_by_customer, r.id, world.staff)
    settings = await world.run(booking.set_use_prepayment, False, world.manager)
    assert settings.use_prepayment is False
    err = await refused(world.run(booking.set_use_prepayment, True, world.staff))
    assert err.code == ErrorCode.PERMISSION_DENIED


async def test_customer_cannot_manage_statuses(world):
    customer = await world.customer()
    r = await world.book(customer)
    for op in (booking.mark_visited, booking.confirm_reservation, booking.waive_cancellation_fee,
               booking.cancel_by_store):
        err = await refused(world.run(op, r.id, Actor.customer(customer.id)))
        assert err.code in (ErrorCode.PERMISSION_DENIED, ErrorCode.NOT_FOUND)
    assert (await world.get(Reservation, r.id)).status == S.BOOKED


async def test_blacklist_follows_the_person_to_a_new_account(world):
    listed = await world.customer(phone="08099990000")
    await world.flag(listed, BlacklistEntry, "出入り禁止")
    again = await world.customer(phone="080-9999-0000", first_name="はなこ")  # same kana + phone, new record
    err = await refused(world.book(again, Actor.customer(again.id)))
    assert shape(err) == [MASKED]
    err = await refused(world.book(again))
    assert err.code == ErrorCode.BLACKLISTED and "出入り禁止" in err.message and listed.customer_no in err.message
