"""The calendar in the admin's booking form: a booking on 定休日 is saved with the warning on the next
page; the past is refused unless 来店済みで登録 is ticked."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import select

from admin.display import JST
from models import BusinessHours, Customer, Reservation, ReservationStatus
from tests.admin.reservation_salon import build_salon, count_rows


@pytest.fixture
async def salon(db):
    built = await build_salon(db)
    async with db.transaction() as s:  # 10:00–19:00, closed on Tuesdays
        s.add_all([BusinessHours(weekday=d, opens_at=time(10), closes_at=time(19)) for d in (0, 2, 3, 4, 5, 6)]
                  + [BusinessHours(weekday=1)])
    return built


def next_tuesday():
    day = datetime.now(JST).date() + timedelta(days=2)
    while day.weekday() != 1:
        day += timedelta(days=1)
    return day


async def test_a_booking_on_the_closed_day_is_saved_with_its_warning(staff, salon):
    day = next_tuesday()
    response = await staff.submit("/admin/reservation/create", {
        "customer": str(salon["plain"].id), "start_date": day.isoformat(), "start_time": "13:00",
        "menu_ids": [str(salon["cut"].id)], "channel": "PHONE"})
    assert response.status_code == 302, response.text
    page = await staff.get(response.headers["location"])
    warning = re.search(r'<div class="alert alert-warning[^"]*"[^>]*>(.*?)</div>\s*<a', page.text, re.S)
    assert warning and "定休日です。" in warning.group(1), page.text


async def test_the_past_is_refused_and_recorded_as_visited_when_ticked(staff, salon, db):
    day = datetime.now(JST).date() - timedelta(days=2)
    form = {"customer": str(salon["plain"].id), "start_date": day.isoformat(), "start_time": "11:00",
            "menu_ids": [str(salon["cut"].id)], "channel": "PHONE"}
    before = await count_rows(db, Reservation)
    refused = await staff.submit("/admin/reservation/create", form)
    assert refused.status_code == 400 and "過去の日時には予約を登録できません。" in refused.text
    assert await count_rows(db, Reservation) == before
    recorded = await staff.submit("/admin/reservation/create", {**form, "visited": "y"})
    assert recorded.status_code == 302, recorded.text
    async with db.sessionmaker() as s:
        r = await s.scalar(select(Reservation).order_by(Reservation.id.desc()).limit(1))
        customer = await s.get(Customer, salon["plain"].id)
    assert r.status == ReservationStatus.VISITED and customer.last_visit_at == r.start_at
