"""The customer form and lists as the front desk reads them: required marks, 流入経路 checkboxes,
the phone as staff write it, prices with separators, and a list that fits a tablet."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from models import (
    AuditLog,
    Customer,
    InflowRoute,
    Menu,
    Reservation,
    ReservationChannel,
    ReservationStatus,
    SalesReport,
    TicketMenu,
    TicketPurchase,
)
from services import customers as svc
from services.actor import Actor
from tests import factories
from tests.admin.test_customers import FORM, HANAKO


async def add_customer(db, **overrides):
    """山田 花子 (090-1234-5678) unless told otherwise."""
    return await factories.add_customer(db, **{**HANAKO, **overrides})

REQUIRED_LABEL = re.compile(r'<label class="form-label col-sm-2 col-form-label required-label" for="([a-z_]+)"')


def marked(html: str) -> set[str]:
    return set(REQUIRED_LABEL.findall(html))


async def routes(db, *names: str) -> list[int]:
    async with db.transaction() as session:
        rows = [InflowRoute(name=name, sort_order=i) for i, name in enumerate(names)]
        session.add_all(rows)
        await session.flush()
        return [r.id for r in rows]


async def load(db, customer_id: int) -> Customer:
    async with db.sessionmaker() as session:
        return await session.scalar(select(Customer).where(Customer.id == customer_id)
                                    .options(selectinload(Customer.inflow_routes)))


# ----------------------------------------------------------------------------- required marks


async def test_the_registration_form_marks_what_a_full_registration_requires(staff):
    html = (await staff.get("/admin/customer/create")).text
    assert marked(html) == set(svc.REQUIRED_ON_FULL)
    assert "は必須項目です。" in html
    # No browser bubble: the service reports every missing field at once, in its own words.
    assert not re.search(r'<input[^>]*\brequired\b', html)
    empty = await staff.submit("/admin/customer/create", {**FORM, "last_name": "", "phone": "", "email": ""})
    assert empty.status_code == 400
    for message in ("姓を入力してください。", "電話番号を入力してください。", "メールアドレスを入力してください。"):
        assert message in empty.text


async def test_editing_marks_the_name_and_what_the_customer_already_has(staff, db):
    async with db.transaction() as session:
        phone_only = await svc.create_customer(
            session, {"last_name": "イガラシ", "first_name": "ツヨシ", "phone": "09011112222"},
            Actor.system("test"), required=("phone",))
    assert marked((await staff.get(f"/admin/customer/edit/{phone_only.id}")).text) == {
        "last_name", "first_name", "phone"}
    full = await add_customer(db)
    assert marked((await staff.get(f"/admin/customer/edit/{full.id}")).text) == set(svc.REQUIRED_ON_FULL)


# ----------------------------------------------------------------------------- the phone on the edit form


async def test_the_edit_form_shows_the_phone_as_the_list_does_and_saves_it_unchanged(staff, db):
    customer = await add_customer(db)
    html = (await staff.get(f"/admin/customer/edit/{customer.id}")).text
    assert re.search(r'id="phone"[^>]*value="090-1234-5678"', html) or \
        re.search(r'value="090-1234-5678"[^>]*id="phone"', html)
    assert "09012345678" not in html
    saved = await staff.submit(f"/admin/customer/edit/{customer.id}", {
        **FORM, "last_name": "山田", "first_name": "花子", "email": "hanako@example.jp", "phone": "090-1234-5678"})
    assert saved.status_code == 302, saved.text
    assert (await load(db, customer.id)).phone == "09012345678"


# ----------------------------------------------------------------------------- 流入経路 checkboxes


async def test_inflow_routes_are_checkboxes_and_save_every_ticked_one(staff, db):
    instagram, hotpepper, flyer = await routes(db, "Instagram", "ホットペッパー", "チラシ")
    form = (await staff.get("/admin/customer/create")).text
    assert "<select multiple" not in form and "Ctrl" not in form
    for route_id, name in ((instagram, "Instagram"), (hotpepper, "ホットペッパー"), (flyer, "チラシ")):
        assert re.search(rf'type="checkbox" name="inflow_route_ids" value="{route_id}"[^>]*>'
                         rf' <span class="form-check-label">{name}</span>', form), name
    created = await staff.http.post("/admin/customer/create", data={
        **FORM, "save": "保存", "inflow_route_ids": [str(instagram), str(flyer)],
        "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)})
    assert created.status_code == 302, created.text
    async with db.sessionmaker() as session:
        customer_id = await session.scalar(select(Customer.id))
    assert {r.name for r in (await load(db, customer_id)).inflow_routes} == {"Instagram", "チラシ"}
    edit = (await staff.get(f"/admin/customer/edit/{customer_id}")).text
    assert re.search(rf'value="{instagram}" id="[^"]+" checked>', edit)
    assert not re.search(rf'value="{hotpepper}" id="[^"]+" checked>', edit)


async def test_an_unknown_inflow_route_is_refused_and_nothing_is_written(staff, db):
    await routes(db, "Instagram")
    response = await staff.submit("/admin/customer/create", {**FORM, "inflow_route_ids": "99999"})
    assert response.status_code == 400
    assert "選択肢が正しくありません。" in response.text
    async with db.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Customer)) == 0
        assert await session.scalar(select(func.count()).select_from(AuditLog)
                                    .where(AuditLog.entity == "customer")) == 0


# ----------------------------------------------------------------------------- prices and widths


async def test_prices_show_with_separators_and_yen_in_lists_and_details(manager, db):
    customer = await add_customer(db)
    async with db.transaction() as session:
        menu = Menu(name="縮毛矯正", price=24750)
        ticket = TicketMenu(name="カット5回券", price=24750, validity_days=365, uses=5)
        session.add_all([menu, ticket])
        await session.flush()
        purchase = TicketPurchase(customer_id=customer.id, ticket_menu_id=ticket.id, purchased_on=date(2026, 1, 5),
                                  expires_on=date(2027, 1, 5), total_uses=5, price_paid=24750)
        start = datetime(2026, 1, 5, 1, tzinfo=timezone.utc)
        visit = Reservation(customer_id=customer.id, start_at=start, end_at=start + timedelta(hours=3),
                            channel=ReservationChannel.PHONE, status=ReservationStatus.VISITED)
        session.add_all([purchase, visit])
        await session.flush()
        session.add(SalesReport(reservation_id=visit.id, customer_id=customer.id, treatment="縮毛矯正",
                                amount_yen=24750))
        await session.flush()
        ids = {"menu": menu.id, "ticket-menu": ticket.id, "ticket-purchase": purchase.id}
    for identity in ("menu", "ticket-menu", "sales-report"):  # 回数券's list leaves the price to its details
        html = (await manager.get(f"/admin/{identity}/list")).text
        assert "24,750円" in html and ">24750<" not in html, identity
    for identity, pk in ids.items():
        html = (await manager.get(f"/admin/{identity}/details/{pk}")).text
        assert "24,750円" in html, identity
    # The form still takes a plain number.
    assert 'value="24750"' in (await manager.get(f"/admin/menu/edit/{menu.id}")).text


async def test_the_customer_list_fits_a_tablet(staff, db):
    customer = await add_customer(db)
    async with db.transaction() as session:
        (await session.get(Customer, customer.id)).last_visit_at = datetime(2026, 11, 28, 2, 30, tzinfo=timezone.utc)
    html = (await staff.get("/admin/customer/list")).text
    header = html.split("<thead>")[1].split("</thead>")[0]
    # E-mail and LINE give way under 1200 px; the phone number stays.
    assert re.search(r'<th class="d-none d-xl-table-cell">\s*メールアドレス', header)
    assert re.search(r'<th>\s*電話番号', header)
    assert "2026/11/28" in html and "2026/11/28 11:30" not in html  # 最終来店日: the day (Japan time)
    assert 'aria-label="メニューを開く"' in html and "navbar-expand-md" not in html
