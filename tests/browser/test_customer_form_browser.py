"""The profile form where it helps the front desk (1366 px and the 820 px tablet): seven digits in
郵便番号 fill 都道府県 / 市区町村 / 住所 without leaving the page, an unknown code says so under the
field, and a birth date typed in 和暦 is saved (a wrong one is refused in Japanese on the page).

Screenshots: test-artifacts/screenshots/customer-form-<width>-NN-*.png (look at them).
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import log_in


def test_postal_code_fills_the_address_and_wareki_birth_dates(desk, server, shot) -> None:
    page, width = desk
    n = lambda name: f"customer-form-{width}-{name}"  # noqa: E731
    log_in(page, server)
    page.goto("/admin/customer/create")
    page.fill("#last_name", "中野")
    page.fill("#first_name", "春子")
    page.fill("#last_name_kana", "なかの")
    page.fill("#first_name_kana", "はるこ")
    page.fill("#phone", f"0906666{width:04d}")
    page.fill("#email", f"haruko{width}@example.jp")

    # An unknown code: said under the field, nothing filled.
    page.locator("#postal_code").press_sequentially("0000000")
    note = page.locator(".postal-note")
    expect(note).to_have_text("郵便番号 000-0000 に該当する住所が見つかりません。")
    expect(page.locator("#prefecture")).to_have_value("")

    # Typed in full-width digits, as a Japanese keyboard often sends them.
    page.fill("#postal_code", "")
    page.locator("#postal_code").press_sequentially("１６４０００１")
    expect(note).to_have_text("〒164-0001 東京都中野区中野 を入力しました。")
    expect(page.locator("#postal_code")).to_have_value("164-0001")
    expect(page.locator("#prefecture")).to_have_value("東京都")
    expect(page.locator("#city")).to_have_value("中野区")
    expect(page.locator("#address_line")).to_have_value("中野")
    page.fill("#address_line", "中野5-1-1 サロンビル2F")

    # A 和暦 date outside its era is refused on the page, with the rest of the form kept.
    page.fill("#birth_date", "平成31年5月1日")
    page.locator("#postal_code").scroll_into_view_if_needed()
    shot(page, n("01-address-filled"))
    page.locator("input[type=submit][name=save]").first.click()
    refusal = page.locator(".invalid-feedback", has_text="平成31年5月1日は平成の期間外の日付です。")
    expect(refusal).to_be_visible()
    expect(page.locator("#address_line")).to_have_value("中野5-1-1 サロンビル2F")
    refusal.scroll_into_view_if_needed()
    shot(page, n("02-wareki-refused"))

    page.fill("#birth_date", "H2.4.1")
    page.locator("input[type=submit][name=save]").first.click()
    expect(page.locator(".flash-messages .alert")).to_have_text(re.compile("中野 春子 様.*を登録しました。"))
    page.goto(f"/admin/customer/list?search=0906666{width:04d}")
    page.locator("table tbody tr").first.locator("a[href*='/details/']").click()
    details = page.locator("table").first
    expect(details).to_contain_text("164-0001")
    expect(details).to_contain_text("1990/04/01（平成2年4月1日）")
    expect(details).to_contain_text("中野5-1-1 サロンビル2F")
    shot(page, n("03-details"))
