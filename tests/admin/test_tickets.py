"""回数券 in the admin: sale at checkout, the expiry pencil (recorded), the state filter, no refund."""

from __future__ import annotations

import html
import json
import re
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import select

from models import TicketExpiryChange, TicketMenu, TicketPurchase, TicketUse
from services import tickets
from services.japan_time import JAPAN
from tests.admin.helpers import csrf_from
from tests.factories import SYSTEM, add_customer, add_menu, add_reservation, count_rows


@pytest.fixture
async def shop(db):
    async with db.transaction() as session:
        menu = TicketMenu(name="カット回数券5回", price=22000, validity_days=30, uses=5)
        session.add(menu)
    return {"menu": menu, "customer": await add_customer(db)}


async def _sold(db, shop, on=None) -> TicketPurchase:
    async with db.transaction() as session:
        return await tickets.purchase_ticket(session, shop["customer"].id, shop["menu"].id, on, SYSTEM)


async def test_a_ticket_is_sold_from_the_form(staff, db, shop):
    response = await staff.submit("/admin/ticket-purchase/create", {
        "customer": str(shop["customer"].id), "ticket_menu_id": str(shop["menu"].id), "purchased_on": ""})
    assert response.status_code == 302, response.text
    async with db.sessionmaker() as session:
        purchase = await session.scalar(select(TicketPurchase))
    assert (purchase.total_uses, purchase.price_paid, purchase.purchased_on) == (5, 22000, tickets.today())
    listed = (await staff.get(response.headers["location"])).text
    assert "を登録しました" in listed and "カット回数券5回" in listed and "残り5回" in listed


async def test_a_bad_sale_shows_every_problem_and_writes_nothing(staff, db, shop):
    response = await staff.submit("/admin/ticket-purchase/create", {
        "customer": "", "ticket_menu_id": "", "purchased_on": "2999-01-01"})
    assert response.status_code == 400
    for message in ("お客様を選んでください。", "回数券を選んでください。", "購入日に未来の日付は指定できません。"):
        assert message in response.text, message
    response = await staff.submit("/admin/ticket-purchase/create", {
        "customer": str(shop["customer"].id), "ticket_menu_id": str(shop["menu"].id), "purchased_on": "12月1日"})
    assert response.status_code == 400 and "日付の形式が正しくありません" in response.text
    assert await count_rows(db, TicketPurchase) == 0


async def test_the_pencil_changes_the_expiry_and_records_it(staff, db, shop):
    purchase = await _sold(db, shop)
    listed = (await staff.get("/admin/ticket-purchase/list")).text
    url = f"/admin/ticket-purchase/expiry/{purchase.id}"
    assert url in listed and 'data-testid="expiry-pencil"' in listed
    form = await staff.get(url)
    assert form.status_code == 200 and f'value="{purchase.expires_on.isoformat()}"' in form.text
    new = purchase.expires_on + timedelta(days=60)
    response = await staff.http.post(url, data={"expires_on": new.isoformat(), "reason": "ご旅行のため",
                                                "csrf_token": csrf_from(form.text)})
    assert response.status_code == 303
    page = (await staff.get(response.headers["location"])).text
    assert f"の有効期限を{new:%Y/%m/%d}に変更しました。" in page
    details = (await staff.get(f"/admin/ticket-purchase/details/{purchase.id}")).text
    assert f"stylistさん: {purchase.expires_on:%Y/%m/%d} → {new:%Y/%m/%d}（ご旅行のため）" in details
    assert "回数券「カット回数券5回」" in details


@pytest.mark.parametrize(("value", "message"), [
    ("", "新しい有効期限を入力してください。"),
    ("2026-13-01", "日付の形式が正しくありません"),
    ("2000-01-01", "有効期限は購入日"),
])
async def test_a_bad_expiry_is_refused_on_the_form_and_nothing_is_written(staff, db, shop, value, message):
    purchase = await _sold(db, shop)
    url = f"/admin/ticket-purchase/expiry/{purchase.id}"
    form = await staff.get(url)
    response = await staff.http.post(url, data={"expires_on": value, "csrf_token": csrf_from(form.text)})
    assert response.status_code == 400 and message in response.text
    assert await count_rows(db, TicketExpiryChange) == 0


async def test_the_expiry_cannot_move_before_a_booked_day(staff, db, shop):
    purchase = await _sold(db, shop)
    cut = await add_menu(db, "カット")
    day = tickets.today() + timedelta(days=10)
    reservation = await add_reservation(db, shop["customer"], datetime.combine(day, time(11), JAPAN), [cut])
    async with db.transaction() as session:
        session.add(TicketUse(purchase_id=purchase.id, reservation_id=reservation.id, uses=1))
    url = f"/admin/ticket-purchase/expiry/{purchase.id}"
    form = await staff.get(url)
    response = await staff.http.post(url, data={"expires_on": (day - timedelta(days=1)).isoformat(),
                                                "csrf_token": csrf_from(form.text)})
    assert response.status_code == 400 and "この回数券で予約があるため" in response.text
    assert await count_rows(db, TicketExpiryChange) == 0


async def test_the_list_opens_on_usable_tickets_and_filters_by_state(staff, db, shop):
    usable = await _sold(db, shop)
    expired = await _sold(db, shop, on=tickets.today() - timedelta(days=40))
    expired_at = f"{expired.expires_on:%Y/%m/%d}"
    default = (await staff.get("/admin/ticket-purchase/list")).text
    assert f"{usable.expires_on:%Y/%m/%d}" in default and expired_at not in default
    assert expired_at in (await staff.get("/admin/ticket-purchase/list", params={"state": "EXPIRED"})).text
    soon = (await staff.get("/admin/ticket-purchase/list", params={"state": "expiring30"})).text
    assert f"{usable.expires_on:%Y/%m/%d}" in soon
    every = (await staff.get("/admin/ticket-purchase/list", params={"state": "__all"})).text
    assert expired_at in every


async def test_no_refund_a_used_ticket_cannot_be_deleted(manager, staff, db, shop):
    purchase = await _sold(db, shop)
    async with db.transaction() as session:
        (await session.get(TicketPurchase, purchase.id)).used_count = 1
    assert (await staff.delete("ticket-purchase", purchase.id)).status_code == 403
    response = await manager.delete("ticket-purchase", purchase.id)
    page = (await manager.get(response.text)).text
    assert "回数券の返金・取り消しはできません" in page
    assert await count_rows(db, TicketPurchase) == 1


async def test_the_customer_page_sells_a_ticket_to_its_customer(staff, db, shop):
    customer = shop["customer"]
    page = (await staff.get(f"/admin/customer/details/{customer.id}")).text
    url = f"/admin/ticket-purchase/create?customer_id={customer.id}"
    assert url in page
    form = (await staff.get(url)).text
    chosen = json.loads(html.unescape(re.search(r'<select[^>]*data-json="([^"]*)"[^>]*name="customer"', form).group(1)))
    assert [option["id"] for option in chosen] == [str(customer.id)]
