"""非会員 in the admin: a day's walk-ins listed, and 会員登録 turning a guest's visits into one customer
(visit count 2) whose page opens next; refusals said on the page, nothing written."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from models import Customer, Reservation
from models.base import utcnow
from services.actor import Actor
from services.booking import walk_in
from services.booking.transitions import SALON_TZ
from tests.admin.helpers import csrf_from
from tests.booking_world import World
from tests.factories import count_rows


async def _visit(db, world: World, days_ago: int, name: str = "飛込 花子") -> Reservation:
    start = (utcnow() - timedelta(days=days_ago)).replace(minute=0, second=0, microsecond=0)
    async with db.transaction() as s:
        return await walk_in.record_walk_in(s, walk_in.WalkIn(
            guest_name=name, guest_phone="09044445555", start_at=start, menu_ids=[world.menus[0].id]),
            Actor.system("test"))


async def test_the_days_walk_ins_and_their_registration(staff, db):
    world = await World(db).build()
    first, second = await _visit(db, world, 5), await _visit(db, world, 2)
    other = await _visit(db, world, 2, name="別人 太郎")
    day = second.start_at.astimezone(SALON_TZ).date().isoformat()

    page = await staff.get(f"/admin/non-member/list?date={day}")
    assert page.status_code == 200 and "飛込 花子" in page.text and "別人 太郎" in page.text
    assert "090-4444-5555" in page.text and "会員登録" in page.text

    response = await staff.http.post(f"/admin/non-member/{second.id}/register", data={
        "csrf_token": csrf_from(page.text), "last_name": "飛込", "first_name": "花子", "same_guest": "1"})
    assert response.status_code == 303
    async with db.sessionmaker() as s:
        customer = await s.scalar(select(Customer))
        owners = {r.id: r.customer_id for r in (await s.scalars(select(Reservation))).all()}
    assert customer.visit_count == 2 and customer.full_name == "飛込 花子"
    assert owners == {first.id: customer.id, second.id: customer.id, other.id: None}
    assert response.headers["location"].endswith(f"/admin/customer/details/{customer.id}")

    listed = await staff.get(f"/admin/non-member/list?date={day}")
    assert "飛込 花子" not in listed.text and "別人 太郎" in listed.text


async def test_a_refusal_is_said_and_nothing_is_written(staff, db):
    world = await World(db).build()
    visit = await _visit(db, world, 1)
    page = await staff.get("/admin/non-member/list?date=__all")
    refused = await staff.http.post(f"/admin/non-member/{visit.id}/register", data={
        "csrf_token": csrf_from(page.text), "last_name": "", "first_name": ""})
    assert refused.status_code == 400 and "姓を入力してください。" in refused.text
    assert await count_rows(db) == 0
    assert (await staff.get(f"/admin/non-member/{visit.id}/register")).status_code == 405


async def test_the_front_desk_records_a_walk_in(staff, db):
    world = await World(db).build()
    day = (utcnow() - timedelta(days=1)).astimezone(SALON_TZ).date().isoformat()
    form = {"guest_name": "飛込 次郎", "guest_phone": "090-1212-3434", "start_date": day, "start_time": "10:00",
            "staff_member_id": str(world.stylists[0].id), "menu_ids": [str(world.menus[0].id)]}
    response = await staff.submit("/admin/non-member/create", form)
    assert response.status_code == 302, response.text[-1500:]
    async with db.sessionmaker() as s:
        visit = await s.scalar(select(Reservation))
    assert (visit.guest_name, visit.guest_phone, visit.customer_id) == ("飛込 次郎", "09012123434", None)

    for bad, message in (({"guest_name": ""}, "お名前を入力してください。"),
                         ({"start_time": ""}, "開始時刻を入力してください。"),
                         ({"menu_ids": []}, "メニューを1つ以上選んでください。")):
        refused = await staff.submit("/admin/non-member/create", {**form, **bad})
        assert refused.status_code == 400 and message in refused.text, bad
    assert await count_rows(db, Reservation) == 1
