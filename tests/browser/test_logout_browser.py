"""Logging out in Chromium: the menu's button POSTs with the CSRF token and the session ends."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect


def test_the_logout_button_ends_the_session(page: Page, server, shot):
    page.goto("/admin/login")
    page.fill("input[name=username]", server.login_id)
    page.fill("input[name=password]", server.password)
    page.get_by_role("button", name="ログイン").click()
    page.goto("/admin/customer/list")
    button = page.locator("#logout-form").get_by_role("button", name="ログアウト")
    expect(button).to_be_visible()
    shot(page, "logout-01-menu")

    page.goto("/admin/logout")  # a plain GET (a link, a prefetch) only asks
    expect(page.get_by_text("ログアウトしますか？")).to_be_visible()
    shot(page, "logout-02-confirm")
    page.goto("/admin/customer/list")
    expect(page).to_have_url(re.compile(r"/admin/customer/list$"))

    page.locator("#logout-form").get_by_role("button", name="ログアウト").click()

    expect(page).to_have_url(re.compile(r"/admin/login$"))
    page.goto("/admin/customer/list")
    expect(page).to_have_url(re.compile(r"/admin/login$"))
    shot(page, "logout-03-logged-out")
