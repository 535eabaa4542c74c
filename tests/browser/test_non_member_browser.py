"""非会員 in Chromium at 1366 and 820 px: a walk-in recorded from the admin, listed on its day, and
registered as a customer whose page opens with one visit.

Screenshots: test-artifacts/screenshots/non-member-<width>-NN-*.png (look at them).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.browser.conftest import log_in


def test_a_walk_in_becomes_a_customer(desk, server, shot) -> None:
    page, width = desk
    n = lambda name: f"non-member-{width}-{name}"  # noqa: E731
    log_in(page, server)
    page.goto("/admin/menu/create")
    page.fill("[name=name]", f"カット{width}")
    page.fill("[name=price]", "5000")
    page.fill("[name=duration_minutes]", "60")
    page.locator("input[type=submit][name=save]").first.click()

    yesterday = (datetime.now(ZoneInfo("Asia/Tokyo")) - timedelta(days=1)).date().isoformat()
    page.goto("/admin/non-member/list")
    page.get_by_role("link", name=re.compile("非会員の来店を記録")).click()
    page.fill("[name=guest_name]", f"飛込 花子{width}")
    page.fill("[name=guest_phone]", f"090-5555-{width:04d}")
    page.fill("[name=start_date]", yesterday)
    page.fill("[name=start_time]", "11:00")
    page.get_by_label(f"カット{width}").check()
    shot(page, n("01-form"))
    page.locator("input[type=submit][name=save]").first.click()

    page.goto(f"/admin/non-member/list?date={yesterday}")
    row = page.locator("tbody tr", has_text=f"飛込 花子{width}")
    expect(row).to_contain_text(f"090-5555-{width:04d}")
    shot(page, n("02-list"))
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    row.get_by_role("button", name="会員登録").click()
    expect(page).to_have_url(re.compile(r"/admin/customer/details/\d+"))
    expect(page.get_by_text("非会員から登録")).to_be_visible()
    shot(page, n("03-customer"))
