"""顧客の一括登録: template round trip, classification of every row, dry run, re-import, CSV mapping."""

from __future__ import annotations

import ast
import io
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from models import (
    AuditLog,
    Customer,
    CustomerImport,
    FreeItem,
    FreeItemChoice,
    InflowRoute,
    ImportStatus,
    RegistrationPath,
)
from services import customer_import as importer
from services import customers as customer_service
from services.actor import Actor
from services.config import Settings
from services.customer_import.template import CHOICES_SHEET
from services.errors import DomainError, ErrorCode
from tests.import_files import fill_template, xlsx
from tests.factories import count_rows

SYSTEM = Actor.system("test")
SETTINGS = Settings()
HEADERS = ["姓*", "名*", "セイ", "メイ", "電話番号", "メールアドレス", "生年月日", "性別", "流入経路"]


async def run(db, data: bytes, name: str = "customers.xlsx", **kwargs) -> importer.ImportReport:
    async with db.transaction() as session:
        return await importer.import_customers(session, SYSTEM, importer.Upload(name, data),
                                               settings=kwargs.pop("settings", SETTINGS), **kwargs)


async def template(db) -> bytes:
    async with db.sessionmaker() as session:
        return await importer.template_bytes(session, SYSTEM)


def outcomes(report: importer.ImportReport) -> dict[int, str]:
    return {r.row: r.outcome for r in report.results}


async def test_template_has_headers_required_marks_notes_example_and_choice_lists(db):
    async with db.transaction() as session:
        session.add_all([InflowRoute(name="Instagram", sort_order=1), InflowRoute(name="紹介", sort_order=2),
                         FreeItem(position=1, name="髪質", choices=[FreeItemChoice(name="普通")])])
    workbook = openpyxl.load_workbook(io.BytesIO(await template(db)))
    sheet = workbook["顧客情報"]
    headers = [c.value for c in sheet[1]]
    assert headers[:13] == ["お客様番号", "姓*", "名*", "セイ", "メイ", "電話番号", "メールアドレス", "生年月日",
                            "性別", "郵便番号", "都道府県", "市区町村", "住所"]
    assert "流入経路" in headers and headers[-1] == "髪質"
    assert all(str(c.value).startswith("※") for c in sheet[2])
    assert [c.value for c in sheet[3]][1:3] == ["山田", "花子"]
    assert workbook[CHOICES_SHEET].sheet_state == "hidden"
    lists = {str(dv.sqref).split(":")[0].rstrip("0123456789"): dv.formula1
             for dv in sheet.data_validations.dataValidation}
    gender_col = openpyxl.utils.get_column_letter(headers.index("性別") + 1)
    route_col = openpyxl.utils.get_column_letter(headers.index("流入経路") + 1)
    assert gender_col in lists and route_col in lists
    choices = workbook[CHOICES_SHEET]
    values = {c.value for row in choices.iter_rows() for c in row}
    assert {"女性", "男性", "Instagram", "紹介", "普通", "可", "不可"} <= values


async def test_template_round_trip_three_rows_are_three_successes(db):
    async with db.transaction() as session:
        session.add(InflowRoute(name="Instagram"))
    filled = fill_template(await template(db), [
        [None, "佐藤", "一郎", "ｻﾄｳ", "いちろう", "０９０−１１１１−２２２２", "ichiro@example.jp", "S50.1.1", "男性",
         "1500041", *[None] * 11, "Instagram"],
        [None, "鈴木", "花", "スズキ", "ハナ", 9022223333, "Hana@Example.jp", datetime(1990, 4, 1), "女性"],
        [None, "高橋", "実", None, None, None, None, "平成2年4月1日"],
    ])
    report = await run(db, filled, "顧客情報テンプレート.xlsx")
    assert outcomes(report) == {4: "success", 5: "success", 6: "success"}, report.results
    async with db.sessionmaker() as session:
        rows = (await session.scalars(select(Customer).order_by(Customer.id))).all()
    assert [(c.last_name_kana, c.first_name_kana, c.phone, c.birth_date) for c in rows] == [
        ("サトウ", "イチロウ", "09011112222", date(1975, 1, 1)),
        ("スズキ", "ハナ", "09022223333", date(1990, 4, 1)),
        ("", "", None, date(1990, 4, 1)),
    ]
    assert rows[0].prefecture == "東京都" and rows[0].registration_path == RegistrationPath.IMPORT
    assert rows[1].email_key == "hana@example.jp"
    assert {r.customer_no for r in report.results} == {c.customer_no for c in rows}
    assert await count_rows(db, AuditLog) == 3


async def test_messy_file_classifies_every_row_with_its_number_and_column(db):
    async with db.transaction() as session:
        existing = await customer_service.create_customer(session, {
            "last_name": "既存", "first_name": "客", "last_name_kana": "キゾン", "first_name_kana": "キャク",
            "phone": "09099998888", "email": "old@example.jp"}, SYSTEM)
    data = xlsx([
        HEADERS,
        ["山田", "花子", "ヤマダ", "ハナコ", "090-1234-5678", "hanako@example.jp", "1990/4/1", "女性", ""],  # 2 ok
        ["", "太郎", "", "", "", "", "", "", ""],                                                       # 3 no 姓
        ["田中", "一", "たなか", "はじめ", "12345", "", "", "", ""],                                     # 4 phone
        ["別人", "同電話", "", "", "09099998888", "", "", "", ""],                                        # 5 in db
        ["別人", "同メール", "", "", "", "OLD@example.jp", "", "", ""],                                   # 6 in db
        ["山田", "花子2", "", "", "09012345678", "", "", "", ""],                                        # 7 = row 2
        [None] * 9,                                                                                       # blank
        ["木村", "拓", "キムラ", "タク", "", "", "H31.5.1", "", ""],                                         # 9 date
        ["林", "檎", "", "", "", "", "", "不明な性", ""],                                                  # 10 gender
        ["森", "林", "", "", "", "", "", "", "チラシ"],                                                     # 11 route
        ["=1+2", "式", "", "", "", "", "", "", ""],                                                       # 12 formula
    ])
    report = await run(db, data)
    assert outcomes(report) == {2: "success", 3: "error", 4: "error", 5: "existing", 6: "existing",
                                7: "existing", 9: "error", 10: "error", 11: "error", 12: "error"}
    by_row = {r.row: r for r in report.results}
    assert (by_row[3].column, by_row[3].message) == ("姓*", "姓を入力してください。")
    assert by_row[4].column == "電話番号" and "電話番号" in by_row[4].message
    assert by_row[5].customer_no == existing.customer_no and existing.customer_no in by_row[5].message
    assert by_row[6].column == "メールアドレス" and by_row[6].customer_no == existing.customer_no
    assert "2行目" in by_row[7].message and by_row[7].customer_no == by_row[2].customer_no != ""
    assert by_row[9].column == "生年月日"
    assert by_row[10].column == "性別" and "女性" in by_row[10].message
    assert by_row[11].column == "流入経路" and "チラシ" in by_row[11].message
    assert (by_row[12].column, by_row[12].name) == ("姓*", "=1+2 式")
    assert by_row[12].message == "姓*が数式のため取り込めません（=1+2）。値を入力してください。"
    assert (report.success_count, report.error_count, report.existing_count) == (1, 6, 3)
    async with db.sessionmaker() as session:
        names = set((await session.scalars(select(Customer.last_name))).all())
    assert names == {"既存", "山田"}  # a formula is never evaluated nor stored


async def test_dry_run_writes_no_customer_and_confirm_imports_exactly_it(db):
    data = xlsx([HEADERS, ["山田", "花子", "", "", "09012345678", "", "", "", ""], ["", "", "", "", "1", "", "", "", ""]])
    preview = await run(db, data, dry_run=True)
    assert preview.status == ImportStatus.PREVIEW and outcomes(preview) == {2: "success", 3: "error"}
    assert await count_rows(db) == 0 and await count_rows(db, AuditLog) == 0
    async with db.transaction() as session:
        done = await importer.import_customers(session, SYSTEM, None, settings=SETTINGS,
                                               preview_id=preview.import_id)
    assert outcomes(done) == outcomes(preview) and await count_rows(db) == 1
    with pytest.raises(DomainError) as again:  # the kept file is dropped once registered
        async with db.transaction() as session:
            await importer.import_customers(session, SYSTEM, None, settings=SETTINGS,
                                            preview_id=preview.import_id)
    assert again.value.code == ErrorCode.NOT_FOUND


async def test_confirm_refuses_when_rows_changed_since_the_dry_run(db):
    data = xlsx([HEADERS, ["山田", "花子", "", "", "09012345678", "", "", "", ""]])
    preview = await run(db, data, dry_run=True)
    async with db.transaction() as session:  # someone registers her in the meantime
        await customer_service.create_customer(session, {"last_name": "山田", "first_name": "花子",
                                                         "phone": "09012345678"}, SYSTEM,
                                               required=("last_name", "first_name"))
    with pytest.raises(importer.ImportChanged) as changed:
        async with db.transaction() as session:
            await importer.import_customers(session, SYSTEM, None, settings=SETTINGS,
                                            preview_id=preview.import_id)
    assert "2行目: 成功→すでに存在する顧客" in changed.value.message
    assert await count_rows(db) == 1


async def test_same_file_twice_creates_nothing_the_second_time(db):
    data = xlsx([HEADERS, ["山田", "花子", "", "", "09012345678", "", "", "", ""],
                 ["名前", "だけ", "", "", "", "", "", "", ""]])
    first = await run(db, data)
    second = await run(db, data)
    assert outcomes(first) == {2: "success", 3: "success"}
    assert outcomes(second) == {2: "existing", 3: "existing"}
    assert second.results[1].customer_no == first.results[1].customer_no
    assert await count_rows(db) == 2
    async with db.sessionmaker() as session:
        logs = (await session.scalars(select(CustomerImport).order_by(CustomerImport.id))).all()
    assert [(log.success_count, log.existing_count) for log in logs] == [(2, 0), (0, 2)]
    assert logs[0].file_sha256 == logs[1].file_sha256 and len(logs[0].file_sha256) == 64


@pytest.mark.parametrize("encoding, bom, choice", [
    ("cp932", b"", "auto"), ("cp932", b"", "shift_jis"), ("utf-8", b"\xef\xbb\xbf", "auto"),
    ("utf-8", b"", "auto"),
])
async def test_csv_from_another_system_with_a_mapping_that_is_kept(db, encoding, bom, choice):
    text = ("会員No,お名前,フリガナ,TEL,メール,誕生日,来店メモ\r\n"
            "A001,髙橋 ①子,ﾀｶﾊｼ ｲﾁｺ,03-1234-5678,taka@example.jp,昭和50年1月1日,コーヒー\r\n"
            "A002,佐藤,サトウ,,,,\r\n")
    data = bom + text.encode(encoding)
    first = await run(db, data, "export.csv", encoding=choice)
    assert first.needs_mapping and first.status == ImportStatus.PREVIEW and await count_rows(db) == 0
    assert first.mapping == ["customer_no", "full_name", "full_name_kana", "phone", "email", "birth_date", ""]
    assert outcomes(first) == {2: "success", 3: "error"}
    assert first.results[1].column == "お名前、フリガナ" and "空白" in first.results[1].message
    mapping = [*first.mapping[:-1], "notes"]
    done = await run(db, data, "export.csv", encoding=choice, mapping=mapping)
    assert done.status == ImportStatus.DONE and done.success_count == 1
    async with db.sessionmaker() as session:
        customer = await session.scalar(select(Customer))
    assert (customer.customer_no, customer.last_name, customer.first_name) == ("A001", "髙橋", "1子")  # ① is CP932; names are NFKC-normalised
    assert (customer.first_name_kana, customer.notes, customer.birth_date) == ("イチコ", "コーヒー", date(1975, 1, 1))
    again = await run(db, data.replace(b"A002", b"A003"), "export.csv", encoding=choice)
    assert again.mapping == mapping and not again.needs_mapping  # the saved mapping is used


async def test_csv_in_the_wrong_chosen_encoding_is_a_clear_error(db):
    data = "姓,名\r\n髙橋,一\r\n".encode("cp932")
    with pytest.raises(DomainError) as refused:
        await run(db, data, "x.csv", encoding="utf-8")
    assert refused.value.code == ErrorCode.INVALID_FILE and "UTF-8" in refused.value.message
    assert await count_rows(db) == 0 and await count_rows(db, CustomerImport) == 0


async def test_mapping_errors_are_reported(db):
    data = "a,b\r\n1,2\r\n".encode()
    with pytest.raises(DomainError) as no_names:
        await run(db, data, "x.csv")
    assert "姓と名" in no_names.value.message
    with pytest.raises(DomainError) as twice:
        await run(db, data, "x.csv", mapping=["last_name", "last_name"])
    assert "複数" in twice.value.message
    with pytest.raises(DomainError) as unknown:
        await run(db, data, "x.csv", mapping=["last_name", "password_hash"])
    assert unknown.value.field == "mapping"
    assert await count_rows(db, CustomerImport) == 0


async def test_long_cells_are_row_errors_and_limits_are_settings(db):
    data = xlsx([HEADERS, ["山田", "花" * 100_000, "", "", "", "", "", "", ""], ["山田", "花子", "", "", "", "", "", "", ""]])
    report = await run(db, data)
    assert outcomes(report) == {2: "error", 3: "success"}
    assert report.results[0].column == "名*" and "1,000文字" in report.results[0].message
    small = Settings(import_max_rows=1)
    with pytest.raises(DomainError) as too_many:
        await run(db, data, settings=small)
    assert too_many.value.code == ErrorCode.FILE_TOO_LARGE and "1 行" in too_many.value.message
    assert await count_rows(db) == 1


async def test_staff_may_not_import(db):
    from models import StaffRole

    staff = Actor.staff(1, StaffRole.STAFF)
    with pytest.raises(DomainError) as refused:
        async with db.transaction() as session:
            await importer.import_customers(session, staff, importer.Upload("a.xlsx", b"x"), settings=SETTINGS)
    assert refused.value.code == ErrorCode.PERMISSION_DENIED


async def test_results_workbook_lists_every_row_and_neutralises_formulas(db):
    data = xlsx([HEADERS, ["=HYPERLINK(1)", "花子", "", "", "", "", "", "", ""], ["", "x", "", "", "", "", "", "", ""]])
    report = await run(db, data)
    sheet = openpyxl.load_workbook(io.BytesIO(importer.results_workbook(report.results))).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["行", "結果", "列", "内容", "お客様番号", "氏名"]
    # The formula row is refused, and the name as typed (the formula's text) is written inert.
    assert rows[1][:3] == [2, "データエラー", "姓*"] and rows[1][5] == "'=HYPERLINK(1) 花子"
    assert rows[2][:3] == [3, "データエラー", "姓*"] and rows[2][5] == "x"


async def test_imported_visit_counts_are_what_the_figures_writer_computes(db):
    from services.customer_stats import refresh_customer_stats

    data = xlsx([["姓", "名", "システム導入前来店回数"], ["山田", "花子", 3], ["佐藤", "一", ""]])
    await run(db, data)
    async with db.sessionmaker() as session:
        before = [(c.visit_count, c.reservation_count, c.last_visit_at)
                  for c in (await session.scalars(select(Customer).order_by(Customer.id))).all()]
    async with db.transaction() as session:
        await refresh_customer_stats(session, (await session.scalars(select(Customer.id))).all())
    async with db.sessionmaker() as session:
        after = [(c.visit_count, c.reservation_count, c.last_visit_at)
                 for c in (await session.scalars(select(Customer).order_by(Customer.id))).all()]
    assert before == after == [(3, 0, None), (0, 0, None)]


async def test_hidden_sheets_are_never_read(db):
    data = xlsx([["姓", "名"], ["山田", "花子"]], hidden=[["姓", "名"], ["隠れ", "た人"]])
    report = await run(db, data)
    assert outcomes(report) == {2: "success"}
    async with db.sessionmaker() as session:
        assert (await session.scalars(select(Customer.last_name))).all() == ["山田"]


def test_the_import_reaches_into_no_private_names_of_other_modules():
    """openpyxl's and other services' private attributes change without notice: only public API."""
    package = Path(__file__).resolve().parents[2] / "services" / "customer_import"
    found = []
    for path in sorted(package.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            private = isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__")
            if private and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
                found.append(f"{path.name}:{node.lineno} .{node.attr}")
            if isinstance(node, ast.ImportFrom) and not (node.module or "").startswith("services.customer_import"):
                found += [f"{path.name}:{node.lineno} import {a.name}"
                          for a in node.names if a.name.startswith("_")]
    assert found == []


def test_the_import_has_a_column_for_every_settable_field_with_the_registrys_label():
    """A field added to services.customer_fields gets an import column (or a test says why not)."""
    from services.customer_fields import FIELDS, SETTABLE
    from services.customer_import.columns import BY_KEY, CELLS

    assert set(CELLS) == set(SETTABLE)
    for name, cell in CELLS.items():
        if cell is None:  # one column per free item
            continue
        column = BY_KEY[cell.key or name]
        assert column.header == FIELDS[name].label
        assert FIELDS[name].hint in column.note
