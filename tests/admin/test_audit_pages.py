"""Master changes and their audit rows in one transaction; audit and detail pages in words staff read."""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from models import (
    AuditLog,
    Caution,
    InflowRoute,
    Occupation,
    Reservation,
    ReservationChannel,
    ReservationStatus,
    StaffAccount,
    StaffRole,
)
from services import customers as customer_service
from services import masters
from services.actor import Actor
from services.customer_stats import refresh_customer_flags

START = datetime(2026, 5, 1, 1, tzinfo=timezone.utc)


async def add_customer(db, **fields):
    async with db.transaction() as session:
        return await customer_service.create_customer(session, {
            "last_name": "山田", "first_name": "花子", "last_name_kana": "ヤマダ", "first_name_kana": "ハナコ",
            "phone": "09012345678", "email": "hanako@example.jp", **fields}, Actor.system("test"))


async def _rows(db, model) -> int:
    async with db.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(model)))


async def test_a_master_change_whose_audit_row_fails_is_not_written(manager, db, monkeypatch):
    async def broken(*_args, **_kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(masters.audit, "record", broken)
    response = await manager.submit("/admin/inflow-route/create", {"name": "ホットペッパー", "sort_order": "1"})
    assert response.status_code >= 400
    assert await _rows(db, InflowRoute) == 0


async def test_a_master_change_and_its_audit_row_are_written_together(manager, db):
    created = await manager.submit("/admin/inflow-route/create", {"name": "ホットペッパー", "sort_order": "1"})
    assert created.status_code == 302, created.text
    async with db.sessionmaker() as session:
        route = await session.scalar(select(InflowRoute))
        log = await session.scalar(select(AuditLog).where(AuditLog.entity == "inflow_route"))
    assert (log.action, log.entity_id, log.changes["name"]) == ("create", route.id, "ホットペッパー")


async def _account_id(db, login_id: str) -> int:
    async with db.sessionmaker() as session:
        return await session.scalar(select(StaffAccount.id).where(StaffAccount.login_id == login_id))


async def test_the_audit_list_names_who_and_what_with_labels(manager, db):
    async with db.transaction() as session:
        occupation = Occupation(name="会社員")
        session.add(occupation)
    customer = await add_customer(db, customer_no="C777")
    actor_id = await _account_id(db, "tencho")
    async with db.transaction() as session:
        await customer_service.update_customer(
            session, customer.id, {"gender": "MALE", "occupation_id": occupation.id},
            Actor.staff(actor_id, StaffRole.MANAGER, "tenchoさん"))

    page = html.unescape((await manager.get("/admin/audit-log/list")).text)

    assert "tenchoさん" in page and f"(#{actor_id})" not in page
    assert "C777" in page
    assert "性別: 未回答 → 男性" in page
    assert "職業: （なし） → 会社員" in page


async def test_detail_pages_show_who_registered_by_name(manager, db):
    customer = await add_customer(db)
    actor_id = await _account_id(db, "tencho")
    async with db.transaction() as session:
        caution = Caution(customer_id=customer.id, memo="遅刻が多い", created_by_id=actor_id)
        reservation = Reservation(customer_id=customer.id, start_at=START, end_at=START + timedelta(hours=1),
                                  channel=ReservationChannel.ADMIN, status=ReservationStatus.BOOKED,
                                  created_by_id=actor_id)
        session.add_all([caution, reservation])
        await refresh_customer_flags(session, [customer.id])  # stored flags, as their writer keeps them

    for url in (f"/admin/caution/details/{caution.id}", f"/admin/reservation/details/{reservation.id}"):
        page = (await manager.get(url)).text
        row = page.split("登録者", 1)[1].split("</tr>", 1)[0]
        assert "tenchoさん" in row, (url, row)
        assert f">{actor_id}<" not in row.replace(" ", "").replace("\n", ""), (url, row)


async def test_reservation_entries_read_in_japanese_with_names_and_japan_time(manager, db):
    """Booked, moved, cancelled late and waived: every entry in labels staff know, times in Japan time,
    the customer and the staff by name and number; no raw key, no UTC ISO time, nothing cut off."""
    import re

    from services import booking
    from tests.booking_world import World

    world = await World(db).build()
    customer = await world.customer(last_name="佐々木")
    r = await world.book(customer, hours=3)
    await world.run(booking.reschedule_reservation, r.id, booking.Reschedule(staff_member_id=world.stylists[1].id),
                    world.staff)
    await world.run(booking.cancel_by_customer, r.id, world.staff)
    await world.run(booking.waive_cancellation_fee, r.id, world.manager)
    page = await manager.get("/admin/audit-log/list")
    table = re.search(r"<table.*?</table>", page.text, re.S).group(0)
    text = html.unescape(re.sub(r"<[^>]+>", " ", table))
    who = f"佐々木 花子（お客様番号 {customer.customer_no}）"
    start = r.start_at.astimezone(timezone(timedelta(hours=9))).strftime("%Y/%m/%d %H:%M")
    assert f"No. {r.id} {who}" in text  # the 対象 of each entry
    assert f"お客様: {who}" in text and f"開始日時: {start}" in text and "メニュー: カット" in text
    assert "スタッフ: 佐藤 → 鈴木" in text
    assert "操作: お客様都合キャンセル" in text and "予約ステータス: 予約中来店前 → キャンセル料未払い" in text
    assert "キャンセル料: 0円 → 2,500円" in text and "キャンセル区分: （なし） → 直前キャンセル" in text
    assert f"キャンセル料取消者: （なし） → manager（No. {world.manager.account_id}）" in text
    assert f"manager（No. {world.manager.account_id}）" in text  # 実行者 by name and number
    assert "種類" in text and text.count("対象") >= 1
    for raw in ("operation", "start_at", "customer_id", "cancel_fee_waived_at", "menu_ids", "+00:00", "…"):
        assert raw not in text, raw


async def test_the_audit_log_is_searched_by_the_words_staff_read(manager, db):
    """The search matched only the stored English names (``customer``, ``update``): 顧客 or 変更 found nothing."""
    customer = await add_customer(db, customer_no="C778")
    async with db.transaction() as session:
        await customer_service.update_customer(session, customer.id, {"notes": "メモ"}, Actor.system())

    def count(page: str) -> int:
        return len(re.findall(r'href="[^"]*/audit-log/details/\d+"', page))

    assert count((await manager.get("/admin/audit-log/list", params={"search": "顧客"})).text) == 2
    assert count((await manager.get("/admin/audit-log/list", params={"search": "変更"})).text) == 1
    assert count((await manager.get("/admin/audit-log/list", params={"search": "customer"})).text) == 2
    async with db.sessionmaker() as session:  # a number finds every entry about a row of that id
        with_id = await session.scalar(select(func.count()).select_from(AuditLog)
                                       .where(AuditLog.entity_id == customer.id))
    assert count((await manager.get("/admin/audit-log/list", params={"search": str(customer.id)})).text) == with_id
    assert count((await manager.get("/admin/audit-log/list", params={"search": "予約"})).text) == 0
