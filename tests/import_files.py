"""Upload files built in memory for the import tests (never committed as binaries)."""

from __future__ import annotations

import functools
import io
import random
import struct
import zipfile
from typing import Any

from openpyxl import Workbook, load_workbook


def xlsx(rows: list[list[Any]], *, title: str = "顧客情報", hidden: list[list[Any]] | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    if hidden is not None:
        other = workbook.create_sheet("隠し")
        for row in hidden:
            other.append(row)
        other.sheet_state = "hidden"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def fill_template(template: bytes, rows: list[list[Any]], *, keep_example: bool = True) -> bytes:
    """What a receptionist does: open the template, type rows under it, save."""
    workbook = load_workbook(io.BytesIO(template))
    sheet = workbook["顧客情報"]
    start = 4 if keep_example else 3
    for offset, row in enumerate(rows):
        for col, value in enumerate(row, start=1):
            sheet.cell(start + offset, col, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def zip_bytes(members: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def replace_member(data: bytes, name: str, content: bytes) -> bytes:
    """The same .xlsx with one part swapped for hand-written XML."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, content if info.filename == name else source.read(info.filename))
    return buffer.getvalue()


def lying_size(data: bytes, name: str, size: int) -> bytes:
    """The archive with ``name`` declaring ``size`` uncompressed bytes, whatever it inflates to."""
    patched = bytearray(data)
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    struct.pack_into("<I", patched, info.header_offset + 22, size)
    position = patched.find(b"PK\x01\x02")
    while position != -1:
        length = struct.unpack_from("<H", patched, position + 28)[0]
        if bytes(patched[position + 46:position + 46 + length]) == name.encode():
            struct.pack_into("<I", patched, position + 24, size)
        position = patched.find(b"PK\x01\x02", position + 4)
    return bytes(patched)


SHEET = "xl/worksheets/sheet1.xml"
#: What a file of random bytes named .xlsx is told (not that it is a renamed CSV).
NOT_EXCEL = "Excelファイルではありません（拡張子は .xlsx ですが、中身は別の形式か壊れたデータです）。"
RANDOM_BYTES = random.Random(12).randbytes(20_000)
SHEET_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def inline_row(number: int, values: list[str]) -> str:
    cells = "".join(f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{v}</t></is></c>'
                    for i, v in enumerate(values))
    return f'<row r="{number}">{cells}</row>'


@functools.lru_cache(maxsize=1)
def hostile_files() -> dict[str, tuple[str, bytes, str]]:
    """name → (file name, bytes, a fragment of the Japanese refusal)."""
    good = xlsx([["姓", "名"], ["山田", "花子"]])
    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
              f'<worksheet {SHEET_NS}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c>'
              '</row></sheetData></worksheet>').encode()
    million = (f'<worksheet {SHEET_NS}><sheetData>{inline_row(1, ["姓", "名"])}{inline_row(2, ["山田", "花子"])}'
               f'{inline_row(1_000_000, ["田中", "一"])}</sheetData></worksheet>').encode()
    declared = (f'<worksheet {SHEET_NS}><dimension ref="A1:B1000000"/><sheetData>{inline_row(1, ["姓", "名"])}'
                '</sheetData></worksheet>').encode()
    bomb = zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>",
                      SHEET: b"\0" * 30_000_000})
    big_sheet = (f'<worksheet {SHEET_NS}><sheetData>'
                 + "".join(inline_row(n, ["山田", f"花子{n}"]) for n in range(1, 50_001)) + "</sheetData></worksheet>").encode()
    middle = len(good) // 2
    workbook_xml = zipfile.ZipFile(io.BytesIO(good)).read("xl/workbook.xml")
    all_hidden = replace_member(good, "xl/workbook.xml", workbook_xml.replace(b'state="visible"', b'state="hidden"')
                                if b'state="visible"' in workbook_xml
                                else workbook_xml.replace(b"<sheet ", b'<sheet state="hidden" '))
    return {
        "not a zip": ("customers.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "Excelファイルではありません"),
        "random bytes": ("customers.xlsx", RANDOM_BYTES, NOT_EXCEL),
        "old xls": ("customers.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000, ".xlsx"),
        "csv renamed": ("customers.xlsx", "姓,名\r\n山田,花子\r\n".encode("cp932"), "CSV"),
        "truncated": ("customers.xlsx", good[:middle], "壊れて"),
        "corrupt": ("customers.xlsx", good[:middle] + bytes(b ^ 0x5A for b in good[middle:middle + 400])
                    + good[middle + 400:], "壊れて"),
        "zip bomb": ("customers.xlsx", bomb, "圧縮爆弾"),
        "entities": ("customers.xlsx", replace_member(good, SHEET, laughs), "XML"),
        "a million rows": ("customers.xlsx", replace_member(good, SHEET, million), "行数が多すぎます"),
        "declared million": ("customers.xlsx", replace_member(good, SHEET, declared), "行数が多すぎます"),
        "empty": ("customers.xlsx", b"", "空"),
        "lying sizes": ("customers.xlsx", lying_size(replace_member(good, SHEET, big_sheet), SHEET, 3000), "壊れて"),
        "only hidden sheets": ("customers.xlsx", all_hidden, "表示されているシートがありません"),
        "binary csv": ("customers.csv", b"\x00\x01\x02" * 100, "CSV"),
    }


@functools.lru_cache(maxsize=4)
def many_rows(data_rows: int, *, declared: bool) -> bytes:
    """An .xlsx with a header and ``data_rows`` rows under it, with or without its <dimension>."""
    dimension = f'<dimension ref="A1:B{data_rows + 1}"/>' if declared else ""
    sheet = (f'<worksheet {SHEET_NS}>{dimension}<sheetData>{inline_row(1, ["姓", "名"])}'
             + "".join(inline_row(n, ["山田", f"花子{n}"]) for n in range(2, data_rows + 2))
             + "</sheetData></worksheet>").encode()
    return replace_member(xlsx([["姓", "名"]]), SHEET, sheet)
