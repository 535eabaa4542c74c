"""The customer's page (顧客カルテ): header with ❗ and the buttons, upcoming reservations, history,
figures, tickets, profile and changes; 「戻る」 keeps the list's search; 「編集」 saves back to the page;
a fixed number of statements however long the history."""

from __future__ import annotations

import html
import re
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import event, select

from models import AuditLog, KarteEntry, KarteImage, VisitMemo

from services import booking, flags
from tests.admin.test_customers import FORM, HANAKO
from tests.factories import SYSTEM, add_customer, add_menu, add_reservation, add_staff_member

SOON = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0) + timedelta(days=3)


async def _regular(db, visits: int):
    customer = await add_customer(db, **HANAKO)
    cut = await add_menu(db, "カット")
    color = await add_menu(db, "カラー", price=8000)
    stylist = await add_staff_member(db, "高橋")
    upcoming = await add_reservation(db, customer, SOON, [cut, color], staff_member=stylist)
    for day in range(visits):
        booked = await add_reservation(db, customer, SOON + timedelta(days=day + 1, hours=2), [cut])
        async with db.transaction() as session:
            await booking.cancel_by_store(session, booked.id, SYSTEM)
    return customer, upcoming


async def test_the_page_reads_top_to_bottom(manager, db):
    customer, upcoming = await _regular(db, visits=2)
    async with db.transaction() as session:
        await flags.add_caution(session, customer.id, "ジアミンアレルギー", SYSTEM)
    page = (await manager.get(f"/admin/customer/details/{customer.id}")).text
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    header = text.split("今後のご予約")[0]
    assert customer.customer_no in header and "山田 花子 様" in header and "ヤマダ ハナコ" in header
    assert "❗ 要注意人物: ジアミンアレルギー" in " ".join(header.split())
    assert f'/admin/reservation/create?customer_id={customer.id}' in page
    assert f'/admin/customer/edit/{customer.id}' in page
    sections = ("customer-header", 'id="upcoming"', 'id="history"', 'id="figures"', 'id="karte"',
                'id="tickets"', 'id="profile"', 'id="changes"')
    positions = [page.index(section) for section in sections]
    assert positions == sorted(positions)
    upcoming_part = text.split("今後のご予約")[1].split("来店・予約の履歴")[0]
    assert "カット、カラー" in upcoming_part and "高橋" in upcoming_part and "13,000円" in upcoming_part
    history = text.split("来店・予約の履歴")[1].split("来店の集計")[0]
    assert history.count("キャンセル") == 2 and "全2件" in history
    assert f"/admin/reservation/details/{upcoming.id}" in page
    figures = " ".join(text.split("来店の集計")[1].split("回数券")[0].split())
    assert "予約回数 3回" in figures and "直前キャンセル 0回" in figures
    assert "回数券はお持ちではありません。" in text


async def test_back_returns_to_the_list_as_it_was_left(manager, db):
    customer, _ = await _regular(db, visits=0)
    await manager.get("/admin/customer/list", params={"search": "山田", "page": "1"})
    page = (await manager.get(f"/admin/customer/details/{customer.id}")).text
    back = re.search(r'<a class="btn" href="([^"]+)">戻る</a>', page)
    assert back and html.unescape(back.group(1)).endswith("/admin/customer/list?search=%E5%B1%B1%E7%94%B0&page=1")


async def test_saving_the_profile_returns_to_the_page(manager, db):
    customer = await add_customer(db, **HANAKO)
    url = f"/admin/customer/edit/{customer.id}"
    response = await manager.submit(url, {**FORM, "customer_no": customer.customer_no, **HANAKO, "notes": "紅茶派"})
    assert response.status_code == 302, response.text
    assert response.headers["location"].endswith(f"/admin/customer/details/{customer.id}")
    page = (await manager.get(response.headers["location"])).text
    assert "を保存しました。" in page and "紅茶派" in page


async def _statements(manager, db, customer_id: int) -> list[str]:
    seen: list[str] = []

    def record(conn, cursor, statement, *args) -> None:
        seen.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    try:
        response = await manager.get(f"/admin/customer/details/{customer_id}")
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", record)
    assert response.status_code == 200
    return seen


async def test_a_long_history_costs_no_more_statements(manager, db):
    """Both customers have upcoming reservations and a history; one has 2, the other 60."""
    short, _ = await _regular(db, visits=1)
    few = await _statements(manager, db, short.id)
    long = await add_customer(db, **{**HANAKO, "phone": "09087654321", "email": "long@example.jp"})
    cut = await add_menu(db, "ブロー")
    for day in range(60):
        booked = await add_reservation(db, long, SOON + timedelta(days=day), [cut])
        if day % 2:
            async with db.transaction() as session:
                await booking.cancel_by_store(session, booked.id, SYSTEM)
    many = await _statements(manager, db, long.id)
    assert len(many) == len(few), (len(few), len(many))
    assert len(many) <= 30, many  # session, customer, flags and matches, referrals, the page: none per visit


async def test_cancel_on_the_profile_form_returns_to_the_page(manager, db):
    customer = await add_customer(db, **HANAKO)
    form = (await manager.get(f"/admin/customer/edit/{customer.id}")).text
    cancel = re.search(r'<a href="([^"]+)"\s+class="btn">\s*キャンセル', form)
    assert cancel and cancel.group(1).endswith(f"/admin/customer/details/{customer.id}")
    menu = await add_menu(db, "カット")
    other = (await manager.get(f"/admin/menu/edit/{menu.id}")).text  # other views: back to their list
    assert re.search(r'<a href="[^"]*/admin/menu/list"\s+class="btn">\s*キャンセル', other)


async def test_lists_and_reservations_open_the_customer_page(manager, db):
    """The caution list, the reservation list and a reservation's details name the customer with a
    link to the customer's page (sqladmin links a row's customer; the day sheet's cards open the
    reservation)."""
    customer, upcoming = await _regular(db, visits=0)
    async with db.transaction() as session:
        await flags.add_caution(session, customer.id, "遅刻が多い", SYSTEM)
    link = f'/admin/customer/details/{customer.id}"'
    for url in ("/admin/caution/list", "/admin/reservation/list?date=__all",
                f"/admin/reservation/details/{upcoming.id}"):
        assert link in (await manager.get(url)).text, url


async def test_the_karte_section_shows_the_latest_and_records_health_reads(manager, db):
    """The latest karte entries and memos, newest first, with 要配慮 on health information, each read
    of which is written to the audit log; counts, and the lists and forms open on this customer."""
    customer = await add_customer(db, **HANAKO)
    async with db.transaction() as session:
        session.add_all([KarteEntry(customer_id=customer.id, visit_date=date(2026, 11, 3), text="カラー 6レベル"),
                         KarteEntry(customer_id=customer.id, visit_date=date(2026, 12, 1), text="アレルギー疑い",
                                    is_health_info=True),
                         VisitMemo(customer_id=customer.id, visit_date=date(2026, 12, 1), text="お子様連れ")])
    page = (await manager.get(f"/admin/customer/details/{customer.id}")).text
    karte = " ".join(re.sub(r"<[^>]+>", " ", page.split('id="karte"')[1].split('id="tickets"')[0]).split())
    assert "技術カルテ 2件・最終 2026/12/01" in karte and "来店メモ 1件・最終 2026/12/01" in karte
    assert "画像カルテ 0 / 3枚" in karte
    assert karte.index("2026/12/01 要配慮 アレルギー疑い") < karte.index("2026/11/03 カラー 6レベル")
    assert "2026/12/01 お子様連れ" in karte
    for identity in ("karte-entry", "visit-memo", "karte-image"):
        assert f"/admin/{identity}/list?customer_id={customer.id}" in page
    async with db.sessionmaker() as session:
        reads = (await session.scalars(select(AuditLog).where(AuditLog.action == "read_health_info"))).all()
    assert [(r.entity, r.changes) for r in reads] == [("karte_entry", {"customer_id": customer.id})]


async def test_the_karte_images_show_as_thumbnails_served_to_staff(manager, db):
    customer = await add_customer(db, **HANAKO)
    async with db.transaction() as session:
        image = KarteImage(customer_id=customer.id, data=b"\xff\xd8jpeg", width=1200, height=900, byte_size=6)
        session.add(image)
    page = (await manager.get(f"/admin/customer/details/{customer.id}")).text
    assert f'src="http://testserver/admin/karte-image/file/{image.id}"' in page
    assert "画像カルテ 1 / 3枚" in " ".join(re.sub(r"<[^>]+>", " ", page).split())
