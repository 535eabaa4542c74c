"""Login, logout, access control and the CSRF defence of /admin."""

from __future__ import annotations

import httpx
import pytest

from models import StaffRole
from server import create_app
from services.config import Settings, get_settings
from tests.admin.helpers import PASSWORD, AdminClient, create_account, csrf_from

PROTECTED = ["/admin/", "/admin/customer/list", "/admin/customer/create", "/admin/customer/details/1",
             "/admin/customer/edit/1", "/admin/reservation/list", "/admin/store-setting/list"]


async def test_login_page_is_japanese(browser):
    response = await browser.get("/admin/login")
    assert response.status_code == 200
    assert '<html lang="ja">' in response.text
    for text in ("サロン顧客管理", "ログインID", "パスワード", "ログイン"):
        assert text in response.text
    assert csrf_from(response.text)


@pytest.mark.parametrize("url", PROTECTED)
async def test_pages_redirect_to_login_when_logged_out(browser, url):
    response = await browser.get(url)
    assert response.status_code == 302
    assert response.headers["location"].endswith("/admin/login")


async def test_wrong_password_is_refused_in_japanese(browser, db):
    await create_account(db, "yamada", StaffRole.STAFF)
    response = await browser.login("yamada", "not-the-password")
    assert response.status_code == 400
    assert "ログインIDまたはパスワードが正しくありません。" in response.text
    assert 'value="yamada"' in response.text  # the login id is kept
    assert (await browser.get("/admin/customer/list")).status_code == 302


async def test_a_login_id_with_a_nul_is_refused_like_a_wrong_password(browser, db):
    response = await browser.login("yamada\x00", "not-the-password")
    assert response.status_code == 400
    assert "ログインIDまたはパスワードが正しくありません。" in response.text


async def test_repeated_wrong_passwords_make_the_id_wait_in_japanese(browser, db):
    # Formerly they locked the account (「ロックされています」) for its owner too.
    await create_account(db, "yamada", StaffRole.STAFF)
    for _ in range(get_settings().login_free_failures_per_id):
        await browser.login("yamada", "not-the-password")

    response = await browser.login("yamada", PASSWORD)

    assert response.status_code == 429
    assert "ログインの失敗が続いたため、しばらくログインできません。1分ほど待ってからもう一度お試しください。" in response.text
    assert (await browser.get("/admin/customer/list")).status_code == 302


async def test_a_manager_lifts_the_login_limits_at_once(browser, manager, db):
    account_id = await create_account(db, "yamada", StaffRole.STAFF)
    for _ in range(get_settings().login_free_failures_per_id):
        await browser.login("yamada", "not-the-password")
    assert (await browser.login("yamada", PASSWORD)).status_code == 429
    assert "ログイン制限中" in (await manager.get("/admin/staff-account/list")).text
    assert "ログイン制限中" in (await manager.get(f"/admin/staff-account/details/{account_id}")).text

    edited = await manager.submit(f"/admin/staff-account/edit/{account_id}", {
        "display_name": "yamada", "role": "STAFF", "active": "y", "new_password": "",
        "clear_login_limits": "y"})

    assert edited.status_code == 302, edited.text
    assert "ログイン制限中" not in (await manager.get("/admin/staff-account/list")).text
    assert (await browser.login("yamada", PASSWORD)).status_code == 302


async def test_a_manager_locks_and_unlocks_an_account(browser, manager, db):
    account_id = await create_account(db, "yamada", StaffRole.STAFF)
    form = {"display_name": "yamada", "role": "STAFF", "active": "y", "new_password": ""}

    assert (await manager.submit(f"/admin/staff-account/edit/{account_id}", {**form, "locked": "y"})).status_code == 302

    assert "ロック中" in (await manager.get("/admin/staff-account/list")).text
    wrong = await browser.login("yamada", "not-the-password")
    assert wrong.status_code == 400 and "ログインIDまたはパスワードが正しくありません。" in wrong.text
    right = await browser.login("yamada", PASSWORD)
    assert right.status_code == 400
    assert "このアカウントは店長によってロックされています。店長にご連絡ください。" in right.text
    assert (await manager.submit(f"/admin/staff-account/edit/{account_id}", form)).status_code == 302
    assert "ロック中" not in (await manager.get("/admin/staff-account/list")).text
    assert (await browser.login("yamada", PASSWORD)).status_code == 302


async def test_a_manager_cannot_lock_themselves(manager, db):
    from sqlalchemy import select

    from models import StaffAccount

    async with db.sessionmaker() as session:
        own = await session.scalar(select(StaffAccount).where(StaffAccount.login_id == "tencho"))
    response = await manager.submit(f"/admin/staff-account/edit/{own.id}", {
        "display_name": "tencho", "role": "MANAGER", "active": "y", "locked": "y", "new_password": ""})

    assert response.status_code == 400 and "自分自身のアカウントはロックできません。" in response.text
    async with db.sessionmaker() as session:
        assert (await session.get(StaffAccount, own.id)).locked_at is None


async def test_inactive_account_is_refused(browser, db):
    await create_account(db, "retired", StaffRole.MANAGER, active=False)
    response = await browser.login("retired")
    assert response.status_code == 400
    assert "ログインIDまたはパスワードが正しくありません。" in response.text


async def test_login_then_logout(browser, db):
    await create_account(db, "sato", StaffRole.STAFF)
    response = await browser.login("sato", PASSWORD)
    assert response.status_code == 302
    home = await browser.get("/admin/")
    assert home.status_code == 200
    assert "satoさん" in home.text and "ログアウト" in home.text
    await browser.http.post("/admin/logout", data={"csrf_token": csrf_from(home.text)})
    assert (await browser.get("/admin/")).status_code == 302


async def test_deactivating_an_account_ends_its_session(staff, db):
    from sqlalchemy import update

    from models import StaffAccount

    assert (await staff.get("/admin/customer/list")).status_code == 200
    async with db.transaction() as session:
        await session.execute(update(StaffAccount).values(active=False))
    assert (await staff.get("/admin/customer/list")).status_code == 302


async def test_post_without_csrf_token_is_refused(manager):
    response = await manager.http.post("/admin/inflow-route/create", data={"name": "看板", "save": "保存"})
    assert response.status_code == 403
    assert "CSRF" in response.text


async def test_post_with_a_wrong_token_or_foreign_origin_is_refused(manager):
    page = await manager.get("/admin/inflow-route/create")
    token = csrf_from(page.text)
    wrong = await manager.http.post("/admin/inflow-route/create",
                                    data={"name": "看板", "save": "保存", "csrf_token": token + "x"})
    assert wrong.status_code == 403
    foreign = await manager.http.post("/admin/inflow-route/create",
                                      data={"name": "看板", "save": "保存", "csrf_token": token},
                                      headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403
    same = await manager.http.post("/admin/inflow-route/create",
                                   data={"name": "看板", "save": "保存", "csrf_token": token},
                                   headers={"Origin": "http://testserver"})
    assert same.status_code == 302


async def test_login_form_needs_the_csrf_token(browser, db):
    await create_account(db, "kato", StaffRole.STAFF)
    response = await browser.http.post("/admin/login", data={"username": "kato", "password": PASSWORD})
    assert response.status_code == 403


async def test_delete_without_token_header_is_refused(manager):
    response = await manager.http.delete("/admin/inflow-route/delete", params={"pks": "1"})
    assert response.status_code == 403


async def test_staff_accounts_are_for_managers_only(staff, manager):
    listing = await staff.get("/admin/staff-account/list")
    assert listing.status_code == 403
    assert "権限がありません" in listing.text
    assert "スタッフアカウント" not in (await staff.get("/admin/")).text
    assert (await manager.get("/admin/staff-account/list")).status_code == 200


async def test_ui_stays_japanese_for_an_english_browser(manager):
    response = await manager.get("/admin/customer/list", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert "ログアウト" in response.text and "Logout" not in response.text


def session_cookie(response: httpx.Response) -> str:
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith("salon_admin_session="))
    return cookie.lower()


async def test_session_cookie_is_http_only_and_same_site_strict(browser, db):
    await create_account(db, "sato", StaffRole.STAFF)
    cookie = session_cookie(await browser.login("sato"))
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert "secure" not in cookie  # plain http on a laptop (make run) must keep working


async def test_session_cookie_is_secure_when_the_salon_serves_https(db):
    await create_account(db, "sato", StaffRole.STAFF)
    app = create_app(database=db, settings=Settings(session_https_only=True), run_migrations=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://testserver") as http:
        cookie = session_cookie(await AdminClient(http).login("sato"))
    assert "secure" in cookie


@pytest.mark.parametrize(("setting", "scheme", "forwarded", "secure"), [
    (None, "http", None, False), (None, "https", None, True), (None, "http", "https", True),
    (False, "https", None, False), (True, "http", None, True)])
async def test_session_cookie_is_secure_whenever_served_over_https(db, setting, scheme, forwarded, secure):
    """Unset, the flag follows the request's scheme: uvicorn makes it https when a trusted proxy says so
    (X-Forwarded-Proto, --forwarded-allow-ips); the middleware does the same here for the test."""
    from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

    await create_account(db, "sato", StaffRole.STAFF)
    app = ProxyHeadersMiddleware(create_app(database=db, settings=Settings(session_https_only=setting),
                                            run_migrations=False), trusted_hosts="*")
    headers = {"X-Forwarded-Proto": forwarded, "X-Forwarded-For": "10.0.0.1"} if forwarded else {}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=f"{scheme}://testserver",
                                 headers=headers) as http:
        cookie = session_cookie(await AdminClient(http).login("sato"))
    assert ("; secure" in cookie) is secure, cookie
    assert "samesite=strict" in cookie
