"""The per-row results of an import as an .xlsx (行, 結果, 列, 内容, お客様番号, 氏名)."""

from __future__ import annotations

import io

from openpyxl import Workbook

from services.customer_import.engine import OUTCOME_LABELS, RowResult

HEADERS = ("行", "結果", "列", "内容", "お客様番号", "氏名")
#: Characters that make a spreadsheet treat a cell as a formula (SPEC §10: exports neutralise them).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Text that a spreadsheet would run as a formula is kept as text (a leading apostrophe)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def results_workbook(results: list[RowResult]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("取り込み結果")
    sheet.append(HEADERS)
    for r in results:
        sheet.append([r.row, OUTCOME_LABELS[r.outcome], *(safe_cell(v) for v in (r.column, r.message,
                                                                                 r.customer_no, r.name))])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def results_file_name(import_id: int) -> str:
    return f"取り込み結果_{import_id}.xlsx"
