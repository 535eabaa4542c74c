"""The front desk on a desktop (1366 px) and on an iPad (820 px): messages after each action, the
delete dialog naming the customer, required marks and 流入経路 checkboxes, prices with separators,
and a customer list whose phone column and search box stay in view.

Screenshots: test-artifacts/screenshots/front-desk-<width>-NN-*.png (look at them).
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

PHISHING = "システムエラー：http://evil.example にアクセスしてください"


def _alert(page: Page):
    return page.locator(".flash-messages .alert")


def _save(page: Page) -> None:
    page.locator("input[type=submit][name=save]").first.click()


def _right_edge(page: Page, selector: str) -> float:
    box = page.locator(selector).first.bounding_box()
    assert box, selector
    return box["x"] + box["width"]


def _box(page: Page, selector: str) -> dict:
    box = page.locator(selector).first.bounding_box()
    assert box, selector
    return box


def _middle(box: dict) -> float:
    return box["y"] + box["height"] / 2


def test_front_desk_at_desktop_and_tablet_width(desk, server, shot) -> None:
    page, width = desk
    n = lambda name: f"front-desk-{width}-{name}"  # noqa: E731
    phone_digits = f"0905555{width:04d}"
    phone = f"{phone_digits[:3]}-{phone_digits[3:7]}-{phone_digits[7:]}"

    # Logged in, the menu is a sidebar on a desktop and folds behind a メニュー button on a tablet.
    page.goto("/admin/login")
    page.fill("input[name=username]", server.login_id)
    page.fill("input[name=password]", server.password)
    page.get_by_role("button", name="ログイン").click()
    expect(page).not_to_have_url(re.compile(r"/admin/login"))
    toggler = page.get_by_role("button", name="メニューを開く")
    if width < 992:
        expect(toggler).to_be_visible()
        expect(page.get_by_text("顧客管理", exact=True).first).to_be_hidden()
        toggler.click()
        expect(page.get_by_text("顧客管理", exact=True).first).to_be_visible()
    else:
        expect(toggler).to_be_hidden()
        expect(page.get_by_text("顧客管理", exact=True).first).to_be_visible()
    shot(page, n("01-menu"))

    # A list starts right under the top bar (no empty title band); on a tablet the salon's name,
    # メニュー and ログアウト sit on one line.
    page.goto("/admin/customer/list")
    card_top = _box(page, ".card").get("y")
    top = _box(page, "aside.navbar-vertical")
    assert card_top - (top["y"] + top["height"] if width < 992 else 0) <= 40, card_top
    if width < 992:
        middles = [_middle(_box(page, s)) for s in (".navbar-brand", "#navbar-menu .navbar-toggler",
                                                     "#logout-form button")]
        assert max(middles) - min(middles) <= 2, middles

    # A manager registers a menu: told so at the top of the page, and the price reads 24,750円.
    page.goto("/admin/menu/create")
    page.fill("#name", f"縮毛矯正{width}")
    page.fill("#price", "24750")
    page.fill("#duration_minutes", "180")
    _save(page)
    expect(_alert(page)).to_have_text(re.compile(f"メニュー「縮毛矯正{width}」を登録しました。"))
    expect(page.locator("table tbody")).to_contain_text("24,750円")
    shot(page, n("02-menu-registered"))

    page.goto("/admin/inflow-route/create")
    page.fill("#name", f"Instagram{width}")
    _save(page)
    expect(_alert(page)).to_contain_text("を登録しました。")

    # The registration form: red marks on what a full registration needs, 流入経路 as checkboxes.
    page.goto("/admin/customer/create")
    # キャンセル and the three save buttons on one line, 保存 in the primary colour.
    buttons = [_middle(_box(page, s)) for s in ("form a.btn", "input[name=save] >> nth=0", "input[name=save] >> nth=2")]
    assert max(buttons) - min(buttons) <= 2, buttons
    save, other = page.locator("input[name=save]").nth(0), page.locator("input[name=save]").nth(1)
    colour = "e => getComputedStyle(e).backgroundColor"
    assert save.evaluate(colour) != other.evaluate(colour)
    for field in ("last_name", "first_name", "last_name_kana", "first_name_kana", "phone", "email"):
        expect(page.locator(f"label[for={field}]")).to_have_class(re.compile("required-label"))
    expect(page.locator("label[for=birth_date]")).not_to_have_class(re.compile("required-label"))
    expect(page.get_by_text("は必須項目です。")).to_be_visible()
    page.fill("#last_name", "五十嵐")
    page.fill("#first_name", "剛")
    page.fill("#last_name_kana", "いがらし")
    page.fill("#first_name_kana", "つよし")
    page.fill("#phone", phone_digits)
    page.fill("#email", f"igarashi{width}@example.jp")
    page.get_by_label(f"Instagram{width}").check()
    page.locator("#inflow_route_ids").scroll_into_view_if_needed()
    shot(page, n("03-customer-form"))
    _save(page)
    expect(_alert(page)).to_have_text(re.compile(r"五十嵐 剛 様（お客様番号 \w+）を登録しました。"))
    shot(page, n("04-customer-registered"))

    # The list: the phone column and the search box are in view, nothing cut off at the right.
    page.fill("#search-input", phone_digits)
    page.click("#search-button")
    row = page.locator("table tbody tr").first
    expect(row).to_contain_text(phone)
    phone_cell = row.locator("td", has_text=phone)
    assert _right_edge(page, f"table tbody tr >> td:has-text('{phone}')") <= width
    expect(phone_cell).to_be_in_viewport()
    assert _right_edge(page, "#search-reset") <= width
    assert page.locator("#search-input").bounding_box()["width"] >= 250
    shot(page, n("05-customer-list"))

    # The edit form shows the phone as the list does, and the ticked route; saving says 保存しました.
    row.locator("a[href*='/edit/']").click()
    expect(page.locator("#phone")).to_have_value(phone)
    expect(page.get_by_label(f"Instagram{width}")).to_be_checked()
    page.fill("#address_line", "1-2-3")
    _save(page)
    expect(_alert(page)).to_have_text(re.compile(r"五十嵐 剛 様（お客様番号 \w+）を保存しました。"))
    shot(page, n("06-customer-saved"))

    # Deleting: the dialog names the customer; afterwards the page says it was deleted.
    page.goto(f"/admin/customer/list?search={phone_digits}")
    page.locator("table tbody tr").first.locator("a[data-bs-target='#modal-delete']").click()
    dialog = page.locator("#modal-delete-text")
    expect(dialog).to_have_text(re.compile(r"五十嵐 剛 様（お客様番号 \w+）を削除します。よろしいですか？"))
    shot(page, n("07-delete-dialog"))
    page.locator("#modal-delete-button").click()
    expect(_alert(page)).to_have_text(re.compile(r"五十嵐 剛 様（お客様番号 \w+）を削除しました。"))
    shot(page, n("08-customer-deleted"))

    # A link carrying its own "error" text shows nothing of it.
    page.goto(f"/admin/customer/list?error={PHISHING}")
    expect(page.locator("table")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("システムエラー")
    expect(_alert(page)).to_have_count(0)
    shot(page, n("09-link-with-error"))
