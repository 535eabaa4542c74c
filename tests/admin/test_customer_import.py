"""顧客の一括登録 in the admin: template, upload, dry run then 登録する, history, hostile files."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from sqlalchemy import select

from models import Customer, CustomerImport
from tests.admin.helpers import csrf_from
from tests.import_files import fill_template, hostile_files, xlsx
from tests.factories import count_rows

PAGE = "/admin/customer-import"
HEADERS = ["姓*", "名*", "セイ", "メイ", "電話番号", "メールアドレス"]
HOSTILE = hostile_files()


async def upload(client, name: str, data: bytes, mode: str = "import", encoding: str = "auto"):
    page = await client.get(PAGE)
    assert page.status_code == 200, page.text
    return await client.http.post(f"{PAGE}/upload", data={"csrf_token": csrf_from(page.text), "mode": mode,
                                                           "encoding": encoding},
                                  files={"file": (name, data, "application/octet-stream")}, follow_redirects=True)


async def test_manager_downloads_the_template_and_imports_it_back(manager, db):
    page = await manager.get(PAGE)
    assert "テンプレートダウンロード" in page.text and "インポート" in page.text
    template = await manager.get(f"{PAGE}/template")
    assert template.status_code == 200
    assert "%E9%A1%A7%E5%AE%A2%E6%83%85%E5%A0%B1" in template.headers["content-disposition"]  # 顧客情報…
    filled = fill_template(template.content, [
        [None, "佐藤", "一郎", "サトウ", "イチロウ", "090-1111-2222"],
        [None, "鈴木", "花", "スズキ", "ハナ", "09022223333"],
        [None, "高橋", "実", "タカハシ", "ミノル", "", "minoru@example.jp"],
    ])
    result = await upload(manager, "顧客情報テンプレート.xlsx", filled)
    assert result.status_code == 200
    assert "インポートできました。" in result.text and "成功 3件" in result.text
    assert "データエラー 0件" in result.text and "すでに存在する顧客 0件" in result.text
    assert 'id="notice-ok"' in result.text and await count_rows(db) == 3


async def test_dry_run_then_register(manager, db):
    data = xlsx([HEADERS, ["山田", "花子", "", "", "09012345678", ""], ["", "名のみ", "", "", "", ""]])
    preview = await upload(manager, "a.xlsx", data, mode="dry_run")
    assert "確認結果（まだ登録していません）" in preview.text and "成功 1件" in preview.text
    assert "姓を入力してください。" in preview.text and await count_rows(db) == 0
    action = re.search(r'action="([^"]+/confirm)"', preview.text).group(1)
    done = await manager.http.post(action, data={"csrf_token": csrf_from(preview.text)}, follow_redirects=True)
    assert "インポートできました。" in done.text and await count_rows(db) == 1
    import_id = int(action.removesuffix("/confirm").rsplit("/", 1)[1])
    sheet = openpyxl.load_workbook(io.BytesIO((await manager.get(f"{PAGE}/{import_id}/results.xlsx")).content)).active
    assert [c.value for c in sheet[3]][:3] == [3, "データエラー", "姓*"]
    history = await manager.get("/admin/customer-import/list")
    assert history.status_code == 200 and "a.xlsx" in history.text and "登録済み" in history.text


async def test_csv_mapping_step_is_shown_and_remap_is_kept(manager, db):
    data = "番号,氏,名前,備考欄\r\n1,山田,花子,メモ\r\n".encode("cp932")
    preview = await upload(manager, "old.csv", data)  # インポート on a new layout only previews it
    assert "列の対応" in preview.text and await count_rows(db) == 0
    action = re.search(r'action="([^"]+/remap)"', preview.text).group(1)
    remapped = await manager.http.post(action, data={
        "csrf_token": csrf_from(preview.text), "map_0": "customer_no", "map_1": "last_name",
        "map_2": "first_name", "map_3": "notes"}, follow_redirects=True)
    assert "成功 1件" in remapped.text and await count_rows(db) == 0, re.findall(r"import-error\">([^<]+)<|badge[^>]+>([^<]+)<", remapped.text)
    confirm = re.search(r'action="([^"]+/confirm)"', remapped.text).group(1)
    await manager.http.post(confirm, data={"csrf_token": csrf_from(remapped.text)})
    async with db.sessionmaker() as session:
        customer = await session.scalar(select(Customer))
    assert (customer.customer_no, customer.last_name, customer.first_name, customer.notes) == ("1", "山田", "花子", "メモ")


async def test_staff_cannot_reach_the_import(staff, db):
    assert (await staff.get(PAGE)).status_code in (302, 403)
    assert (await staff.get(f"{PAGE}/template")).status_code in (302, 403)
    page = await staff.get("/admin/")
    assert "顧客の一括登録" not in page.text


@pytest.mark.parametrize("kind", list(HOSTILE))
async def test_hostile_files_get_a_japanese_error_and_write_nothing(manager, db, client, kind):
    name, data, fragment = HOSTILE[kind]
    response = await upload(manager, name, data)
    assert response.status_code == 400, response.text[:500]
    assert fragment in re.search(r'id="import-error">([^<]+)<', response.text).group(1)
    assert await count_rows(db) == 0 and await count_rows(db, CustomerImport) == 0
    assert (await client.get("/healthz")).json()["status"] == "ok"


async def test_an_upload_over_the_size_limit_is_refused_before_parsing(manager, db, app):
    limit = app.state.settings.import_max_bytes
    page = await manager.get(PAGE)
    response = await manager.http.post(f"{PAGE}/upload", data={"csrf_token": csrf_from(page.text)},
                                       files={"file": ("big.xlsx", b"PK\x03\x04" + b"\0" * (limit + 1_000_001))})
    assert response.status_code == 413 and "大きすぎます" in response.text
    assert await count_rows(db, CustomerImport) == 0


FORMULA = '=CONCATENATE("VIP","会員")'


async def test_a_formula_and_every_other_problem_of_a_row_are_shown_with_its_name(manager, db):
    data = xlsx([["姓*", "名*", "電話番号", "メールアドレス", "備考"],
                 ["山田", "花子", "12345", "not-an-email", FORMULA],
                 ["佐藤", "一郎", "090-1111-2222", "", "メモ"]])
    result = await upload(manager, "formula.xlsx", data)
    assert result.status_code == 200 and "成功 1件" in result.text and "データエラー 1件" in result.text
    row = re.search(r"<tr><td>2</td><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td>", result.text)
    assert row is not None, result.text[-3000:]
    name, column, message = row.groups()
    assert name == "山田 花子" and column == "電話番号、メールアドレス、備考"
    assert "備考が数式のため取り込めません" in message and "電話番号" in message and "メールアドレス" in message
    async with db.sessionmaker() as session:
        assert set((await session.scalars(select(Customer.last_name))).all()) == {"佐藤"}


async def test_a_file_one_row_over_the_limit_is_refused_at_once(manager, db):
    from tests.import_files import many_rows

    response = await upload(manager, "big.xlsx", many_rows(100_001, declared=False))
    assert response.status_code == 400
    assert re.search(r'id="import-error">([^<]+)<', response.text).group(1) == (
        "行数が多すぎます（上限 100,000 行）。ファイルを分けて取り込んでください。")
    assert await count_rows(db) == 0 and await count_rows(db, CustomerImport) == 0


async def test_random_bytes_named_xlsx_are_told_they_are_not_an_excel_file(manager, db):
    from tests.import_files import NOT_EXCEL, RANDOM_BYTES

    response = await upload(manager, "customers.xlsx", RANDOM_BYTES)
    message = re.search(r'id="import-error">([^<]+)<', response.text).group(1)
    assert response.status_code == 400 and message.startswith(NOT_EXCEL) and "CSV" not in message
    assert await count_rows(db) == 0 and await count_rows(db, CustomerImport) == 0
