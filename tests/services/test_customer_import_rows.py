"""What the import refuses in a row or a file, and how early: formula cells (in any column), every
problem of a bad row at once with its name as typed, the row limit before any row is converted,
and a file that is not an Excel file (issue items found trying the import as a receptionist)."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from models import AuditLog, Customer
from services import customer_import as importer
from services.actor import Actor
from services.config import Settings
from services.customer_import.columns import COLUMNS
from services.customer_import.rows import RowConverter
from services.errors import DomainError, ErrorCode
from tests.import_files import NOT_EXCEL, RANDOM_BYTES, many_rows, xlsx
from tests.factories import count_rows

SYSTEM = Actor.system("test")
FORMULA = '=CONCATENATE("VIP","会員")'
TEMPLATE = [c for c in COLUMNS if c.in_template]
#: A row that imports cleanly, column by column of the template (masters left empty).
GOOD = {"customer_no": "", "last_name": "山田", "first_name": "花子", "last_name_kana": "ヤマダ",
        "first_name_kana": "ハナコ", "phone": "090-1234-{n:04d}", "email": "hanako{n}@example.jp",
        "birth_date": "1990/4/1", "gender": "女性", "postal_code": "150-0041", "prefecture": "東京都",
        "city": "渋谷区", "address": "神南1-2-3", "occupation": "", "first_visit_motive": "",
        "notes": "メモ", "mail_ok": "可", "phone_ok": "可", "dm_ok": "不可", "pre_system_visit_count": "2",
        "attributes": "VIP", "inflow_routes": ""}


def good_row(n: int) -> list[str]:
    return [GOOD[c.key].format(n=n) for c in TEMPLATE]


async def run(db, data: bytes, name: str = "customers.xlsx", settings: Settings | None = None):
    async with db.transaction() as session:
        return await importer.import_customers(session, SYSTEM, importer.Upload(name, data),
                                               settings=settings or Settings())


async def refusal(db, data: bytes, name: str = "customers.xlsx", settings: Settings | None = None) -> DomainError:
    with pytest.raises(DomainError) as caught:
        await run(db, data, name, settings)
    assert await count_rows(db) == 0 and await count_rows(db, AuditLog) == 0
    return caught.value


# --------------------------------------------------------------------------- formulas

async def test_a_formula_in_any_column_is_a_data_error_naming_that_column(db):
    assert set(GOOD) == {c.key for c in TEMPLATE}
    rows = [good_row(0)]
    for n, column in enumerate(TEMPLATE, start=1):
        row = good_row(n)
        row[TEMPLATE.index(column)] = FORMULA
        rows.append(row)
    report = await run(db, xlsx([[c.template_header for c in TEMPLATE], *rows]))
    by_row = {r.row: r for r in report.results}
    assert by_row[2].outcome == importer.SUCCESS, by_row[2]
    for n, column in enumerate(TEMPLATE, start=1):
        result = by_row[n + 2]
        assert (result.outcome, result.column) == (importer.ERROR, column.template_header), result
        assert result.message == (f"{column.template_header}が数式のため取り込めません（{FORMULA}）。"
                                  "値を入力してください。")
    # Only the good row is written; not even the good cells of a row with a formula.
    assert await count_rows(db) == 1 and report.success_count == 1 and report.error_count == len(TEMPLATE)


async def test_a_formula_in_notes_as_found_is_refused_and_nothing_of_the_row_is_written(db):
    data = xlsx([["姓*", "名*", "電話番号", "備考"], ["山田", "花子", "090-1234-5678", FORMULA]])
    report = await run(db, data)
    [result] = report.results
    assert (result.outcome, result.column, result.name) == (importer.ERROR, "備考", "山田 花子")
    assert "備考が数式のため取り込めません" in result.message
    assert await count_rows(db) == 0


async def test_text_that_only_starts_with_an_equals_sign_is_data(db):
    """A cell typed as text (「'=VIP」 in Excel, a shared string) is not a formula."""
    from openpyxl import Workbook
    import io

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["姓*", "名*", "備考"])
    sheet.append(["山田", "花子", "=VIP"])
    sheet["C2"].data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = await run(db, buffer.getvalue())
    assert report.results[0].outcome == importer.SUCCESS
    async with db.sessionmaker() as session:
        assert await session.scalar(select(Customer.notes)) == "=VIP"


# --------------------------------------------------------------------------- every problem at once

async def test_a_bad_row_reports_every_problem_at_once_with_its_name_as_typed(db):
    headers = ["姓*", "名*", "セイ", "電話番号", "メールアドレス", "生年月日", "性別", "郵便番号",
               "システム導入前来店回数", "備考"]
    row = ["  山田", "花子", "yamada", "12345", "not-an-email", "H99.99.99", "不明な性", "12", "たくさん", FORMULA]
    report = await run(db, xlsx([headers, row]))
    [result] = report.results
    assert result.outcome == importer.ERROR and result.name == "山田 花子"
    assert result.column.split("、") == ["セイ", "電話番号", "メールアドレス", "生年月日", "性別", "郵便番号",
                                        "システム導入前来店回数", "備考"]  # in the file's order
    for fragment in ("性別は", "システム導入前来店回数は", "備考が数式", "セイ", "電話番号", "メールアドレス",
                     "生年月日", "郵便番号"):
        assert fragment in result.message, (fragment, result.message)
    assert await count_rows(db) == 0


async def test_an_unreadable_name_cell_is_not_also_reported_missing(db):
    report = await run(db, xlsx([["姓*", "名*", "電話番号"], [FORMULA, "花子", "12345"]]))
    [result] = report.results
    assert result.column == "姓*、電話番号" and "姓を入力してください" not in result.message
    assert result.name == f"{FORMULA} 花子"


# --------------------------------------------------------------------------- the row limit

@pytest.mark.parametrize("declared", [True, False], ids=["declared", "counted"])
async def test_a_file_one_row_over_the_limit_is_refused_before_any_row_is_converted(db, monkeypatch, declared):
    def never(*_):
        raise AssertionError("a row was converted before the row limit was checked")

    monkeypatch.setattr(RowConverter, "convert", never)
    data = many_rows(100_001, declared=declared)
    started = time.perf_counter()
    error = await refusal(db, data)
    assert (error.code, error.message) == (
        ErrorCode.FILE_TOO_LARGE, "行数が多すぎます（上限 100,000 行）。ファイルを分けて取り込んでください。")
    assert time.perf_counter() - started < 30  # was 74 s; a second or two on an idle machine


@pytest.mark.parametrize("kind", ["xlsx declared", "xlsx counted", "csv"])
async def test_the_row_limit_is_exact(db, kind):
    settings = Settings(import_max_rows=3)

    def file(rows: int) -> tuple[bytes, str]:
        if kind == "csv":
            return ("姓,名\r\n" + "".join(f"山田,花子{n}\r\n" for n in range(rows))).encode(), "c.csv"
        return many_rows(rows, declared=kind == "xlsx declared"), "c.xlsx"

    data, name = file(3)
    assert (await run(db, data, name, settings)).success_count == 3
    async with db.transaction() as session:
        await session.execute(Customer.__table__.delete())
        await session.execute(AuditLog.__table__.delete())
    data, name = file(4)
    error = await refusal(db, data, name, settings)
    assert error.message == "行数が多すぎます（上限 3 行）。ファイルを分けて取り込んでください。"


# --------------------------------------------------------------------------- not an Excel file

async def test_random_bytes_named_xlsx_are_not_an_excel_file_not_a_renamed_csv(db):
    error = await refusal(db, RANDOM_BYTES)
    assert error.code == ErrorCode.INVALID_FILE
    assert error.message.startswith(NOT_EXCEL) and "CSV" not in error.message


async def test_a_renamed_csv_is_still_told_to_use_the_csv_extension(db):
    error = await refusal(db, "姓,名\r\n山田,花子\r\n".encode("cp932"))
    assert "CSVなどの名前を変えたファイル" in error.message
