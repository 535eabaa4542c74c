"""One spreadsheet row → the registration service's ``data`` dict, or the row's problems.

This layer only turns cells into the values a form would send: Excel's own cell types (dates,
numbers that lost a leading 0), choice labels (「女性」, 「不可」) and master names (流入経路) into
ids. Validation and normalisation of the values is :func:`validation.clean_row`'s job.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from models import Gender
from services.customer_import.columns import BY_KEY, FIELD_COLUMN, FREE_ITEM_PREFIX, IGNORE
from services.customer_import.masters import MasterList, Masters, name_key
from services.customer_import.sheet_xml import Formula
from services.customer_import.template import NOTE_MARK
from services.customer_import.validation import clean_row
from services.errors import Collector, DomainError, ErrorCode, FieldError

LIST_SEPARATORS = re.compile(r"[、,，/／;；\n]+")
GENDERS = {name_key(g.label): g.value for g in Gender} | {
    name_key(k): v.value for k, v in {"女": Gender.FEMALE, "男": Gender.MALE, "f": Gender.FEMALE,
                                      "m": Gender.MALE, "female": Gender.FEMALE, "male": Gender.MALE,
                                      "不明": Gender.UNANSWERED}.items()}
YES = {name_key(w) for w in ("可", "○", "◯", "〇", "はい", "yes", "true", "1", "許可", "希望", "する")}
NO = {name_key(w) for w in ("不可", "×", "✕", "いいえ", "no", "false", "0", "拒否", "不要", "しない")}


@dataclass
class Issue:
    column: str  # the header as written in the file
    message: str


@dataclass
class Converted:
    values: dict[str, Any] | None  # cleaned values when the row is valid
    issues: list[Issue]
    name: str = ""  # the name as typed in the file


class RowConverter:
    def __init__(self, headers: list[str], mapping: list[str], masters: Masters, max_cell_chars: int,
                 example: list[str] | None = None) -> None:
        self.headers = headers
        self.pairs = [(i, key) for i, key in enumerate(mapping) if key != IGNORE]
        self.masters = masters
        self.max_cell_chars = max_cell_chars
        self.header_of = {key: headers[i] for i, key in self.pairs}
        self.example = example

    def is_skipped(self, cells: tuple[Any, ...]) -> bool:
        """Blank rows, the template's note row, and its example row while unchanged."""
        texts = [_text(c) for c in cells]
        filled = [t for t in texts if t]
        if not filled:
            return True
        if all(t.startswith(NOTE_MARK) for t in filled):
            return True
        if self.example is not None:
            trimmed = texts[: len(self.example)]
            trimmed += [""] * (len(self.example) - len(trimmed))
            return trimmed == [e or "" for e in self.example] and len(filled) == len([e for e in self.example if e])
        return False

    def convert(self, cells: tuple[Any, ...]) -> Converted:
        """The row's cleaned values, or every problem of it at once (each on its column)."""
        problems = Collector()
        data: dict[str, Any] = {}
        for index, key in self.pairs:
            cell = cells[index] if index < len(cells) else None
            problems.run(self._cell, data, key, cell, self.headers[index])
        unread = {e.field for e in problems.errors}
        values, errors = clean_row(data)
        for error in errors:
            column = self._column_of(error)
            if column not in unread:  # a cell that could not be read is not also "missing"
                problems.add(column, error.code, error.message)
        order = {header: i for i, header in reversed(list(enumerate(self.headers)))}
        issues = [Issue(e.field or "", e.message)  # in the file's column order
                  for e in sorted(problems.errors, key=lambda e: order.get(e.field or "", len(order)))]
        return Converted(None if issues else values, issues, self._typed_name(cells))

    def _cell(self, data: dict[str, Any], key: str, cell: Any, header: str) -> None:
        if isinstance(cell, Formula):
            raise DomainError(ErrorCode.INVALID, f"{header}が数式のため取り込めません（{cell[:40]}）。値を入力してください。",
                              header)
        if isinstance(cell, str) and len(cell) > self.max_cell_chars:
            raise DomainError(ErrorCode.INVALID, f"{self.max_cell_chars:,}文字を超える値は取り込めません。", header)
        try:
            self._put(data, key, cell)
        except _CellError as exc:
            raise DomainError(ErrorCode.INVALID, str(exc), header) from exc

    def _typed_name(self, cells: tuple[Any, ...]) -> str:
        """The row's name as the file has it (姓 名, or the one 氏名 column), for the results."""
        def typed(key: str) -> str:
            index = next((i for i, k in self.pairs if k == key), None)
            return _text(cells[index]) if index is not None and index < len(cells) else ""

        name = f"{typed('last_name')} {typed('first_name')}".strip() or typed("full_name")
        return name[:100]

    def _column_of(self, error: FieldError) -> str:
        key = FIELD_COLUMN.get(error.field or "", error.field or "")
        if key not in self.header_of and key in ("prefecture", "city"):
            key = "postal_code"  # filled from the postal code when the file has no column for it
        if key not in self.header_of and key in ("last_name", "first_name"):
            key = "full_name" if "full_name" in self.header_of else key
        if key not in self.header_of and key in ("last_name_kana", "first_name_kana"):
            key = "full_name_kana" if "full_name_kana" in self.header_of else key
        return self.header_of.get(key) or (BY_KEY[key].header if key in BY_KEY else "")

    def _put(self, data: dict[str, Any], key: str, cell: Any) -> None:
        if key == "birth_date":
            if isinstance(cell, datetime):
                cell = cell.date()
            elif isinstance(cell, time):
                raise _CellError("生年月日の形式が正しくありません。")
            if cell is not None and not isinstance(cell, date):
                cell = _text(cell) or None
            if cell is not None:
                data["birth_date"] = cell
            return
        text = _text(cell, key)
        if not text:
            return
        if key in ("full_name", "full_name_kana"):
            self._split_name(data, key, text)
        elif key == "gender":
            data["gender"] = _choice(GENDERS, text, "性別は「女性・男性・その他・未回答」のいずれかを入力してください。")
        elif key in ("mail_ok", "phone_ok", "dm_ok"):
            data[key] = _yes_no(text, BY_KEY[key].header)
        elif key == "pre_system_visit_count":
            data[key] = _count(text)
        elif key == "inflow_routes":
            data["inflow_route_ids"] = [_lookup(self.masters.inflow_routes, n) for n in _split(text)]
        elif key == "occupation":
            data["occupation_id"] = _lookup(self.masters.occupations, text)
        elif key == "first_visit_motive":
            data["first_visit_motive_id"] = _lookup(self.masters.motives, text)
        elif key == "attributes":
            data["attributes"] = _split(text)
        elif key.startswith(FREE_ITEM_PREFIX):
            item = self.masters.free_item(int(key[len(FREE_ITEM_PREFIX):]))
            if item is not None:
                data.setdefault("free_item_choice_ids", []).append(_lookup(item, text))
        elif key == "address":
            data["address_line"] = text
        else:
            data[key] = text

    @staticmethod
    def _split_name(data: dict[str, Any], key: str, text: str) -> None:
        parts = unicodedata.normalize("NFKC", text).split(maxsplit=1)
        if len(parts) != 2:
            what = "氏名" if key == "full_name" else "氏名カナ"
            raise _CellError(f"{what}は姓と名の間に空白を入れてください。")
        last, first = ("last_name", "first_name") if key == "full_name" else ("last_name_kana", "first_name_kana")
        data.setdefault(last, parts[0])
        data.setdefault(first, parts[1])


class _CellError(Exception):
    pass


def _text(value: Any, key: str = "") -> str:
    """A cell as text. Numbers typed into phone / postal-code cells lose their leading 0 in Excel."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "可" if value else "不可"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        text = str(value)
        if key == "phone" and 9 <= len(text) <= 10:
            return "0" + text
        if key == "postal_code" and len(text) < 7:
            return text.zfill(7)
        return text
    if isinstance(value, (datetime, date)):
        return value.strftime("%Y/%m/%d")
    return str(value).strip()


def _split(text: str) -> list[str]:
    return [part.strip() for part in LIST_SEPARATORS.split(text) if part.strip()]


def _choice(choices: dict[str, str], text: str, message: str) -> str:
    found = choices.get(name_key(text))
    if found is None:
        raise _CellError(message)
    return found


def _yes_no(text: str, label: str) -> bool:
    key = name_key(text)
    if key in YES:
        return True
    if key in NO:
        return False
    raise _CellError(f"{label}は「可」か「不可」で入力してください。")


def _count(text: str) -> int:
    digits = unicodedata.normalize("NFKC", text).replace(",", "")
    if not digits.isdigit() or len(digits) > 6:
        raise _CellError("システム導入前来店回数は0以上の整数で入力してください。")
    return int(digits)


def _lookup(master: MasterList, text: str) -> int:
    found = master.ids.get(name_key(text))
    if found is None:
        raise _CellError(f"{master.label}「{text[:40]}」は登録されていません。{master.label}の一覧から選んでください。")
    return found
