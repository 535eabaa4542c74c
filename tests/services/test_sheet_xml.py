"""The streaming sheet reader gives what openpyxl's values_only rows give, formulas as text."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pytest

from services.config import Settings
from services.customer_import.reading import open_table
from services.customer_import.sheet_xml import ForbiddenXml, iter_sheet_rows
from services.errors import DomainError
from tests.import_files import SHEET, SHEET_NS, replace_member, xlsx


def rows_of(data: bytes) -> list[tuple]:
    table = open_table(data, "x.xlsx", Settings())
    try:
        return [(table.header_row, tuple(table.headers))] + list(table.rows)
    finally:
        table.close()


def test_values_match_openpyxl():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["姓", "数", "小数", "日付", "真偽", "式", "空"])
    sheet.append(["山田", 9012345678, 1.5, datetime(1990, 4, 1), True, "=1+2", None])
    sheet.append(["ｻﾄｳ", -3, 1e-7, date(2001, 12, 31), False, "=A1&B1", "x"])
    sheet["B5"] = "離れた行"
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    expected = [(n, tuple(r)) for n, r in enumerate(
        openpyxl.load_workbook(io.BytesIO(data), read_only=True).active.iter_rows(values_only=True), start=1)]
    ours = rows_of(data)
    assert ours[0] == (1, tuple(expected[0][1]))
    trimmed = {n: tuple(v for v in r) for n, r in expected[1:] if any(v is not None for v in r)}
    assert {n: r + (None,) * (len(trimmed[n]) - len(r)) for n, r in ours[1:]} == trimmed


def test_shared_and_prefixed_formulas_and_inline_rich_text():
    sheet = ('<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>'
             '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:r><x:t>山</x:t></x:r><x:r><x:t>田</x:t></x:r>'
             '</x:is></x:c><x:c r="C1"><x:f t="shared" si="0" ref="C1:C2">A1*2</x:f><x:v>2</x:v></x:c></x:row>'
             '<x:row r="2"><x:c r="C2"><x:f t="shared" si="0"/><x:v>4</x:v></x:c></x:row>'
             '</x:sheetData></x:worksheet>').encode()
    rows = list(iter_sheet_rows(io.BytesIO(sheet), [], set(), datetime(1899, 12, 30)))
    assert rows == [(1, ("山田", None, "=A1*2")), (2, (None, None, "=A1*2"))]


def test_a_dtd_is_refused():
    sheet = f'<!DOCTYPE x [<!ENTITY a "b">]><worksheet {SHEET_NS}><sheetData/></worksheet>'.encode()
    with pytest.raises(ForbiddenXml):
        list(iter_sheet_rows(io.BytesIO(sheet), [], set(), datetime(1899, 12, 30)))
    data = replace_member(xlsx([["姓"]]), SHEET, sheet)
    with pytest.raises(DomainError):
        rows_of(data)
