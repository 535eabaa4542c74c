"""予約 forms in the admin: create / reschedule / status changes through the booking service, and the
cancellation-fee list's waive and payment as CSRF POSTs."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from admin.base import JST
from models import (
    AuditLog,
    BlacklistEntry,
    Caution,
    CancelKind,
    Menu,
    Reservation,
    ReservationChannel,
    ReservationMenu,
    ReservationStatus,
    StaffMember,
)
from services import customers as customer_service
from services.actor import Actor
from tests.admin.helpers import csrf_from

TOMORROW = (datetime.now(JST) + timedelta(days=1)).date()


def person(n: int, last: str, kana: str) -> dict:
    return {"last_name": last, "first_name": "花子", "last_name_kana": kana, "first_name_kana": "ハナコ",
            "phone": f"0901234{n:04d}", "email": f"p{n}@example.jp"}


@pytest.fixture
async def salon(db):
    async with db.transaction() as s:
        cut = Menu(name="カット", price=5500, duration_minutes=60)
        color = Menu(name="カラー", price=8000, duration_minutes=90)
        takahashi = StaffMember(name="高橋", display_order=1)
        sato = StaffMember(name="佐藤", display_order=2)
        s.add_all([cut, color, takahashi, sato])
        await s.flush()
        system = Actor.system()
        caution = await customer_service.create_customer(s, person(1, "山田", "ヤマダ"), system)
        listed = await customer_service.create_customer(s, person(2, "黒田", "クロダ"), system)
        plain = await customer_service.create_customer(s, person(3, "青木", "アオキ"), system)
        s.add_all([Caution(customer_id=caution.id, memo="遅刻が多い"),
                   BlacklistEntry(customer_id=listed.id, memo="無断キャンセル3回")])
        start = datetime.combine(TOMORROW, datetime.min.time(), JST) + timedelta(hours=10)
        booked = Reservation(customer_id=caution.id, staff_member_id=takahashi.id, start_at=start,
                             end_at=start + timedelta(hours=1), channel=ReservationChannel.PHONE,
                             status=ReservationStatus.BOOKED, items=[ReservationMenu(menu_id=cut.id, price=5500)])
        owing = Reservation(customer_id=plain.id, staff_member_id=sato.id, start_at=start - timedelta(days=3),
                            end_at=start - timedelta(days=3, hours=-1), channel=ReservationChannel.SITE,
                            status=ReservationStatus.CANCEL_FEE_UNPAID, cancel_kind=CancelKind.LATE,
                            is_late_cancel=True, cancel_fee_yen=2750,
                            cancelled_at=start - timedelta(days=4),
                            items=[ReservationMenu(menu_id=cut.id, price=5500)])
        s.add_all([booked, owing])
    return {"cut": cut, "color": color, "takahashi": takahashi, "sato": sato, "caution": caution,
            "listed": listed, "plain": plain, "booked": booked, "owing": owing}


async def _count(db, model, *where) -> int:
    async with db.sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(model).where(*where))


async def test_create_through_the_booking_service(staff, salon, db):
    page = await staff.get("/admin/reservation/create")
    assert page.status_code == 200 and "予約日 *" in page.text and "お客様 *" in page.text
    assert "予約を新規作成" in page.text
    response = await staff.submit("/admin/reservation/create", {
        "customer": str(salon["plain"].id), "start_date": TOMORROW.isoformat(), "start_time": "13:00",
        "staff_member_id": str(salon["sato"].id), "menu_ids": [str(salon["cut"].id), str(salon["color"].id)],
        "channel": "PHONE", "memo": "初めてのカラー"})
    assert response.status_code == 302, response.text
    async with db.sessionmaker() as session:
        r = await session.scalar(select(Reservation).where(Reservation.customer_id == salon["plain"].id,
                                                           Reservation.status == ReservationStatus.BOOKED))
        log = await session.scalar(select(AuditLog).where(AuditLog.entity == "reservation",
                                                          AuditLog.entity_id == r.id))
    assert r.start_at.astimezone(JST).strftime("%H:%M") == "13:00"
    assert (r.end_at - r.start_at) == timedelta(minutes=150)
    assert r.channel == ReservationChannel.PHONE and log.action == "create"


async def test_blacklisted_customer_is_refused_on_the_page(staff, salon, db):
    before = await _count(db, Reservation)
    response = await staff.submit("/admin/reservation/create", {
        "customer": str(salon["listed"].id), "start_date": TOMORROW.isoformat(), "start_time": "15:00",
        "menu_ids": [str(salon["cut"].id)], "channel": "PHONE"})
    assert response.status_code == 400
    assert "ブラックリストに登録されているため予約できません" in response.text
    assert "無断キャンセル3回" in response.text
    assert await _count(db, Reservation) == before


@pytest.mark.parametrize(("form", "messages"), [
    ({}, ["お客様を選んでください。", "予約日を入力してください。", "開始時刻を入力してください。",
          "メニューを1つ以上選んでください。"]),
    ({"customer": "{plain}", "start_date": "", "start_time": ""}, ["予約日を入力してください。", "開始時刻を入力してください。"]),
    ({"customer": "{plain}", "start_date": "2026/13/01", "start_time": "25:00"},
     ["予約日の形式が正しくありません（例: 2026-04-01）。", "開始時刻の形式が正しくありません（例: 10:30）。"]),
    ({"customer": "{plain}", "start_date": "{tomorrow}", "start_time": "10:00"}, ["メニューを1つ以上選んでください。"]),
    ({"customer": "abc", "start_date": "{tomorrow}", "start_time": "10:00", "menu_ids": ["{cut}"]},
     ["お客様が見つかりません。"]),
    ({"customer": "{plain}", "start_date": "{tomorrow}", "start_time": "10:00", "menu_ids": ["x"]},
     ["指定されたメニューが見つかりません。"]),
    ({"customer": "{plain}", "start_date": "{tomorrow}", "start_time": "10:00", "menu_ids": ["{cut}"],
      "channel": "SITE"}, ["選択肢が正しくありません。"]),
    ({"customer": "{plain}", "start_date": "{tomorrow}", "start_time": "10:30", "menu_ids": ["{cut}"],
      "staff_member_id": "{takahashi}"}, ["担当スタッフはこの時間帯に別の予約があります。"]),
])
async def test_bad_create_forms_show_the_message_and_write_nothing(staff, salon, db, form, messages):
    values = {"plain": str(salon["plain"].id), "tomorrow": TOMORROW.isoformat(), "cut": str(salon["cut"].id),
              "takahashi": str(salon["takahashi"].id)}

    def fill(value):
        if isinstance(value, list):
            return [fill(v) for v in value]
        return value.format(**values) if "{" in value else value

    before = await _count(db, Reservation)
    response = await staff.submit("/admin/reservation/create", {k: fill(v) for k, v in form.items()})
    assert response.status_code == 400
    for message in messages:
        assert message in response.text
    assert await _count(db, Reservation) == before


async def test_reschedule_through_the_service(staff, salon, db):
    booked = salon["booked"]
    page = await staff.get(f"/admin/reservation/edit/{booked.id}")
    assert page.status_code == 200 and 'value="10:00"' in page.text
    response = await staff.submit(f"/admin/reservation/edit/{booked.id}", {
        "start_date": TOMORROW.isoformat(), "start_time": "16:30", "staff_member_id": str(salon["sato"].id),
        "menu_ids": [str(salon["color"].id)]})
    assert response.status_code == 302, response.text
    async with db.sessionmaker() as session:
        r = await session.get(Reservation, booked.id)
    assert r.start_at.astimezone(JST).strftime("%H:%M") == "16:30" and r.staff_member_id == salon["sato"].id
    response = await staff.submit(f"/admin/reservation/edit/{booked.id}", {
        "start_date": "", "start_time": "16:30", "menu_ids": [str(salon["color"].id)]})
    assert response.status_code == 400 and "予約日を入力してください。" in response.text


async def test_status_changes_are_csrf_posts(staff, salon, db):
    booked = salon["booked"]
    page = await staff.get(f"/admin/reservation/details/{booked.id}")
    assert "お客様都合でキャンセル" in page.text and "店舗都合でキャンセル" in page.text
    url = f"/admin/reservation/status/{booked.id}"
    assert (await staff.get(url)).status_code == 405
    assert (await staff.http.post(url, data={"operation": "cancel_by_store"})).status_code == 403
    response = await staff.http.post(url, data={"operation": "explode", "csrf_token": csrf_from(page.text)})
    assert response.status_code == 400 and "操作が正しくありません。" in response.text
    response = await staff.http.post(url, data={"operation": "cancel_by_store", "csrf_token": csrf_from(page.text)})
    assert response.status_code == 303
    async with db.sessionmaker() as session:
        assert (await session.get(Reservation, booked.id)).status == ReservationStatus.CANCELLED
    response = await staff.http.post(url, data={"operation": "visited", "csrf_token": csrf_from(page.text)})
    assert response.status_code == 400  # a cancelled reservation is not visited: the service's message
    assert "予約に戻る" in response.text


async def test_cancellation_fee_list_waives_by_post(manager, salon, db):
    owing = salon["owing"]
    page = await manager.get("/admin/cancellation-fee/list")
    assert page.status_code == 200
    assert "2,750円" in page.text and "取り消す" in page.text
    assert f'action="http://testserver/admin/cancellation-fee/fee/{owing.id}"' in page.text
    url = f"/admin/cancellation-fee/fee/{owing.id}"
    assert (await manager.get(url)).status_code == 405
    assert (await manager.http.post(url, data={"operation": "waive"})).status_code == 403
    response = await manager.http.post(url, data={"operation": "waive", "csrf_token": csrf_from(page.text)})
    assert response.status_code == 303
    async with db.sessionmaker() as session:
        r = await session.get(Reservation, owing.id)
    assert r.cancel_fee_waived_at is not None and r.status == ReservationStatus.CANCELLED
    page = await manager.get("/admin/cancellation-fee/list")
    assert "2,750円" not in page.text
    page = await manager.get("/admin/cancellation-fee/list", params={"state": "waived"})
    assert "2,750円" in page.text and "取り消し済み" in page.text
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text).group(1)
    response = await manager.http.post(url, data={"operation": "waive", "csrf_token": token})
    assert response.status_code == 400  # already waived: the service refuses, the page says why
