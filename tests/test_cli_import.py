"""``python -m cli import-customers``: dry run, import, results file, and a refused file (SQLite)."""

from __future__ import annotations

import asyncio
import io

import openpyxl
import pytest
from sqlalchemy import func, select

import cli
from models import Customer
from models.db import Database
from services.config import Settings
from tests.import_files import xlsx

FILE = xlsx([["姓*", "名*", "電話番号"], ["山田", "花子", "090-1234-5678"], ["", "名だけ", ""]])


@pytest.fixture
def settings(tmp_path, monkeypatch) -> Settings:
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setattr(cli, "get_settings", lambda: settings)
    return settings


def customers(settings: Settings) -> int:
    async def count() -> int:
        db = Database(settings.database_url)
        async with db.sessionmaker() as session:
            found = int(await session.scalar(select(func.count()).select_from(Customer)))
        await db.dispose()
        return found

    return asyncio.run(count())


def test_dry_run_then_import_with_a_results_file(settings, tmp_path, capsys):
    path = tmp_path / "customers.xlsx"
    path.write_bytes(FILE)
    assert cli.main(["import-customers", str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "確認結果" in out and "3行目" in out and "姓を入力してください。" in out
    assert customers(settings) == 0
    results = tmp_path / "results.xlsx"
    assert cli.main(["import-customers", str(path), "--results", str(results)]) == 0
    assert "インポートできました。" in capsys.readouterr().out and customers(settings) == 1
    sheet = openpyxl.load_workbook(io.BytesIO(results.read_bytes())).active
    assert [c.value for c in sheet[2]][:2] == [2, "成功"]


def test_a_refused_file_exits_with_its_reason(settings, tmp_path, capsys):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    assert cli.main(["import-customers", str(path)]) == 1
    assert ".xlsx" in capsys.readouterr().out and customers(settings) == 0


def test_a_formula_row_is_a_data_error_with_its_name_and_nothing_of_it_is_written(settings, tmp_path, capsys):
    path = tmp_path / "formula.xlsx"
    path.write_bytes(xlsx([["姓*", "名*", "電話番号", "備考"], ["山田", "花子", "12345", '=CONCATENATE("VIP","会員")'],
                           ["佐藤", "一郎", "090-1111-2222", ""]]))
    assert cli.main(["import-customers", str(path)]) == 0
    out = capsys.readouterr().out
    assert "2行目（山田 花子）" in out and "備考が数式のため取り込めません" in out and "電話番号" in out
    assert customers(settings) == 1


@pytest.mark.parametrize("kind", ["random bytes", "one row over the limit"])
def test_not_excel_and_too_many_rows_exit_with_the_reason(settings, tmp_path, capsys, kind):
    from tests.import_files import NOT_EXCEL, RANDOM_BYTES, many_rows

    data, expected = {"random bytes": (RANDOM_BYTES, NOT_EXCEL),
                      "one row over the limit": (many_rows(100_001, declared=False), "行数が多すぎます")}[kind]
    path = tmp_path / "customers.xlsx"
    path.write_bytes(data)
    assert cli.main(["import-customers", str(path)]) == 1
    out = " ".join(capsys.readouterr().out.split())  # rich wraps long lines
    assert expected.replace(" ", "") in out.replace(" ", "") and "CSV" not in out
    assert customers(settings) == 0
