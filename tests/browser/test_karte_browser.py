"""カルテ in Chromium at 1366 and 820 px: the masters, a karte entry from them (a 参照項目 phrase goes
into the text, then edited), 「前回コピー」, a visit memo marked as health information, an image
upload, and the 営業報告 search screen.

Screenshots: test-artifacts/screenshots/karte-<width>-NN-*.png (look at them).
"""

from __future__ import annotations

import io
import re

import httpx
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import log_in

LOGIN = "mutation($input: LoginInput!) { login(input: $input) { token errors { message } } }"
CREATE_CUSTOMER = """mutation($input: CreateCustomerInput!) {
  createCustomer(input: $input) { customer { id } errors { message } } }"""


def _graphql(server, query: str, variables: dict, token: str | None = None) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = httpx.post(f"{server.url}/graphql", json={"query": query, "variables": variables},
                          headers=headers, timeout=30)
    assert response.status_code == 200 and not response.json().get("errors"), response.text
    return response.json()["data"]


def _jpeg(tmp_path) -> str:
    path = tmp_path / "before.jpg"
    image = Image.new("RGB", (320, 240), "white")
    image.paste((200, 80, 80), (0, 0, 160, 240))
    out = io.BytesIO()
    image.save(out, format="JPEG")
    path.write_bytes(out.getvalue())
    return str(path)


def _save(page) -> None:
    page.locator("input[type=submit][name=save]").first.click()


def test_karte_from_masters_copy_previous_memo_image_and_reports(desk, server, shot, tmp_path) -> None:
    page, width = desk
    n = lambda name: f"karte-{width}-{name}"  # noqa: E731
    token = _graphql(server, LOGIN, {"input": {"loginId": server.login_id, "password": server.password}}
                     )["login"]["token"]
    created = _graphql(server, CREATE_CUSTOMER, {"input": {
        "lastName": "香取", "firstName": "恵", "lastNameKana": "カトリ", "firstNameKana": "メグミ",
        "phone": f"0907777{width:04d}", "email": f"katori{width}@example.jp"}}, token)["createCustomer"]
    customer_id = created["customer"]["id"]
    log_in(page, server)

    # The masters, edited in the admin (a category per width: names are unique).
    category = f"カラー{width}"
    page.goto("/admin/karte-category/create")
    page.fill("#name", category)
    _save(page)
    page.goto("/admin/karte-detail/create")
    page.select_option("#category", label=category)
    page.fill("#name", "薬剤")
    _save(page)
    page.goto("/admin/karte-phrase/create")
    page.fill("#text", f"根元から塗布（{category}）")
    if page.locator("#category_id").count():
        page.select_option("#category_id", label=category)
    _save(page)

    # A karte entry from the masters: the phrase goes into the text, which is then edited.
    page.goto(f"/admin/karte-entry/list?customer_id={customer_id}")
    expect(page.get_by_text("香取 恵").first).to_be_visible()
    page.get_by_role("link", name="新規登録").first.click()
    page.fill("[name=visit_date]", "2026-11-01")
    page.select_option("[name=category_id]", label=category)
    page.select_option("[name=detail_id]", label=f"{category} / 薬剤")
    page.select_option("[name=phrase]", value=f"根元から塗布（{category}）")
    expect(page.locator("[name=text]")).to_have_value(f"根元から塗布（{category}）")
    page.fill("[name=text]", f"根元から塗布（{category}） 6%")
    shot(page, n("01-entry-form"))
    _save(page)
    expect(page.locator(".flash-messages .alert")).to_contain_text("技術カルテを登録しました。")
    shot(page, n("02-karte-list"))

    # 前回コピー: the form starts from the latest entry; the copy is edited and saved as a new entry.
    page.get_by_role("link", name="前回コピー").first.click()
    expect(page.locator("[name=text]")).to_have_value(f"根元から塗布（{category}） 6%")
    page.fill("[name=visit_date]", "2026-12-01")
    page.fill("[name=text]", f"根元から塗布（{category}） 9%")
    shot(page, n("03-copy-previous"))
    _save(page)
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("9%")
    page.select_option("#visit-date", value="2026-11-01")
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody tr").first).to_contain_text("6%")
    shot(page, n("04-visit-date-picker"))

    # A visit memo marked as health information.
    page.goto(f"/admin/visit-memo/create?customer_id={customer_id}")
    page.fill("[name=visit_date]", "2026-12-01")
    page.fill("[name=text]", "ジアミンにかぶれやすい")
    page.check("[name=is_health_info]")
    _save(page)
    expect(page.get_by_text("健康情報").first).to_be_visible()
    shot(page, n("05-visit-memos"))

    # An image: uploaded, then shown in the list.
    page.goto(f"/admin/karte-image/list?customer_id={customer_id}")
    page.get_by_role("link", name="画像を登録").click()
    page.set_input_files("#image-file", _jpeg(tmp_path))
    page.fill("#image-caption", "施術前")
    page.get_by_role("button", name="登録する").click()
    expect(page).to_have_url(re.compile(rf"/admin/karte-image/list\?customer_id={customer_id}"))
    image = page.locator("tbody img").first
    expect(image).to_be_visible()
    assert page.evaluate("(img) => img.naturalWidth", image.element_handle()) == 320
    shot(page, n("06-images"))

    # 営業報告: the search form by name part and reservation days, with リセット.
    page.goto("/admin/sales-report/list")
    page.fill("#report-name", "かとり")
    page.fill("#report-from", "2026-11-01")
    page.get_by_role("button", name="検索").click()
    expect(page).to_have_url(re.compile(r"name=%E3%81%8B%E3%81%A8%E3%82%8A"))
    expect(page.locator("#report-name")).to_have_value("かとり")
    shot(page, n("07-sales-report-search"))
    page.get_by_role("link", name="リセット").click()
    expect(page.locator("#report-name")).to_have_value("")
    box = page.locator("[data-testid=report-search]").bounding_box()
    assert box is not None and box["x"] + box["width"] <= width
