"""Admin sessions end on the server: a saved copy of the cookie is worthless after logout,
a password or role change, a lock or deactivation; logout is a POST with the CSRF token."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import func, select

from models import AdminSession, StaffRole
from tests.admin.conftest import BASE_URL
from tests.admin.helpers import PASSWORD, AdminClient, create_account, csrf_from

COOKIE = "salon_admin_session"
LIST = "/admin/customer/list"


@pytest.fixture
async def replay(app) -> AsyncIterator:
    """Another browser that sends a saved cookie, as someone who copied it would."""
    clients: list[httpx.AsyncClient] = []

    async def open_with(cookie: str) -> httpx.Response:
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL,
                                 cookies={COOKIE: cookie})
        clients.append(http)
        return await http.get(LIST)

    yield open_with
    for http in clients:
        await http.aclose()


def saved_cookie(client: AdminClient) -> str:
    cookie = client.http.cookies.get(COOKIE)
    assert cookie
    return cookie


async def live_sessions(db) -> int:
    async with db.sessionmaker() as session:
        return await session.scalar(
            select(func.count()).select_from(AdminSession).where(AdminSession.revoked_at.is_(None)))


async def post_logout(client: AdminClient) -> httpx.Response:
    page = await client.get(LIST)
    return await client.http.post("/admin/logout", data={"csrf_token": csrf_from(page.text)})


async def test_the_menu_logs_out_with_a_post_form_carrying_the_token(staff):
    page = await staff.get(LIST)

    form = re.search(r'<form method="POST" action="[^"]*/admin/logout"[^>]*>(.*?)</form>', page.text, re.S)
    assert form, "no logout form in the menu"
    assert f'name="csrf_token" value="{csrf_from(page.text)}"' in form.group(1)
    assert "ログアウト" in form.group(1)
    assert not re.search(r'<a [^>]*href="[^"]*/admin/logout"', page.text)


async def test_a_saved_cookie_is_refused_after_logout(staff, replay, db):
    cookie = saved_cookie(staff)
    assert (await replay(cookie)).status_code == 200

    response = await post_logout(staff)

    assert response.status_code == 302 and response.headers["location"].endswith("/admin/login")
    assert (await staff.get(LIST)).status_code == 302
    refused = await replay(cookie)
    assert refused.status_code == 302 and refused.headers["location"].endswith("/admin/login")
    assert await live_sessions(db) == 0


async def test_a_get_of_logout_only_asks_and_changes_nothing(staff, replay, db):
    cookie = saved_cookie(staff)

    page = await staff.get("/admin/logout")

    assert page.status_code == 200
    assert "ログアウトしますか？" in page.text
    assert re.search(r'<form [^>]*action="[^"]*/admin/logout" method="POST"', page.text)
    assert (await staff.get(LIST)).status_code == 200
    assert (await replay(cookie)).status_code == 200
    assert await live_sessions(db) == 1


async def test_a_get_of_logout_without_a_session_goes_to_the_login_page(browser):
    response = await browser.get("/admin/logout")
    assert response.status_code == 302 and response.headers["location"].endswith("/admin/login")


async def test_a_logout_post_without_the_token_is_refused_and_changes_nothing(staff, db):
    response = await staff.http.post("/admin/logout", data={})
    assert response.status_code == 403
    forged = await staff.http.post("/admin/logout", data={"csrf_token": "forged"})
    assert forged.status_code == 403
    assert (await staff.get(LIST)).status_code == 200
    assert await live_sessions(db) == 1


async def test_a_cookie_with_a_made_up_session_id_opens_nothing(staff, replay):
    # The cookie is signed, so a made-up id cannot even be put in one; an old-style cookie
    # (account id only, as before sessions were kept on the server) is refused too.
    assert (await replay("not-a-signed-cookie")).status_code == 302


async def edit_account(manager: AdminClient, account_id: int, **changes: str) -> None:
    form = {"display_name": "stylist", "role": "STAFF", "active": "y", "new_password": "", **changes}
    response = await manager.submit(f"/admin/staff-account/edit/{account_id}", form)
    assert response.status_code == 302, response.text


async def staff_account_id(db) -> int:
    from models import StaffAccount

    async with db.sessionmaker() as session:
        return await session.scalar(select(StaffAccount.id).where(StaffAccount.login_id == "stylist"))


@pytest.mark.parametrize("changes", [
    pytest.param({"new_password": "a-new-password-456"}, id="password"),
    pytest.param({"role": "MANAGER"}, id="role"),
    pytest.param({"active": ""}, id="deactivated"),
    pytest.param({"locked": "y"}, id="locked"),
])
async def test_a_saved_cookie_is_refused_after_a_manager_changes_the_account(staff, manager, replay, db, changes):
    cookie = saved_cookie(staff)
    manager_cookie = saved_cookie(manager)

    await edit_account(manager, await staff_account_id(db), **changes)

    assert (await staff.get(LIST)).status_code == 302
    assert (await replay(cookie)).status_code == 302
    assert (await replay(manager_cookie)).status_code == 200  # other accounts keep their sessions


async def test_the_new_password_opens_a_new_session(staff, manager, db):
    await edit_account(manager, await staff_account_id(db), new_password="a-new-password-456")

    assert (await staff.login("stylist", PASSWORD)).status_code == 400
    assert (await staff.login("stylist", "a-new-password-456")).status_code == 302
    assert (await staff.get(LIST)).status_code == 200


async def test_an_unchanged_save_keeps_the_session(staff, manager, db):
    await edit_account(manager, await staff_account_id(db), display_name="美容師")
    assert (await staff.get(LIST)).status_code == 200


async def test_each_login_is_its_own_session(app, db):
    await create_account(db, "sato", StaffRole.STAFF)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL) as a, \
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL) as b:
        desk, tablet = AdminClient(a), AdminClient(b)
        await desk.login("sato")
        await tablet.login("sato")

        await post_logout(desk)

        assert (await desk.get(LIST)).status_code == 302
        assert (await tablet.get(LIST)).status_code == 200
