"""顧客情報テンプレート.xlsx: the columns, required marks, a note row, an example row, choice lists.

Choice lists come from the store's masters at download time and live on a hidden sheet 「選択肢」
(a list written into the validation itself is capped at 255 characters by Excel). The import
reads only visible sheets, skips the note row and skips the example row while it is unchanged.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from models import Gender
from services.customer_import.columns import COLUMNS, Column, free_item_column
from services.customer_import.masters import MasterList, Masters

FILE_NAME = "顧客情報テンプレート.xlsx"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOTE_MARK = "※"
CHOICES_SHEET = "選択肢"
YES_NO = ["可", "不可"]
#: Rows the choice lists are offered on (Excel stores one range, not one rule per cell).
VALIDATED_ROWS = 10_000
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
NOTE_FILL = PatternFill("solid", fgColor="F2F2F2")
TEXT_COLUMNS = ("customer_no", "phone", "postal_code")


def template_columns(masters: Masters) -> list[Column]:
    columns = [c for c in COLUMNS if c.in_template]
    return columns + [free_item_column(f.item_id, f.label) for f in masters.free_items]


def example_values(masters: Masters) -> list[str]:
    """The example row: the columns' examples plus the first choice of each list column."""
    values = []
    for column in template_columns(masters):
        values.append(column.example or _first_choice(column, masters))
    return values


def _choice_list(column: Column, masters: Masters) -> tuple[list[str], bool] | None:
    """The choices offered for a column, and whether several may be typed (then only a warning)."""
    if column.key == "gender":
        return [g.label for g in Gender], False
    if column.key in ("mail_ok", "phone_ok", "dm_ok"):
        return YES_NO, False
    lists: dict[str, MasterList] = {"inflow_routes": masters.inflow_routes, "occupation": masters.occupations,
                                    "first_visit_motive": masters.motives}
    if column.key in lists:
        return lists[column.key].names, column.key == "inflow_routes"
    if column.key.startswith("free_item:"):
        found = masters.free_item(int(column.key.split(":", 1)[1]))
        return (found.names, False) if found else None
    return None


def _first_choice(column: Column, masters: Masters) -> str:
    if column.key.startswith("free_item:") or column.key in ("inflow_routes", "occupation", "first_visit_motive"):
        found = _choice_list(column, masters)
        return found[0][0] if found and found[0] else ""
    return ""


def build_template(masters: Masters) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "顧客情報"
    choices = workbook.create_sheet(CHOICES_SHEET)
    choices.sheet_state = "hidden"
    columns = template_columns(masters)
    for index, (column, example) in enumerate(zip(columns, example_values(masters), strict=True), start=1):
        letter = get_column_letter(index)
        header = sheet.cell(1, index, column.template_header)
        header.font = Font(bold=True, color="C00000" if column.required else "000000")
        header.fill = HEADER_FILL
        note = sheet.cell(2, index, f"{NOTE_MARK}{column.note}")
        note.font = Font(size=9, color="595959")
        note.fill = NOTE_FILL
        note.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.cell(3, index, example or None)
        sheet.column_dimensions[letter].width = column.width
        if column.key in TEXT_COLUMNS:
            # Text format: Excel would drop the leading 0 of 090… typed as a number.
            sheet.column_dimensions[letter].number_format = "@"
            sheet.cell(3, index).number_format = "@"
        offered = _choice_list(column, masters)
        if offered and offered[0]:
            _add_validation(sheet, choices, index, column, *offered)
    sheet.row_dimensions[2].height = 42
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _add_validation(sheet, choices, index: int, column: Column, names: list[str], several: bool) -> None:
    list_column = choices.max_column + 1 if choices.max_row > 1 or choices["A1"].value else 1
    letter = get_column_letter(list_column)
    choices.cell(1, list_column, column.header)
    for row, name in enumerate(names, start=2):
        choices.cell(row, list_column, name)
    rule = DataValidation(
        type="list",
        formula1=f"'{CHOICES_SHEET}'!${letter}$2:${letter}${len(names) + 1}",
        allow_blank=True,
        showErrorMessage=True,
        # Several inflow routes are typed 「Instagram、紹介」: Excel only warns about them.
        errorStyle="warning" if several else "stop",
        errorTitle=column.header,
        error=f"{column.header}は一覧から選んでください。" + ("複数は「、」で区切って入力できます。" if several else ""),
    )
    target = get_column_letter(index)
    rule.add(f"{target}3:{target}{VALIDATED_ROWS + 2}")
    sheet.add_data_validation(rule)
