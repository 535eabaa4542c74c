"""回数券 in Chromium (1366 px and the 820 px tablet): the holders' list with the pencil (✎) on
有効期限, the expiry form with its date picker, a refusal said on the form, and the change saved,
recorded and shown on the purchase.

Screenshots: test-artifacts/screenshots/tickets-<width>-NN-*.png (look at them).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_reservation_browser import LOGIN, _customer, _graphql

PURCHASE = """mutation($input: PurchaseTicketInput!) { purchaseTicket(input: $input) {
  purchase { id expiresOn } errors { message } } }"""
MENUS = "{ ticketMenus { edges { node { id name } } } }"


def test_the_expiry_pencil(desk, server, shot) -> None:
    page, width = desk
    n = lambda name: f"tickets-{width}-{name}"  # noqa: E731
    token = _graphql(server, LOGIN, {"input": {"loginId": server.login_id, "password": server.password}}
                     )["login"]["token"]
    log_in(page, server)
    name = f"カット回数券{width}"
    page.goto("/admin/ticket-menu/create")
    page.fill("#name", name)
    page.fill("#price", "22000")
    page.fill("#validity_days", "30")
    page.fill("#uses", "5")
    page.locator("input[type=submit][name=save]").first.click()
    expect(page.locator(".flash-messages .alert")).to_contain_text("を登録しました")
    menus = {e["node"]["name"]: e["node"]["id"] for e in _graphql(server, MENUS, token=token)["ticketMenus"]["edges"]}
    customer = _customer(server, token, "回数", "カイスウ", f"0907777{width:04d}")
    bought = _graphql(server, PURCHASE, {"input": {"customerId": customer, "ticketMenuId": menus[name]}},
                      token)["purchaseTicket"]
    assert bought["errors"] == [], bought
    expires = date.fromisoformat(bought["purchase"]["expiresOn"])

    page.goto(f"/admin/ticket-purchase/list?search=0907777{width:04d}")
    row = page.locator("table tbody tr").first
    expect(row).to_contain_text(name)
    expect(row).to_contain_text("残り5回")
    pencil = row.get_by_test_id("expiry-pencil")
    expect(pencil).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, n("01-holders"))
    pencil.click()

    # Before the purchase day: refused on the form, in Japanese.
    page.fill("#expires_on", (expires - timedelta(days=400)).isoformat())
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("expiry-errors")).to_contain_text("有効期限は購入日")
    shot(page, n("02-refused"))

    later = expires + timedelta(days=60)
    page.fill("#expires_on", later.isoformat())
    page.fill("#reason", "ご旅行のため延長")
    shot(page, n("03-form"))
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".flash-messages .alert")).to_contain_text(f"の有効期限を{later:%Y/%m/%d}に変更しました。")
    expect(page).to_have_url(re.compile(r"/admin/ticket-purchase/list"))
    page.goto(f"/admin/ticket-purchase/list?search=0907777{width:04d}")
    page.locator("table tbody tr").first.get_by_role("link", name="詳細").click()
    expect(page.locator("table").first).to_contain_text(
        f"{expires:%Y/%m/%d} → {later:%Y/%m/%d}（ご旅行のため延長）")
    shot(page, n("04-recorded"))
