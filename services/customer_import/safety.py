"""Checks on an uploaded file before any parser sees it.

An .xlsx is a zip of XML parts. A hostile one can declare gigabytes (a zip bomb), pack 1 GB of
zeros into a megabyte, or simply be something else with an .xlsx name. Everything here looks
only at bytes and the zip's central directory, so a refusal costs milliseconds and no memory.

Why declared sizes are enough to bound memory: Python's ``zipfile`` never returns more than a
member's declared ``file_size`` (it cuts the stream there and the CRC check fails), so a member
that lies about its size yields truncated XML, which the reader reports as a broken file.
"""

from __future__ import annotations

import codecs
import io
import zipfile
from dataclasses import dataclass

from services.config import Settings
from services.errors import DomainError, ErrorCode

XLSX = "xlsx"
CSV = "csv"

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97-2003) and encrypted .xlsx
MAX_MEMBERS = 500
#: Members smaller than this may compress as well as they like (styles, empty sheets).
RATIO_FLOOR_BYTES = 1_000_000
REQUIRED_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
SHARED_STRINGS = "xl/sharedStrings.xml"


def file_error(message: str, code: ErrorCode = ErrorCode.INVALID_FILE) -> DomainError:
    return DomainError(code, message, "file")


@dataclass(frozen=True)
class Sniffed:
    kind: str  # XLSX or CSV


def sniff(data: bytes, filename: str, settings: Settings) -> Sniffed:
    """What the upload is, from its bytes (the name only says what the user expects)."""
    if not data:
        raise file_error("ファイルが空です。")
    if len(data) > settings.import_max_bytes:
        raise file_error(
            f"ファイルが大きすぎます（上限 {settings.import_max_bytes / 1_000_000:g} MB）。",
            ErrorCode.FILE_TOO_LARGE,
        )
    name = (filename or "").lower()
    if data.startswith(OLE_MAGIC):
        raise file_error("古い形式のExcelファイル(.xls)か、パスワード付きのファイルです。"
                         "Excelで「.xlsx」形式で保存し直してから取り込んでください。")
    if data.startswith(ZIP_MAGIC):
        if name.endswith(".csv"):
            raise file_error("拡張子は .csv ですが、中身はExcel(.xlsx)などのファイルです。")
        return Sniffed(XLSX)
    if name.endswith((".xlsx", ".xlsm", ".xls")):
        if looks_like_text(data):
            raise file_error("拡張子は .xlsx ですが、Excelファイルではありません（CSVなどの名前を変えたファイル）。"
                             "CSVは拡張子を .csv にして取り込んでください。")
        raise file_error("Excelファイルではありません（拡張子は .xlsx ですが、中身は別の形式か壊れたデータです）。"
                         "Excelで開けることを確かめ、「.xlsx」形式で保存したファイルを選んでください。")
    if name.endswith((".csv", ".txt", ".tsv")) or not name:
        return Sniffed(CSV)
    raise file_error("取り込めるのはExcel(.xlsx)とCSV(.csv)のファイルです。")


def looks_like_text(data: bytes) -> bool:
    """Whether the start of ``data`` reads as text (a CSV or TSV under another name).

    Text here is what decode_csv accepts: a UTF-16 BOM, or UTF-8 / CP932 without NUL bytes and
    with no control characters but tabs and line ends."""
    sample = data[:4096]
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    if b"\x00" in sample:
        return False
    for encoding in ("utf-8-sig", "cp932"):
        try:
            # The sample may end inside a character: a decoder that is not told it is final waits.
            text = codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
        except UnicodeDecodeError:
            continue
        return not any(ord(ch) < 32 and ch not in "\t\r\n" or ch == "\x7f" for ch in text)
    return False


def check_xlsx_archive(data: bytes, settings: Settings) -> None:
    """Refuse a broken, encrypted or inflating archive from its central directory alone."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise file_error("Excelファイルが壊れているか、途中で切れています。") from exc
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise file_error("Excelファイルの構成が正しくありません（部品が多すぎます）。")
        names = {m.filename for m in members}
        if any(part not in names for part in REQUIRED_PARTS):
            raise file_error("Excel(.xlsx)のファイルではありません（ブックの情報がありません）。")
        total = 0
        for member in members:
            if member.flag_bits & 0x1:
                raise file_error("パスワード付きのファイルは取り込めません。パスワードを外して保存してください。")
            if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise file_error("Excelファイルの圧縮形式に対応していません。Excelで保存し直してください。")
            _check_member(member, settings)
            total += member.file_size
        if total > settings.import_max_unzipped_bytes:
            raise _bomb()


def _check_member(member: zipfile.ZipInfo, settings: Settings) -> None:
    size = member.file_size
    if size > settings.import_max_unzipped_bytes:
        raise _bomb()
    if size > RATIO_FLOOR_BYTES and size > settings.import_max_zip_ratio * max(member.compress_size, 1):
        raise _bomb()
    if member.filename == SHARED_STRINGS and size > settings.import_max_shared_strings_bytes:
        raise file_error("Excelファイルの文字データが大きすぎます。ファイルを分けて取り込んでください。",
                         ErrorCode.FILE_TOO_LARGE)


def _bomb() -> DomainError:
    return file_error("展開後のサイズが大きすぎるファイルです（圧縮爆弾の可能性）。取り込みを中止しました。",
                      ErrorCode.FILE_TOO_LARGE)
