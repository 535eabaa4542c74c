"""The calendar in Chromium: a manager sets the hours (closed on Tuesdays) and fills in a week's shifts
in the grid; the day sheet marks 定休日 and a stylist's day off; a booking outside hours is saved with
its warning. Screenshots at 1366 px (the desk) and 820 px (the tablet) go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in, watch_policy

JST = ZoneInfo("Asia/Tokyo")
WIDTHS = {"desk": 1366, "tablet": 820}
TODAY = datetime.now(JST).date()
#: Next week's Monday (a week the grid can fill in without touching today).
MONDAY = TODAY + timedelta(days=7 - TODAY.weekday())
LOGIN = "mutation($input: LoginInput!) { login(input: $input) { token errors { message } } }"
CREATE_CUSTOMER = """mutation($input: CreateCustomerInput!) {
  createCustomer(input: $input) { customer { id } errors { message } } }"""


def _save(page: Page) -> None:
    page.locator("input[type=submit][name=save]").first.click()


@pytest.fixture(scope="module")
def calendar_salon(server, browser):
    """Hours 10:00–19:00, closed on Tuesdays, a stylist and a menu, through the admin's forms; a customer
    through GraphQL."""
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo", base_url=server.url)
    violations = watch_policy(context)
    page = context.new_page()
    log_in(page, server)
    for weekday in range(7):
        page.goto("/admin/business-hours/create")
        page.select_option("#weekday", str(weekday))
        if weekday != 1:
            page.fill("#opens_at", "10:00")
            page.fill("#closes_at", "19:00")
        _save(page)
        expect(page).to_have_url(re.compile(r"/admin/business-hours/list"))
    for name in ("田中", "鈴木"):
        page.goto("/admin/staff-member/create")
        page.fill("#name", name)
        _save(page)
    page.goto("/admin/menu/create")
    page.fill("#name", "カット")
    page.fill("#price", "5500")
    _save(page)
    context.close()
    assert not violations, violations
    token = httpx.post(f"{server.url}/graphql", json={"query": LOGIN, "variables": {"input": {
        "loginId": server.login_id, "password": server.password}}}).json()["data"]["login"]["token"]
    created = httpx.post(f"{server.url}/graphql", headers={"Authorization": f"Bearer {token}"}, json={
        "query": CREATE_CUSTOMER, "variables": {"input": {
            "lastName": "森", "firstName": "花子", "lastNameKana": "モリ", "firstNameKana": "ハナコ",
            "phone": "09022220001", "email": "mori@example.jp"}}}).json()
    assert created["data"]["createCustomer"]["errors"] == [], created
    return True


def test_a_manager_fills_in_the_week_and_the_day_sheet_follows(page: Page, server, calendar_salon, shot):
    log_in(page, server)
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/admin/shifts?week={MONDAY.isoformat()}")
        grid = page.get_by_test_id("shift-grid")
        expect(grid).to_contain_text("田中")
        # 田中: Monday 10:00–15:00, off on Wednesday.
        page.get_by_label(re.compile(r"田中 .*（月） 出勤")).fill("10:00")
        page.get_by_label(re.compile(r"田中 .*（月） 退勤")).fill("15:00")
        page.get_by_label(re.compile(r"田中 .*（水） 出勤")).fill("")
        page.get_by_label(re.compile(r"田中 .*（水） 退勤")).fill("")
        page.get_by_role("button", name="保存").click()
        expect(page.get_by_role("status")).to_have_text("出勤を保存しました。")
        shot(page, f"41-shift-grid-{label}-{width}")

        page.goto(f"/admin/day-sheet?date={(MONDAY + timedelta(days=1)).isoformat()}")
        expect(page.get_by_test_id("day-mark")).to_contain_text("定休日")
        shot(page, f"42-day-sheet-closed-{label}-{width}")
        page.goto(f"/admin/day-sheet?date={(MONDAY + timedelta(days=2)).isoformat()}&all=1")
        off = page.locator(".day-sheet-column", has_text="田中")
        expect(off).to_contain_text("お休み")
        expect(page.locator(".day-sheet-column", has_text="鈴木")).to_contain_text("出勤 10:00〜19:00")
        shot(page, f"43-day-sheet-day-off-{label}-{width}")


def test_a_booking_outside_hours_is_saved_with_its_warning(page: Page, server, calendar_salon, shot):
    log_in(page, server)
    for (label, width), start_time in zip(WIDTHS.items(), ("19:30", "20:30")):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/admin/reservation/create")
        page.locator(".select2-selection").first.click()
        page.locator(".select2-search__field").fill("もり")
        expect(page.locator(".select2-results__option").first).to_contain_text("森 花子")
        page.keyboard.press("Enter")
        page.fill("#start_date", (MONDAY + timedelta(days=3)).isoformat())
        page.fill("#start_time", start_time)
        page.get_by_label("カット", exact=True).check()
        _save(page)
        warning = page.locator(".alert-warning").first
        expect(warning).to_contain_text("営業時間外です（営業時間 10:00〜19:00）。")
        expect(page.locator(".alert-success")).to_contain_text("森 花子様の予約")
        expect(page).to_have_url(re.compile(rf"date={(MONDAY + timedelta(days=3)).isoformat()}"))
        shot(page, f"44-booking-outside-hours-{label}-{width}")
