"""顧客の一括登録 in Chromium: download the template, fill it, インポート, read the notice, 確認.

Screenshots: test-artifacts/screenshots/20-import-page.png, 21-import-notice.png, 22-import-closed.png.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.test_admin_browser import _log_in
from tests.import_files import fill_template


def test_manager_imports_the_filled_template_and_reads_the_notice(page: Page, server, shot, tmp_path) -> None:
    _log_in(page, server)
    page.goto("/admin/customer-import")
    expect(page.get_by_role("heading", name="一括登録の手順")).to_be_visible()
    shot(page, "20-import-page")

    with page.expect_download() as download:
        page.click("#template-download")
    assert download.value.suggested_filename == "顧客情報テンプレート.xlsx"
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)

    filled = tmp_path / "顧客情報テンプレート.xlsx"
    filled.write_bytes(fill_template(template.read_bytes(), [
        [None, "青木", "真由", "ｱｵｷ", "まゆ", "０８０−２２２２−３３３３", "mayu@example.jp", "H2.4.1", "女性"],
        [None, "石井", "健", "イシイ", "ケン", "080-4444-5555"],
        [None, "", "名だけ"],
        [None, "青木", "まゆ", "アオキ", "マユ", "08022223333"],
    ]))
    page.set_input_files("#import-file", str(filled))
    page.click("#import-submit")

    notice = page.locator("#import-notice")
    expect(notice).to_contain_text("インポートできました。")
    expect(page.locator("#count-success")).to_have_text("成功 2件")
    expect(page.locator("#count-error")).to_have_text("データエラー 1件")
    expect(page.locator("#count-existing")).to_have_text("すでに存在する顧客 1件")
    expect(page.locator("#rows-error")).to_contain_text("姓を入力してください。")
    expect(page.locator("#rows-existing")).to_contain_text("4行目")
    shot(page, "21-import-notice")

    page.click("#notice-ok")
    expect(notice).to_be_hidden()
    shot(page, "22-import-closed")

    page.goto("/admin/customer/list")
    page.fill("#search-input", "あおき")
    page.click("#search-button")
    expect(page).to_have_url(re.compile(r"search="))
    expect(page.locator("table tbody")).to_contain_text("青木")
