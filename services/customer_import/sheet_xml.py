"""A streaming reader of one worksheet's XML, for values only.

openpyxl opens the workbook (shared strings, which styles are dates, the 1900/1904 epoch, which part
is which sheet); this reader then walks the sheet's rows with expat callbacks, without building an
element per cell. It returns what ``iter_rows(values_only=True)`` would, at a fraction of the cost,
so a 10,000-row import spends its time on the customers rather than on the XML.

Safety is the same as defusedxml's: a DTD (and with it every entity trick) is refused outright, and
the input arrives in 64 kB pieces from a zip member whose size was checked before (safety.py).
Formulas are returned as their text (「=SUM(A1:A3)」) in a :class:`Formula`, never evaluated, so that
the import can refuse them (a text cell that merely starts with 「=」 is a plain str); a shared
formula's dependants get the text of the formula they share.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import IO, Any
from xml.parsers import expat

from openpyxl.utils.datetime import from_excel

CHUNK = 65_536
#: Cells beyond this column are never read (a header has at most 100 columns; see columns.py).
MAX_COLUMN = 200
#: Local names of the elements read (the namespace is stripped: some writers prefix it, x:row).
ROW, CELL, VALUE, FORMULA, TEXT, INLINE = "row", "c", "v", "f", "t", "is"


class Formula(str):
    """A cell that holds a formula, as its text (「=CONCATENATE("VIP","会員")」)."""


class ForbiddenXml(ValueError):
    """The sheet declares a DTD or entities: refused, as defusedxml would."""


def _column_index(ref: str) -> int:
    """「AB12」 → 27 (0-based), from the letters only."""
    index = 0
    for ch in ref:
        if "A" <= ch <= "Z":
            index = index * 26 + (ord(ch) - 64)
        elif "a" <= ch <= "z":
            index = index * 26 + (ord(ch) - 96)
        else:
            break
    return index - 1


class _SheetParser:
    def __init__(self, shared_strings: Any, date_styles: set[int], epoch: datetime) -> None:
        self.shared = shared_strings
        self.dates = date_styles
        self.epoch = epoch
        self.ready: list[tuple[int, tuple[Any, ...]]] = []
        self.row_number = 0
        self.cells: dict[int, Any] = {}
        self.col = -1
        self.kind = "n"
        self.style = 0
        self.text: list[str] | None = None  # collecting <v>, <t> or <f> text
        self.value: str | None = None
        self.inline: list[str] | None = None
        self.formula: str | None = None
        self.formula_si: str | None = None
        self.shared_formulas: dict[str, str] = {}

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = name.rpartition(" ")[2]
        if local == CELL:
            ref = attrs.get("r")
            self.col = _column_index(ref) if ref else self.col + 1
            self.kind = attrs.get("t", "n")
            style = attrs.get("s")
            self.style = int(style) if style and style.isdigit() else 0
            self.value = self.formula = self.formula_si = self.inline = None
        elif local in (VALUE, FORMULA) or (local == TEXT and self.inline is not None):
            self.text = []
            if local == FORMULA:
                self.formula_si = attrs.get("si") if attrs.get("t") == "shared" else None
        elif local == INLINE:
            self.inline = []
        elif local == ROW:
            number = attrs.get("r")
            self.row_number = int(float(number)) if number else self.row_number + 1
            self.cells = {}
            self.col = -1

    def data(self, text: str) -> None:
        if self.text is not None:
            self.text.append(text)

    def end(self, name: str) -> None:
        local = name.rpartition(" ")[2]
        if local == VALUE and self.text is not None:
            self.value, self.text = "".join(self.text), None
        elif local == FORMULA and self.text is not None:
            self.formula, self.text = "".join(self.text), None
        elif local == TEXT and self.text is not None and self.inline is not None:
            self.inline.append("".join(self.text))
            self.text = None
        elif local == CELL:
            value = self._cell_value()
            if value is not None and 0 <= self.col < MAX_COLUMN:
                self.cells[self.col] = value
        elif local == ROW:
            width = max(self.cells) + 1 if self.cells else 0
            self.ready.append((self.row_number, tuple(self.cells.get(i) for i in range(width))))

    def _cell_value(self) -> Any:
        if self.formula is not None or self.formula_si is not None:
            if self.formula:
                if self.formula_si is not None:
                    self.shared_formulas.setdefault(self.formula_si, self.formula)
                return Formula("=" + self.formula)
            return Formula("=" + self.shared_formulas.get(self.formula_si or "", ""))
        if self.inline is not None:
            return "".join(self.inline)
        value = self.value
        if value is None or value == "":
            return None
        kind = self.kind
        if kind == "s":
            return self.shared[int(value)]
        if kind == "n":
            number = float(value) if any(c in value for c in ".eE") else int(value)
            if self.style in self.dates:
                try:
                    return from_excel(number, self.epoch)
                except (OverflowError, ValueError):
                    return "#VALUE!"
            return number
        if kind == "b":
            return value == "1"
        if kind == "d":
            try:
                return datetime.fromisoformat(value)
            except ValueError:
                return value
        return value  # str (a formula's cached text when formulas are absent), e (#N/A …)


def _forbid(*_: Any) -> None:
    raise ForbiddenXml("DTD or entity declarations are not allowed")


def _parser() -> Any:
    """An expat parser that refuses a DTD and every entity (as defusedxml does)."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = _forbid
    parser.EntityDeclHandler = _forbid
    parser.ExternalEntityRefHandler = _forbid
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    return parser


def iter_sheet_rows(source: IO[bytes], shared_strings: Any, date_styles: set[int], epoch: datetime
                    ) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(row number, values) for every row present in the sheet, in file order."""
    handler = _SheetParser(shared_strings, date_styles, epoch)
    parser = _parser()
    parser.buffer_text = True
    parser.StartElementHandler = handler.start
    parser.EndElementHandler = handler.end
    parser.CharacterDataHandler = handler.data
    while True:
        chunk = source.read(CHUNK)
        parser.Parse(chunk, not chunk)
        if handler.ready:
            yield from handler.ready
            handler.ready.clear()
        if not chunk:
            return


def last_row_number(source: IO[bytes]) -> int:
    """The number of the sheet's last row element (its ``r``, else its position), reading nothing else.

    A counting pass for the row limit, before the rows are read for their values: expat with one
    callback costs a fraction of what reading the cells does."""
    last = 0

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal last
        if name.rpartition(" ")[2] == ROW:
            number = attrs.get("r", "")
            last = int(number) if number.isascii() and number.isdigit() and len(number) < 10 else last + 1

    parser = _parser()
    parser.StartElementHandler = start
    while True:
        chunk = source.read(CHUNK)
        parser.Parse(chunk, not chunk)
        if not chunk:
            return last
