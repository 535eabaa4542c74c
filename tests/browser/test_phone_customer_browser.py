"""新規電話予約 in Chromium at 1366 and 820 px: the list, 「+新規登録」 with names and phone only, a
duplicate phone named, and the booking form opened with the new customer chosen.

Screenshots: test-artifacts/screenshots/phone-customer-<width>-NN-*.png (look at them).
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import log_in


def test_phone_registration_then_booking(desk, server, shot) -> None:
    page, width = desk
    n = lambda name: f"phone-customer-{width}-{name}"  # noqa: E731
    digits = f"0906666{width:04d}"
    log_in(page, server)

    page.goto("/admin/phone-customer/list")
    expect(page.get_by_role("heading", name="新規電話予約").first).to_be_visible()
    shot(page, n("01-list"))

    page.get_by_role("link", name=re.compile("新規登録")).first.click()
    expect(page).to_have_url(re.compile(r"/admin/phone-customer/create"))
    for name in ("last_name", "first_name", "last_name_kana", "first_name_kana", "phone"):
        expect(page.locator(f"[name={name}]")).to_be_visible()
    expect(page.locator("[name=email]")).to_have_count(0)
    page.fill("[name=last_name]", "電話")
    page.fill("[name=first_name]", "ﾊﾅｺ")
    page.fill("[name=last_name_kana]", "でんわ")
    page.fill("[name=phone]", f"{digits[:3]}-{digits[3:7]}-{digits[7:]}")
    shot(page, n("02-form"))
    page.locator("input[type=submit][name=save]").first.click()

    # The booking form, with the customer chosen and the registration said.
    expect(page).to_have_url(re.compile(r"/admin/reservation/create\?customer_id=\d+"))
    expect(page.locator(".flash-messages .alert")).to_contain_text("電話 ハナコ 様")
    expect(page.locator(".select2-selection__rendered").first).to_contain_text("電話 ハナコ")
    shot(page, n("03-booking-form"))

    # The same phone again is refused with the customer it belongs to; nothing else happens.
    page.goto("/admin/phone-customer/create")
    page.fill("[name=last_name]", "別人")
    page.fill("[name=first_name]", "太郎")
    page.fill("[name=phone]", digits)
    page.locator("input[type=submit][name=save]").first.click()
    expect(page.get_by_text(re.compile("この電話番号は既にお客様番号「.*」電話 ハナコ様が登録しています。")).first) \
        .to_be_visible()
    expect(page.get_by_text("このメールアドレスは既に")).to_have_count(0)  # the phone is said once
    shot(page, n("04-duplicate"))

    page.goto("/admin/phone-customer/list")
    row = page.locator("tbody tr", has_text=f"{digits[:3]}-{digits[3:7]}-{digits[7:]}")
    expect(row).to_have_count(1)  # once, though the phone was tried twice
    expect(row).to_contain_text("電話 ハナコ")
    shot(page, n("05-list-registered"))
