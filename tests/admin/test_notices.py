"""Messages to staff come from the server (the session), never from the URL; deletions name the row."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, quote, urlsplit

from sqlalchemy import select

from models import Customer, InflowRoute, Menu
from services import customers as svc
from services.actor import Actor
from tests import factories
from tests.admin.test_customers import FORM, HANAKO
from tests.factories import count_rows


async def add_customer(db, **overrides):
    """山田 花子 (090-1234-5678) unless told otherwise."""
    return await factories.add_customer(db, **{**HANAKO, **overrides})

PHISHING = "システムエラー：http://evil.example にアクセスしてください"


def alerts(html: str) -> list[str]:
    """The texts of the message boxes at the top of a page."""
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", m)).strip()
            for m in re.findall(r'<div class="alert alert-[a-z]+ alert-important alert-dismissible[^>]*>(.*?)</div>\s*</div>',
                                html, re.S)]


async def delete_url(client, identity: str, pks: str, referer: str | None = None):
    page = await client.get(f"/admin/{identity}/list")
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text).group(1)
    headers = {"X-CSRF-Token": token, "Accept": "text/html"}
    if referer:
        headers["Referer"] = referer
    return await client.http.delete(f"/admin/{identity}/delete", params={"pks": pks}, headers=headers)


# ----------------------------------------------------------------------------- ?error= is never shown


async def test_a_message_in_the_link_is_not_shown(manager, db):
    await add_customer(db)
    response = await manager.get("/admin/customer/list", params={"error": PHISHING, "search": "山田"})
    assert response.status_code == 303
    target = urlsplit(response.headers["location"])
    assert parse_qs(target.query) == {"search": ["山田"]}  # the rest of the link still works
    page = await manager.get(response.headers["location"])
    assert page.status_code == 200 and "山田 花子" in page.text
    assert "システムエラー" not in page.text and "evil.example" not in page.text


async def test_no_list_view_reflects_the_error_parameter(manager, staff):
    for client in (manager, staff):
        for identity in ("inflow-route", "menu", "reservation", "audit-log"):
            response = await client.get(f"/admin/{identity}/list", params={"error": PHISHING})
            if response.status_code == 303:
                response = await client.get(response.headers["location"])
            assert "システムエラー" not in response.text, identity


# ----------------------------------------------------------------------------- 登録しました / 保存しました


async def test_registering_a_customer_says_so_once(manager, db):
    response = await manager.submit("/admin/customer/create", FORM)
    assert response.status_code == 302, response.text
    async with db.sessionmaker() as session:
        customer = await session.scalar(select(Customer))
    page = await manager.get(response.headers["location"])
    assert alerts(page.text) == [f"佐藤 美咲 様（お客様番号 {customer.customer_no}）を登録しました。"]
    assert 'alert-success' in page.text
    assert alerts((await manager.get(response.headers["location"])).text) == []  # shown once


async def test_saving_a_customer_says_so(staff, db):
    customer = await add_customer(db)
    response = await staff.submit(f"/admin/customer/edit/{customer.id}", {**FORM, "email": "hanako@example.jp"})
    assert response.status_code == 302, response.text
    page = await staff.get(response.headers["location"])
    assert alerts(page.text) == [f"佐藤 美咲 様（お客様番号 {customer.customer_no}）を保存しました。"]


async def test_a_refused_form_says_nothing_was_saved(manager, db):
    response = await manager.submit("/admin/customer/create", {**FORM, "phone": "0120-12"})
    assert response.status_code == 400
    assert "登録しました" not in response.text and await count_rows(db, Customer) == 0
    assert alerts((await manager.get("/admin/customer/list")).text) == []


async def test_masters_say_registered_and_saved_too(manager, db):
    created = await manager.submit("/admin/inflow-route/create", {"name": "ホットペッパー", "sort_order": "1"})
    assert created.status_code == 302, created.text
    assert alerts((await manager.get(created.headers["location"])).text) == ["流入経路「ホットペッパー」を登録しました。"]
    async with db.sessionmaker() as session:
        route_id = await session.scalar(select(InflowRoute.id))
    edited = await manager.submit(f"/admin/inflow-route/edit/{route_id}", {"name": "HotPepper", "sort_order": "1"})
    assert alerts((await manager.get(edited.headers["location"])).text) == ["流入経路「HotPepper」を保存しました。"]


# ----------------------------------------------------------------------------- 削除しました, in Japanese


async def test_deleting_names_the_customer(manager, db):
    customer = await add_customer(db)
    response = await delete_url(manager, "customer", str(customer.id))
    page = await manager.get(response.text)
    assert alerts(page.text) == [f"山田 花子 様（お客様番号 {customer.customer_no}）を削除しました。"]
    assert await count_rows(db, Customer) == 0


async def test_deleting_several_counts_them(manager, db):
    first = await add_customer(db)
    second = await add_customer(db, last_name="鈴木", phone="09011112222", email="suzuki@example.jp")
    response = await delete_url(manager, "customer", f"{first.id},{second.id}")
    assert alerts((await manager.get(response.text)).text) == ["2件を削除しました。"]
    assert await count_rows(db, Customer) == 0


async def test_a_row_already_gone_is_reported_in_japanese(manager, db):
    response = await delete_url(manager, "customer", "999999")
    page = (await manager.get(response.text)).text
    assert alerts(page) == ["削除しようとしたデータが見つかりません（既に削除された可能性があります）。"]
    assert "Object not found" not in page and "error=" not in response.text


async def test_a_delete_without_rows_is_refused_in_japanese(manager, db):
    await add_customer(db)
    response = await delete_url(manager, "customer", "")
    assert alerts((await manager.get(response.text)).text) == ["削除するデータが選択されていません。"]
    assert await count_rows(db, Customer) == 1


async def test_after_a_delete_the_list_keeps_its_search_but_not_an_error(manager, db):
    customer = await add_customer(db)
    referer = f"http://testserver/admin/customer/list?search=%E5%B1%B1&error={quote(PHISHING)}"
    response = await delete_url(manager, "customer", str(customer.id), referer=referer)
    assert parse_qs(urlsplit(response.text).query) == {"search": ["山"]}


# ----------------------------------------------------------------------------- the delete dialog and who sees it


async def test_the_delete_dialog_names_the_customer(manager, db):
    customer = await add_customer(db)
    label = f"山田 花子 様（お客様番号 {customer.customer_no}）"
    assert f'data-label="{label}"' in (await manager.get("/admin/customer/list")).text
    assert f'data-label="{label}"' in (await manager.get(f"/admin/customer/details/{customer.id}")).text
    assert "/admin/salon-static/salon.js" in (await manager.get("/admin/customer/list")).text
    script = (await manager.get("/admin/salon-static/salon.js")).text
    assert 'element.data("label")' in script and "を削除します。よろしいですか？" in script


async def test_staff_see_no_delete_they_cannot_do(manager, staff, db):
    async with db.transaction() as session:
        session.add_all([InflowRoute(name="Instagram"), Menu(name="カット", price=5500)])
        await svc.create_customer(session, {"last_name": "山田", "first_name": "花子", "phone": "09012345678"},
                                  Actor.system("test"), required=("phone",))
    for identity in ("customer", "inflow-route", "menu", "occupation", "ticket-menu", "karte-category"):
        as_staff = (await staff.get(f"/admin/{identity}/list")).text
        assert "fa-trash" not in as_staff and 'id="action-delete"' not in as_staff, identity
        assert 'id="modal-delete"' not in as_staff, identity
    async with db.sessionmaker() as session:
        route_id = await session.scalar(select(InflowRoute.id))
    assert "btn-danger" not in (await staff.get(f"/admin/inflow-route/details/{route_id}")).text
    for identity in ("customer", "inflow-route", "menu"):
        as_manager = (await manager.get(f"/admin/{identity}/list")).text
        assert "fa-trash" in as_manager and 'id="action-delete"' in as_manager, identity
