"""Reading an uploaded .xlsx or .csv into a header and a stream of numbered rows.

Rows are streamed (never the whole sheet in memory) and counted: a table with more than
``import_max_rows`` data rows below its header is refused by its declared <dimension>, else by a
count of its rows taken before any row is converted (a second or so for the limit). Formula
cells come back as their text (``data_only=False``): nothing is evaluated and no cached result
chosen by the file's author is trusted. Hidden sheets are never read.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from defusedxml import DefusedXmlException
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import Stylesheet
from openpyxl.xml.constants import ARC_STYLE
from openpyxl.xml.functions import fromstring

from services.config import Settings
from services.customer_import.columns import MAX_COLUMNS
from services.customer_import.sheet_xml import ForbiddenXml, iter_sheet_rows, last_row_number
from services.customer_import.safety import CSV, XLSX, check_xlsx_archive, file_error, sniff
from services.errors import DomainError, ErrorCode

log = logging.getLogger(__name__)

MAIN_SHEET = "顧客情報"
#: A header is looked for in the first rows (a title line above it is common in other exports).
HEADER_SEARCH_ROWS = 10
ENCODINGS = {"auto": None, "utf-8": "utf-8", "shift_jis": "cp932", "cp932": "cp932"}
ENCODING_LABELS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 (BOM付き)", "cp932": "Shift_JIS (CP932)",
                   "utf-16": "UTF-16"}

Row = tuple[Any, ...]


@dataclass
class Table:
    """The header row and an iterator over the data rows (spreadsheet row number, cells)."""

    kind: str
    headers: list[str]
    header_row: int
    rows: Iterator[tuple[int, Row]]
    encoding: str | None = None
    close: Callable[[], None] = field(default=lambda: None)


def open_table(data: bytes, filename: str, settings: Settings, *, encoding: str | None = None) -> Table:
    """Check and open an upload; the caller must ``close()`` the table."""
    kind = sniff(data, filename, settings).kind
    if kind == XLSX:
        return _open_xlsx(data, settings)
    return _open_csv(data, settings, encoding)


# ----------------------------------------------------------------------------- xlsx


def _open_xlsx(data: bytes, settings: Settings) -> Table:
    check_xlsx_archive(data, settings)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about extensions it skips
            # What load_workbook(read_only=True) does, keeping the reader: its archive, shared
            # strings and sheet parts are what the streaming reader below needs.
            reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
            reader.read()
            date_styles = _date_styles(reader.archive)
    except DomainError:
        raise
    except Exception as exc:  # noqa: BLE001 - an untrusted file may break the parser in any way
        raise _broken(exc) from exc
    workbook = reader.wb
    source = None
    try:
        sheet = _visible_sheet(workbook)
        part = _sheet_part(reader, sheet.title)
        # The row limit, as early as the file allows: the sheet's declared <dimension> (Excel
        # always writes it) before anything is read, then its rows counted before any is converted.
        declared = sheet.max_row
        if declared is not None and declared > settings.import_max_rows + HEADER_SEARCH_ROWS:
            raise too_many_rows(settings)
        # openpyxl knows the workbook (shared strings, date styles, epoch, which part is the sheet);
        # the rows are streamed by sheet_xml, which reads every row present whatever the sheet's
        # <dimension> claims.
        source = reader.archive.open(part)
        rows = _guarded(iter_sheet_rows(source, reader.shared_strings, date_styles, workbook.epoch), settings)
        header_row, headers = _find_header(rows)
        if declared is not None and declared - header_row > settings.import_max_rows:
            raise too_many_rows(settings)
        _check_row_count(_counted(reader.archive, part), header_row, settings)
    except BaseException:
        if source is not None:
            source.close()
        workbook.close()
        raise

    def close() -> None:
        source.close()
        workbook.close()

    return Table(XLSX, headers, header_row, rows, close=close)


def _counted(archive: zipfile.ZipFile, part: str) -> int:
    try:
        with archive.open(part) as source:
            return last_row_number(source)
    except Exception as exc:  # noqa: BLE001 - an untrusted file may break the parser in any way
        raise _broken(exc) from exc


def _date_styles(archive: zipfile.ZipFile) -> set[int]:
    """Indexes of the cell styles whose number format is a date, as openpyxl reads styles.xml."""
    if ARC_STYLE not in archive.namelist():
        return set()
    return set(Stylesheet.from_tree(fromstring(archive.read(ARC_STYLE))).date_formats)


def _sheet_part(reader: ExcelReader, title: str) -> str:
    """The archive member holding the worksheet called ``title``."""
    return next(rel.target for sheet, rel in reader.parser.find_sheets() if sheet.name == title)


def _visible_sheet(workbook: Any) -> Any:
    visible = [ws for ws in workbook.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
    if not visible:
        raise file_error("表示されているシートがありません。取り込むシートを表示してから保存してください。")
    for ws in visible:
        if ws.title == MAIN_SHEET:
            return ws
    return visible[0]


def _broken(exc: BaseException) -> DomainError:
    log.info("unreadable upload: %s: %s", type(exc).__name__, str(exc)[:200])
    if _defused(exc):
        return file_error("ファイルに許可されていないXMLの定義が含まれているため、取り込めません。")
    return file_error("Excelファイルが壊れているか、読み取れない形式です。Excelで開いて保存し直してください。")


def _defused(exc: BaseException | None) -> bool:
    """defusedxml refused a DTD or an entity somewhere in the chain (openpyxl wraps it in ValueError)."""
    for _ in range(5):
        if exc is None:
            return False
        if isinstance(exc, (DefusedXmlException, ForbiddenXml)):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


# ----------------------------------------------------------------------------- csv


def _open_csv(data: bytes, settings: Settings, encoding: str | None) -> Table:
    text, used = decode_csv(data, encoding)
    if "\x00" in text:
        raise file_error("CSVファイルではありません（文字以外のデータが含まれています）。")
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    # Counted before any row is converted (the C parser takes a fraction of a second for the limit).
    last = sum(1 for _ in _guarded(enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1),
                                   settings))
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = _guarded(enumerate(reader, start=1), settings)
    header_row, headers = _find_header(rows)
    _check_row_count(last, header_row, settings)
    return Table(CSV, headers, header_row, rows, encoding=used)


def decode_csv(data: bytes, encoding: str | None) -> tuple[str, str]:
    """The text and the encoding used: BOM, else strict UTF-8, else CP932 (Shift_JIS with NEC/IBM
    extensions such as ①, ㈱ and 髙, which Japanese Windows software writes as "Shift_JIS")."""
    key = (encoding or "auto").strip().lower().replace("-", "_")
    choice = {"utf_8": "utf-8", "utf8": "utf-8", "sjis": "shift_jis", "": "auto"}.get(key, key)
    if choice not in ENCODINGS:
        raise DomainError(ErrorCode.INVALID, "文字コードの指定が正しくありません。", "encoding")
    forced = ENCODINGS[choice]
    if data.startswith(codecs.BOM_UTF8):
        return _decode(data[len(codecs.BOM_UTF8):], "utf-8"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode(data, "utf-16"), "utf-16"
    if forced:
        return _decode(data, forced), forced
    for candidate in ("utf-8", "cp932"):
        try:
            return data.decode(candidate), candidate
        except UnicodeDecodeError:
            continue
    raise file_error("文字コードを判別できませんでした。UTF-8 または Shift_JIS を指定して取り込んでください。")


def _decode(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        label = ENCODING_LABELS.get(encoding, encoding)
        raise file_error(f"ファイルの{exc.start + 1}バイト目が{label}として読めません。"
                         "文字コードの指定をご確認ください。") from exc


# ----------------------------------------------------------------------------- shared


def _guarded(rows: Iterator[tuple[int, Any]], settings: Settings) -> Iterator[tuple[int, Row]]:
    """Number the rows, stop past the row limit, and turn any parser failure into a file error."""
    limit = settings.import_max_rows + HEADER_SEARCH_ROWS
    try:
        for number, row in rows:
            if number > limit:
                raise too_many_rows(settings)
            yield number, tuple(row)
    except DomainError:
        raise
    except csv.Error as exc:
        raise file_error(f"CSVの形式が正しくありません（{exc}）。") from exc
    except Exception as exc:  # noqa: BLE001 - an untrusted file may break the parser in any way
        raise _broken(exc) from exc


def _find_header(rows: Iterator[tuple[int, Row]]) -> tuple[int, list[str]]:
    for number, row in rows:
        cells = [_header_text(c) for c in row]
        while cells and not cells[-1]:
            cells.pop()
        if len(cells) > MAX_COLUMNS:
            raise file_error(f"列が多すぎます（上限 {MAX_COLUMNS} 列）。")
        if cells:
            return number, cells
        if number >= HEADER_SEARCH_ROWS:
            break
    raise file_error("見出しの行が見つかりません。1行目に項目名（姓、名、電話番号…）を入れてください。")


def _header_text(value: Any) -> str:
    return "" if value is None else str(value).strip()[:100]


def _check_row_count(last_row: int, header_row: int, settings: Settings) -> None:
    """Refuse a table with more data rows below its header than the limit."""
    if last_row - header_row > settings.import_max_rows:
        raise too_many_rows(settings)


def too_many_rows(settings: Settings) -> DomainError:
    return file_error(f"行数が多すぎます（上限 {settings.import_max_rows:,} 行）。ファイルを分けて取り込んでください。",
                      ErrorCode.FILE_TOO_LARGE)
