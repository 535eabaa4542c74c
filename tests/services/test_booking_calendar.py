"""The calendar's booking rules through the booking service, per channel (SPEC §3), on a fixed clock.

The salon opens 10:00–19:00 (Japan time), closed on Tuesdays, 30-minute slots, 2 hours' notice, 60
days ahead; 佐藤 works Monday 10:00–15:00 and Wednesday, 鈴木 follows the store's hours.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from models import BusinessHours, CalendarDayKind, CalendarException, Reservation, ReservationStatus, StaffShift
from models import AssignRule, AuditLog, BlacklistEntry, Customer, StaffShiftException, StoreSetting
from services.actor import Actor
from services.booking import BookingRequest, Reschedule, create_reservation, reschedule_reservation
from services.errors import DomainError, ErrorCode
from services.japan_time import JAPAN
from tests.booking_world import World
from tests.factories import count_rows

NOW = datetime(2027, 1, 4, 0, 0, tzinfo=UTC)  # Monday 09:00 in Japan
MONDAY = date(2027, 1, 4)


def jst(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), JAPAN)


@pytest.fixture
async def salon(db) -> World:
    world = await World(db).build()
    sato = world.stylists[0]
    async with db.transaction() as s:
        s.add_all([BusinessHours(weekday=d, opens_at=time(10), closes_at=time(19)) for d in (0, 2, 3, 4, 5, 6)]
                  + [BusinessHours(weekday=1),
                     StaffShift(staff_member_id=sato.id, weekday=0, starts_at=time(10), ends_at=time(15)),
                     StaffShift(staff_member_id=sato.id, weekday=2, starts_at=time(10), ends_at=time(19)),
                     CalendarException(day=date(2027, 1, 7), kind=CalendarDayKind.CLOSED, note="設備点検"),
                     CalendarException(day=date(2027, 1, 12), kind=CalendarDayKind.SPECIAL, opens_at=time(12),
                                       closes_at=time(17))])
    return world


async def book(world: World, customer, start: datetime, actor: Actor, stylist: int | None = 1,
               **kw) -> tuple[Reservation, tuple[str, ...]]:
    request = BookingRequest(customer_id=customer.id, start_at=start, menu_ids=[world.menus[0].id],
                             staff_member_id=None if stylist is None else world.stylists[stylist].id, **kw)
    async with world.db.transaction() as s:
        booked = await create_reservation(s, request, actor, now=kw.pop("now", NOW))
    return booked.reservation, booked.warnings


async def refused(world: World, customer, start: datetime, actor: Actor, **kw) -> DomainError:
    before = await count_rows(world.db, Reservation)
    with pytest.raises(DomainError) as caught:
        await book(world, customer, start, actor, **kw)
    assert await count_rows(world.db, Reservation) == before
    return caught.value


CUSTOMER_REFUSALS = [
    (jst(date(2027, 1, 5), 11), ErrorCode.STORE_CLOSED, "定休日のため、ご予約をお受けできません。"),
    (jst(date(2027, 1, 7), 11), ErrorCode.STORE_CLOSED, "臨時休業日のため、ご予約をお受けできません。"),
    (jst(MONDAY, 9, 30) + timedelta(days=7), ErrorCode.OUTSIDE_HOURS, "営業時間 10:00〜19:00の範囲でお選びください。"),
    (jst(MONDAY, 18, 30) + timedelta(days=7), ErrorCode.OUTSIDE_HOURS,  # a 60-minute menu runs past closing
     "営業時間 10:00〜19:00の範囲でお選びください。"),
    (jst(date(2027, 1, 12), 11), ErrorCode.OUTSIDE_HOURS, "営業時間 12:00〜17:00の範囲でお選びください。"),
    (jst(MONDAY, 10, 15) + timedelta(days=7), ErrorCode.NOT_A_SLOT,
     "ご予約の開始時刻は10:00から30分ごとの時刻からお選びください。"),
    (jst(MONDAY, 10, 30), ErrorCode.TOO_SHORT_NOTICE, "ご予約は開始の2時間前までにお願いいたします。"),
    (jst(MONDAY, 8), ErrorCode.TOO_SHORT_NOTICE, "ご予約は開始の2時間前までにお願いいたします。"),
    (jst(MONDAY, 11) + timedelta(days=63), ErrorCode.BEYOND_HORIZON, "ご予約は60日先までお受けしています。"),
]


@pytest.mark.parametrize("start,code,message", CUSTOMER_REFUSALS)
async def test_the_customer_channel_is_refused_with_its_own_code(salon, start, code, message):
    customer = await salon.customer()
    err = await refused(salon, customer, start, Actor.customer(customer.id))
    assert (err.code, err.message, err.errors[0].field) == (code, message, "startAt")


async def test_a_blacklisted_customer_gets_the_same_calendar_answer_as_anyone(salon):
    plain, listed = await salon.customer(), await salon.customer()
    await salon.flag(listed, BlacklistEntry, "迷惑行為")
    for start, code, _ in CUSTOMER_REFUSALS:
        a = await refused(salon, plain, start, Actor.customer(plain.id))
        b = await refused(salon, listed, start, Actor.customer(listed.id))
        assert (a.code, a.message, a.errors) == (b.code, b.message, b.errors) == (a.code, a.message, a.errors)


async def test_the_customer_channel_books_a_free_slot(salon):
    customer = await salon.customer()
    r, warnings = await book(salon, customer, jst(MONDAY, 11), Actor.customer(customer.id))
    assert r.status == ReservationStatus.BOOKED and warnings == ()
    special, _ = await book(salon, customer, jst(date(2027, 1, 12), 12), Actor.customer(customer.id))
    assert special.start_at == jst(date(2027, 1, 12), 12)


async def test_a_stylist_off_duty_is_a_full_slot_for_the_customer_and_a_warning_for_staff(salon):
    customer = await salon.customer()
    err = await refused(salon, customer, jst(MONDAY, 15), Actor.customer(customer.id), stylist=0)
    assert err.code == ErrorCode.SLOT_FULL and err.errors[0].field is None
    _, warnings = await book(salon, customer, jst(MONDAY, 15), salon.staff, stylist=0)
    assert warnings == ("佐藤さんの勤務時間外です（出勤 10:00〜15:00）。",)
    _, warnings = await book(salon, customer, jst(date(2027, 1, 8), 11), salon.staff, stylist=0)
    assert warnings == ("佐藤さんはお休みです。",)


@pytest.mark.parametrize("start,warning", [
    (jst(date(2027, 1, 5), 11), "定休日です。"),
    (jst(date(2027, 1, 7), 11), "臨時休業日です。設備点検"),
    (jst(MONDAY, 20), "営業時間外です（営業時間 10:00〜19:00）。"),
])
async def test_staff_channels_book_outside_hours_with_a_warning_naming_why(salon, start, warning):
    customer = await salon.customer()
    r, warnings = await book(salon, customer, start, salon.staff)
    assert r.status == ReservationStatus.BOOKED and warning in warnings


async def test_without_a_stylist_someone_on_shift_must_be_free(salon):
    """Monday 16:00: 佐藤 has gone home, so 鈴木 is the only one; once 鈴木 is booked the time is full."""
    first, second = await salon.customer(), await salon.customer()
    await book(salon, first, jst(MONDAY, 16), salon.staff, stylist=1)
    err = await refused(salon, second, jst(MONDAY, 16), Actor.customer(second.id), stylist=None)
    assert err.code == ErrorCode.SLOT_FULL
    r, _ = await book(salon, second, jst(MONDAY, 11), Actor.customer(second.id), stylist=None)
    assert (r.staff_member_id, r.auto_assigned) == (salon.stylists[0].id, True)  # 鈴木 has a booking that day


async def test_a_dated_day_off_wins_over_the_pattern(salon, db):
    async with db.transaction() as s:
        s.add(StaffShiftException(staff_member_id=salon.stylists[0].id, day=MONDAY))
    customer = await salon.customer()
    _, warnings = await book(salon, customer, jst(MONDAY, 11), salon.staff, stylist=0)
    assert warnings == ("佐藤さんはお休みです。",)


async def test_nothing_still_to_come_is_created_in_the_past_from_any_channel(salon):
    customer = await salon.customer()
    past = NOW - timedelta(days=2)
    for actor in (salon.staff, salon.manager):
        err = await refused(salon, customer, past, actor)
        assert err.code == ErrorCode.IN_PAST and "来店済みで登録" in err.message
    assert (await refused(salon, customer, past, Actor.customer(customer.id))).code == ErrorCode.TOO_SHORT_NOTICE


async def test_a_past_visit_is_recorded_as_visited_through_the_explicit_path(salon):
    customer = await salon.customer()
    start = jst(date(2027, 1, 2), 11)
    r, _ = await book(salon, customer, start, salon.staff, visited=True)
    assert (r.status, r.visited_at) == (ReservationStatus.VISITED, start)
    figures = await salon.get(Customer, customer.id)
    assert figures.visit_count == 1 and figures.last_visit_at == start
    err = await refused(salon, customer, jst(MONDAY, 11), salon.staff, visited=True)
    assert err.message == "来店済みで登録できるのは、開始日時が過ぎた予約だけです。"
    err = await refused(salon, customer, start, Actor.customer(customer.id), visited=True)
    assert err.code == ErrorCode.PERMISSION_DENIED


async def test_rescheduling_follows_the_same_rules(salon):
    customer = await salon.customer()
    r, _ = await book(salon, customer, jst(date(2027, 1, 13), 11), Actor.customer(customer.id))

    async def move(start: datetime, actor: Actor):
        async with salon.db.transaction() as s:
            return await reschedule_reservation(s, r.id, Reschedule(start_at=start), actor, now=NOW)

    with pytest.raises(DomainError) as caught:
        await move(jst(date(2027, 1, 19), 11), Actor.customer(customer.id))
    assert caught.value.code == ErrorCode.STORE_CLOSED
    moved = await move(jst(date(2027, 1, 19), 11), salon.staff)
    assert moved.warnings == ("定休日です。", "鈴木さんはお休みです。")
    with pytest.raises(DomainError) as caught:
        await move(NOW - timedelta(days=1), salon.staff)
    assert caught.value.code == ErrorCode.IN_PAST


async def test_no_nomination_picks_a_stylist_by_the_store_rule_and_records_it(salon, db):
    """Wednesday 11:00: 佐藤 and 鈴木 both work. 鈴木 already has a booking that day, so 'fewest' picks
    佐藤; by display order (佐藤 first) as well; once 佐藤 is taken the next is 鈴木."""
    first, second, third = await salon.customer(), await salon.customer(), await salon.customer()
    await book(salon, first, jst(date(2027, 1, 6), 15), salon.staff, stylist=1)
    r, _ = await book(salon, second, jst(date(2027, 1, 6), 11), Actor.customer(second.id), stylist=None)
    assert (r.staff_member_id, r.auto_assigned) == (salon.stylists[0].id, True)
    async with db.sessionmaker() as s:
        log = await s.scalar(select(AuditLog).where(AuditLog.entity_id == r.id, AuditLog.entity == "reservation"))
    assert log.changes["auto_assigned"] is True
    async with db.transaction() as s:
        (await s.get(StoreSetting, 1)).assign_rule = AssignRule.ORDER
    r2, _ = await book(salon, third, jst(date(2027, 1, 6), 11), Actor.customer(third.id), stylist=None)
    assert r2.staff_member_id == salon.stylists[1].id  # 佐藤 is taken at 11:00
    staff_booked, _ = await book(salon, first, jst(date(2027, 1, 6), 13), salon.staff, stylist=None)
    assert (staff_booked.staff_member_id, staff_booked.auto_assigned) == (None, False)
