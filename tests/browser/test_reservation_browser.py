"""The front desk in Chromium: a blacklisted customer cannot be booked from the admin (the refusal said
once), a customer owing a cancellation fee is booked with a warning, the ❗ mark of a caution customer
shows on the customer list, the reservation list and the day sheet (予約表), and the reservation list
keeps its status column in view with a long menu name.

Screenshots at 1366 px (the desk PC) and 820 px (the tablet) go to test-artifacts/screenshots/.
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
TOMORROW = (datetime.now(JST) + timedelta(days=1)).date()
WIDTHS = {"desk": 1366, "tablet": 820}
LONG_MENU = "【期間限定】髪質改善トリートメント＋カット＋カラー（ロング・リタッチ込み）プレミアムコース"

LOGIN = "mutation($input: LoginInput!) { login(input: $input) { token errors { message } } }"
CREATE_CUSTOMER = """mutation($input: CreateCustomerInput!) {
  createCustomer(input: $input) { customer { id customerNo } errors { message } } }"""
ADD_CAUTION = "mutation($input: AddFlagInput!) { addCaution(input: $input) { errors { message } } }"
ADD_BLACKLIST = "mutation($input: AddFlagInput!) { addToBlacklist(input: $input) { errors { message } } }"
MENUS = "{ menus { edges { node { id name } } } staff { edges { node { id } } } }"
BOOK = """mutation($input: CreateReservationInput!) {
  createReservation(input: $input) { reservation { id } errors { message } } }"""
NO_SHOW = """mutation($input: ReservationIdInput!) {
  markNoShow(input: $input) { reservation { status } errors { message } } }"""


def _graphql(server, query: str, variables: dict | None = None, token: str | None = None) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = httpx.post(f"{server.url}/graphql", json={"query": query, "variables": variables or {}},
                          headers=headers, timeout=30)
    assert response.status_code == 200, response.text
    body = response.json()
    assert not body.get("errors"), body["errors"]
    return body["data"]


def _customer(server, token: str, last: str, kana: str, phone: str) -> str:
    data = _graphql(server, CREATE_CUSTOMER, {"input": {
        "lastName": last, "firstName": "花子", "lastNameKana": kana, "firstNameKana": "ハナコ", "phone": phone,
        "email": f"{phone}@example.jp"}}, token)["createCustomer"]
    assert data["errors"] == [], data
    return data["customer"]["id"]



def _save(page: Page) -> None:
    page.locator("input[type=submit][name=save]").first.click()


@pytest.fixture(scope="module")
def salon(server, browser):
    """Customers, flags and a booking through GraphQL; the menu and the stylist through the admin forms."""
    token = _graphql(server, LOGIN, {"input": {"loginId": server.login_id, "password": server.password}}
                     )["login"]["token"]
    caution = _customer(server, token, "山田", "ヤマダ", "09011110001")
    listed = _customer(server, token, "黒田", "クロダ", "09011110002")
    owing = _customer(server, token, "青木", "アオキ", "09011110003")
    for document, customer, memo in ((ADD_CAUTION, caution, "遅刻が多い。来店時は店長が対応"),
                                     (ADD_BLACKLIST, listed, "無断キャンセル3回")):
        assert _graphql(server, document, {"input": {"customerId": customer, "memo": memo}}, token)
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo", base_url=server.url)
    violations = watch_policy(context)
    page = context.new_page()
    log_in(page, server)
    page.goto("/admin/menu/create")
    page.fill("#name", "カット")
    page.fill("#price", "5500")
    _save(page)
    page.goto("/admin/menu/create")
    page.fill("#name", LONG_MENU)
    page.fill("#price", "19800")
    _save(page)
    page.goto("/admin/staff-member/create")
    page.fill("#name", "高橋 美香")
    _save(page)
    context.close()
    assert not violations, violations
    catalog = _graphql(server, MENUS, token=token)
    menus = {edge["node"]["name"]: edge["node"]["id"] for edge in catalog["menus"]["edges"]}
    stylist = catalog["staff"]["edges"][0]["node"]["id"]

    def book(customer: str, hours: int, menu_ids: list[str], *, start: datetime | None = None, **extra) -> str:
        start = start or datetime.combine(TOMORROW, datetime.min.time(), JST) + timedelta(hours=hours)
        booked = _graphql(server, BOOK, {"input": {"customerId": customer, "startAt": start.isoformat(),
                                                   "menuIds": menu_ids, "channel": "PHONE", **extra}},
                          token)["createReservation"]
        assert booked["errors"] == [], booked
        return booked["reservation"]["id"]

    book(caution, 10, [menus["カット"]], staffId=stylist)
    book(owing, 12, [menus["カット"], menus[LONG_MENU]])
    # 青木 did not come a few minutes ago (a booking made just now: nothing still to come is created
    # further in the past): a no-show leaves 2,750円 unpaid.
    just_now = datetime.now(JST).replace(second=0, microsecond=0) - timedelta(minutes=3)
    missed = book(owing, 0, [menus["カット"]], start=just_now)
    no_show = _graphql(server, NO_SHOW, {"input": {"id": missed}}, token)["markNoShow"]
    assert no_show["errors"] == [] and no_show["reservation"]["status"] == "CANCEL_FEE_UNPAID", no_show
    return {"token": token}


def _at_each_width(page: Page, shot, name: str, url: str, check) -> None:
    """Open ``url`` at the desk and the tablet width (fresh, so the layout is the real one), check, shoot."""
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url)
        check(page)
        shot(page, f"{name}-{label}-{width}")


def _book(page: Page, kana: str, name: str, start_time: str) -> None:
    page.goto("/admin/reservation/create")
    # The customer picker searches in hiragana.
    page.locator(".select2-selection").first.click()
    page.locator(".select2-search__field").fill(kana)
    expect(page.locator(".select2-results__option").first).to_contain_text(name)
    page.keyboard.press("Enter")
    page.fill("#start_date", TOMORROW.isoformat())
    page.fill("#start_time", start_time)
    page.get_by_label("カット", exact=True).check()
    page.locator("input[type=submit][name=save]").first.click()


def test_a_blacklisted_customer_cannot_be_booked(page: Page, server, salon, shot) -> None:
    log_in(page, server)
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        _book(page, "くろだ", "黒田 花子", "15:00")
        expect(page.get_by_text("ブラックリストに登録されているため予約できません")).to_have_count(1)
        expect(page.get_by_role("alert").filter(has_text="ブラックリスト")).to_contain_text("無断キャンセル3回")
        expect(page).to_have_url(re.compile(r"/admin/reservation/create"))
        shot(page, f"21-reservation-refused-{label}-{width}")


def test_a_customer_owing_a_fee_is_booked_with_a_warning(page: Page, server, salon, shot) -> None:
    log_in(page, server)
    for (label, width), start_time in zip(WIDTHS.items(), ("16:00", "17:00")):
        page.set_viewport_size({"width": width, "height": 900})
        _book(page, "あおき", "青木 花子", start_time)
        expect(page).to_have_url(re.compile(r"/admin/reservation/list"))
        warning = page.locator(".alert-warning")
        expect(warning).to_have_count(1)
        expect(warning).to_contain_text("ご確認ください")
        expect(warning).to_contain_text("このお客様には未払いのキャンセル料があります。")
        expect(page.locator(".alert-success")).to_have_text(re.compile(
            rf"青木 花子様の予約（{TOMORROW:%Y/%m/%d}（.）{start_time}〜\d\d:\d\d）を登録しました。"))
        # The list is the booking's day: the new booking is in sight.
        expect(page).to_have_url(re.compile(rf"/admin/reservation/list\?date={TOMORROW.isoformat()}"))
        expect(page.locator("table tbody tr", has_text="青木 花子").first).to_be_visible()
        # One message under the other, both as wide as the page; 「ご確認ください」 on one line.
        success, notice = (page.locator(sel).bounding_box() for sel in (".alert-success", ".alert-warning"))
        assert success["x"] == notice["x"] and abs(success["width"] - notice["width"]) < 1, (success, notice)
        assert page.locator(".alert-warning .alert-title").bounding_box()["height"] < 30
        shot(page, f"25-reservation-fee-warning-{label}-{width}")


def _customer_list(page: Page) -> None:
    row = page.locator("table tbody tr", has_text="山田")
    expect(row.locator("span[title='遅刻が多い。来店時は店長が対応']", has_text="❗")).to_be_visible()
    expect(page.locator("table tbody tr", has_text="黒田").get_by_text("⛔")).to_be_visible()


def _reservation_list(page: Page) -> None:
    row = page.locator("table tbody tr", has_text="山田")
    expect(row.get_by_text("❗")).to_be_visible()
    expect(row).to_contain_text("遅刻が多い")


def _day_sheet(page: Page) -> None:
    card = page.locator(".day-sheet-column", has_text="高橋 美香").locator(".day-sheet-card")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("10:00〜11:00")
    expect(card.get_by_text("❗")).to_be_visible()
    expect(card).to_contain_text("山田 花子 様")


def _fits(page: Page) -> None:
    """No sideways scrolling; the long menu cut with … and whole in its tooltip; the status in view."""
    table = page.locator(".table-responsive")
    assert table.evaluate("e => e.scrollWidth <= e.clientWidth"), "the reservation list scrolls sideways"
    long_name = page.locator(f"table tbody tr [title='{LONG_MENU}']")
    expect(long_name).to_have_count(1)
    expect(long_name).to_be_visible()
    row = page.locator("table tbody tr").filter(has=page.locator(f"[title='{LONG_MENU}']"))
    expect(row).to_contain_text("青木 花子")
    assert long_name.evaluate("e => e.scrollWidth > e.clientWidth"), "the long menu name is not cut"
    status = row.get_by_text("予約中来店前")
    expect(status).to_be_visible()
    box, frame = status.bounding_box(), table.bounding_box()
    assert box["x"] + box["width"] <= frame["x"] + frame["width"], (box, frame)


def test_the_reservation_list_fits_with_a_long_menu_name(page: Page, server, salon, shot) -> None:
    log_in(page, server)
    _at_each_width(page, shot, "26-reservation-list-long-menu", f"/admin/reservation/list?date={TOMORROW.isoformat()}",
                   _fits)


def test_caution_mark_on_every_list(page: Page, server, salon, shot) -> None:
    log_in(page, server)
    _at_each_width(page, shot, "22-customer-list-mark", "/admin/customer/list", _customer_list)
    _at_each_width(page, shot, "23-reservation-list-mark", f"/admin/reservation/list?date={TOMORROW.isoformat()}",
                   _reservation_list)
    _at_each_width(page, shot, "24-day-sheet-mark", f"/admin/day-sheet?date={TOMORROW.isoformat()}", _day_sheet)


def _no_sideways_scrolling(page: Page) -> None:
    expect(page.locator("table tbody tr").first).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    table = page.locator(".table-responsive")
    assert table.evaluate("e => e.scrollWidth <= e.clientWidth"), "the list scrolls sideways"


def test_flag_and_fee_lists_fit(page: Page, server, salon, shot) -> None:
    log_in(page, server)
    _at_each_width(page, shot, "27-caution-list", "/admin/caution/list", _no_sideways_scrolling)
    _at_each_width(page, shot, "28-blacklist", "/admin/blacklist-entry/list", _no_sideways_scrolling)
    _at_each_width(page, shot, "29-cancellation-fees", "/admin/cancellation-fee/list", _no_sideways_scrolling)
    expect(page.locator("table tbody tr", has_text="青木").get_by_role("button", name="取り消す")).to_be_visible()


def _audit_log(page: Page) -> None:
    """Reservation entries in Japanese labels, Japan time, the customer by name and number."""
    _no_sideways_scrolling(page)
    table = page.locator("table")
    expect(table).to_contain_text("操作: 無断キャンセル")
    expect(table).to_contain_text(re.compile(r"お客様: 青木 花子（お客様番号 \w+）"))
    expect(table).to_contain_text(re.compile(r"開始日時: \d{4}/\d\d/\d\d \d\d:\d\d"))
    for raw in ("operation", "start_at", "customer_id", "+00:00"):
        expect(table).not_to_contain_text(raw)
    expect(page.locator("thead")).to_contain_text("種類")


def test_the_audit_log_reads_in_japanese(page: Page, server, salon, shot) -> None:
    log_in(page, server)
    _at_each_width(page, shot, "30-audit-log", "/admin/audit-log/list?search=reservation", _audit_log)


def _pick(page: Page, kana: str) -> None:
    page.locator(".select2-selection").first.click()
    page.locator(".select2-search__field").fill(kana)


def test_the_customer_picker_marks_and_warns_at_once(page: Page, server, salon, shot) -> None:
    """❗ with the memo and ⛔ in the picker's options; choosing the blacklisted customer says so under
    the picker before anything else is filled in."""
    log_in(page, server)
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/admin/reservation/create")
        _pick(page, "やまだ")
        option = page.locator(".select2-results__option").first
        expect(option).to_contain_text("❗")
        expect(option).to_contain_text("遅刻が多い。来店時は店長が対応")
        shot(page, f"31-picker-caution-{label}-{width}")
        page.locator(".select2-search__field").fill("くろだ")
        expect(page.locator(".select2-results__option").first).to_contain_text("⛔ ")
        page.keyboard.press("Enter")
        warning = page.locator(".picker-warning")
        expect(warning).to_have_count(1)
        expect(warning).to_contain_text("ブラックリストに登録されているため予約できません")
        expect(warning).to_contain_text("無断キャンセル3回")
        shot(page, f"32-picker-blacklisted-{label}-{width}")


def test_the_reschedule_form_and_the_cancel_confirmation_name_the_booking(page: Page, server, salon, shot) -> None:
    log_in(page, server)
    page.goto(f"/admin/reservation/list?date={TOMORROW.isoformat()}")
    row = page.locator("table tbody tr", has_text="山田 花子")
    edit_url = row.locator("a[href*='/admin/reservation/edit/']").first.get_attribute("href")
    details_url = edit_url.replace("/edit/", "/details/")

    def reschedule_form(page: Page) -> None:
        expect(page.locator("#reschedule-target")).to_contain_text(
            re.compile(r"山田 花子様（お客様番号 \w+）の予約 .+10:00〜11:00 を変更します"))
        expect(page.locator("#reschedule-target")).to_contain_text("担当スタッフ 高橋 美香")
        expect(page.locator("input[type=submit][name=save]")).to_have_count(1)
        expect(page.get_by_text("保存してさらに追加")).to_have_count(0)

    _at_each_width(page, shot, "33-reschedule-form", edit_url, reschedule_form)
    asked: list[str] = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.goto(details_url)
    page.get_by_role("button", name="お客様都合でキャンセル").click()
    expect(page).to_have_url(re.compile(r"/admin/reservation/details/"))
    assert len(asked) == 1 and re.fullmatch(
        r"山田 花子様の予約（.+10:00〜11:00）をお客様都合でキャンセルします。キャンセル料はかかりません。よろしいですか？",
        asked[0]), asked


def test_the_customer_page_from_the_list(page: Page, server, salon, shot) -> None:
    """顧客カルテ: opened from a search of the list, ❗ with its memo in the header, the upcoming booking,
    a history with the no-show's fee, 「予約する」 opening the form with the customer chosen, and
    「戻る」 back to the list as it was searched; nothing wider than the desk or the tablet."""
    log_in(page, server)
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/admin/customer/list?search=やまだ")
        page.locator("table tbody tr").first.locator("a[href*='/details/']").click()
        header = page.get_by_test_id("customer-header")
        expect(header.get_by_test_id("customer-name")).to_have_text(re.compile(r"❗\s*山田 花子 様"))
        expect(header.get_by_test_id("customer-flags")).to_contain_text("遅刻が多い。来店時は店長が対応")
        expect(page.locator("#upcoming")).to_contain_text("カット")
        expect(page.locator("#upcoming")).to_contain_text("高橋 美香")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        shot(page, f"customer-page-{label}-{width}-01-caution")

        header.get_by_role("link", name="予約する").click()
        expect(page).to_have_url(re.compile(r"/admin/reservation/create\?customer_id=\d+"))
        expect(page.locator(".select2-selection__rendered").first).to_contain_text("山田 花子")
        page.go_back()
        page.get_by_test_id("customer-header").get_by_role("link", name="戻る").click()
        expect(page).to_have_url(re.compile(r"/admin/customer/list\?search="))
        expect(page.locator("#search-input")).to_have_value("やまだ")

        page.goto("/admin/customer/list?search=あおき")
        page.locator("table tbody tr").first.locator("a[href*='/details/']").click()
        history = page.locator("#history")
        expect(history).to_contain_text("キャンセル料未払い")
        expect(history).to_contain_text("キャンセル料 2,750円")
        expect(page.get_by_test_id("unpaid-fee")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        shot(page, f"customer-page-{label}-{width}-02-history")
