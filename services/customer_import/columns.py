"""The import's columns: template headers, what each takes, and how a file's headers map to them.

A column per settable customer field, with the registry's label (the header), hint and example
(``services.customer_fields``); what only the import knows (other systems' headers, how a cell
writes a list or a yes/no) is in :data:`CELLS`.

A column *key* is what a mapping names: a customer field (``last_name`` …), a master looked up
by name (``inflow_routes`` …), one of the store's free items (``free_item:<id>``), a combined
name column from another system (``full_name`` 「山田 花子」, split at the first space), or
``IGNORE``.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import dataclass

from services.customer_fields import FIELDS, REQUIRED_BY_MODE, SETTABLE, CustomerField, Kind, Mode
from services.errors import DomainError, ErrorCode

IGNORE = ""
FREE_ITEM_PREFIX = "free_item:"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    note: str
    example: str = ""
    required: bool = False
    aliases: tuple[str, ...] = ()
    width: int = 14
    in_template: bool = True

    @property
    def template_header(self) -> str:
        return f"{self.header}*" if self.required else self.header


@dataclass(frozen=True)
class _Cell:
    """What only the import knows about a customer field's column (label, hint and example are the
    registry's): the mapping's key where the cell names a master rather than an id, other systems'
    headers for it, how a cell writes it, and the template's width."""

    key: str | None = None
    aliases: tuple[str, ...] = ()
    note: str = ""
    width: int = 14


_MANY = "複数は「、」区切り"
#: One entry per settable customer field (a test fails when one is missing); None for the free-item
#: choices, which are one column per free item (:func:`free_item_column`).
CELLS: dict[str, _Cell | None] = {
    "customer_no": _Cell(aliases=("顧客番号", "会員番号", "顧客id", "顧客コード", "カルテ番号", "会員no", "顧客no"),
                         width=12),
    "last_name": _Cell(aliases=("苗字", "名字", "氏", "姓(漢字)", "lastname", "last name", "family name"), width=10),
    "first_name": _Cell(aliases=("名(漢字)", "firstname", "first name", "given name"), width=10),
    "last_name_kana": _Cell(aliases=("姓カナ", "姓(カナ)", "姓フリガナ", "フリガナ(姓)", "せい", "姓ふりがな",
                                     "ふりがな(姓)"), width=10),
    "first_name_kana": _Cell(aliases=("名カナ", "名(カナ)", "名フリガナ", "フリガナ(名)", "めい", "名ふりがな",
                                      "ふりがな(名)"), width=10),
    "phone": _Cell(aliases=("電話", "tel", "携帯電話", "携帯番号", "携帯", "電話番号1", "phone", "連絡先"),
                   note="重複の判断に使います", width=16),
    "email": _Cell(aliases=("メール", "e-mail", "email", "mail", "pcメール", "携帯メール", "メールアドレス1"),
                   note="重複の判断に使います", width=24),
    "birth_date": _Cell(aliases=("誕生日", "birthday", "生年月日(西暦)"), width=12),
    "gender": _Cell(aliases=("sex", "gender"), width=8),
    "postal_code": _Cell(aliases=("〒", "郵便", "zip", "郵便番号(7桁)"), width=10),
    "prefecture": _Cell(aliases=("県", "都道府県名"), width=10),
    "city": _Cell(aliases=("市町村", "市区町村名"), width=12),
    "address_line": _Cell(key="address", aliases=("住所1", "address", "番地", "住所(番地)"), width=24),
    "occupation_id": _Cell(key="occupation", aliases=("ご職業",), width=12),
    "first_visit_motive_id": _Cell(key="first_visit_motive", aliases=("来店動機",), width=14),
    "notes": _Cell(aliases=("メモ", "特記事項", "備考欄"), width=24),
    "mail_ok": _Cell(aliases=("メール配信可否", "メルマガ"), width=10),
    "phone_ok": _Cell(aliases=("電話連絡可否",), width=10),
    "dm_ok": _Cell(aliases=("dm", "dm配信可否", "dm送付"), width=10),
    "pre_system_visit_count": _Cell(aliases=("来店回数", "導入前来店回数"), width=12),
    "attributes": _Cell(aliases=("属性", "タグ"), note=_MANY, width=18),
    "inflow_route_ids": _Cell(key="inflow_routes", aliases=("来店経路", "来店きっかけ", "媒体", "集客経路"),
                              note=_MANY, width=16),
    "free_item_choice_ids": None,
}


def _note(spec: CustomerField, cell: _Cell) -> str:
    parts = ["必須" if spec.name in REQUIRED_BY_MODE[Mode.IMPORT] else "", spec.hint, cell.note]
    if spec.kind is Kind.BOOL:
        parts.append(f"可・不可(空欄は{'可' if spec.default else '不可'})")
    return "。".join(p for p in parts if p)


def _field_column(name: str, cell: _Cell) -> Column:
    spec = FIELDS[name]
    return Column(cell.key or name, spec.label, _note(spec, cell), spec.example,
                  required=name in REQUIRED_BY_MODE[Mode.IMPORT], aliases=cell.aliases, width=cell.width)


#: Service field → the import column that carries it (for naming the column of an error).
FIELD_COLUMN = {name: cell.key for name, cell in CELLS.items() if cell is not None and cell.key}
COLUMNS: tuple[Column, ...] = (
    *(_field_column(name, cell) for name in SETTABLE if (cell := CELLS[name]) is not None),
    Column("full_name", "氏名", "姓と名を空白で区切った1列(他システムのCSV用)",
           aliases=("お名前", "顧客名", "名前", "お客様名", "氏名(漢字)"), in_template=False),
    Column("full_name_kana", "氏名カナ", "セイとメイを空白で区切った1列(他システムのCSV用)",
           aliases=("フリガナ", "ふりがな", "カナ氏名", "氏名(カナ)", "お名前(カナ)", "氏名フリガナ", "カナ"),
           in_template=False),
)
BY_KEY = {c.key: c for c in COLUMNS}
MAX_COLUMNS = 100


def header_key(text: str) -> str:
    """A header as compared: NFKC, no spaces or required marks, lower case."""
    text = unicodedata.normalize("NFKC", text or "")
    return "".join(ch for ch in text if not ch.isspace() and ch not in "*※").lower()


def free_item_column(item_id: int, name: str) -> Column:
    return Column(f"{FREE_ITEM_PREFIX}{item_id}", name, "選択肢から", width=14)


def available_columns(free_items: list[tuple[int, str]]) -> list[Column]:
    return [*COLUMNS, *(free_item_column(i, n) for i, n in free_items)]


def suggest_mapping(headers: list[str], columns: list[Column]) -> list[str]:
    """A target key per file column, from its header (IGNORE when nothing fits or already taken)."""
    lookup: dict[str, str] = {}
    for column in columns:
        for name in (column.header, *column.aliases):
            lookup.setdefault(header_key(name), column.key)
    taken: set[str] = set()
    mapping: list[str] = []
    for header in headers:
        key = lookup.get(header_key(header), IGNORE)
        if key in taken:
            key = IGNORE
        taken.add(key)
        mapping.append(key)
    return mapping


def check_mapping(mapping: list[str], headers: list[str], columns: list[Column]) -> list[str]:
    """The mapping padded to the file's width, or a Japanese error saying what is wrong with it."""
    if len(headers) > MAX_COLUMNS:
        raise DomainError(ErrorCode.INVALID_FILE, f"列が多すぎます（上限 {MAX_COLUMNS} 列）。", "file")
    known = {c.key for c in columns}
    mapping = [(m or IGNORE).strip() for m in mapping[: len(headers)]]
    mapping += [IGNORE] * (len(headers) - len(mapping))
    unknown = [m for m in mapping if m and m not in known]
    if unknown:
        raise DomainError(ErrorCode.INVALID, f"列の指定「{unknown[0][:40]}」は取り込み先として使えません。", "mapping")
    used = [m for m in mapping if m]
    twice = sorted({m for m in used if used.count(m) > 1})
    if twice:
        labels = "、".join(BY_KEY[m].header if m in BY_KEY else m for m in twice)
        raise DomainError(ErrorCode.INVALID, f"{labels}に複数の列が指定されています。", "mapping")
    has_names = {"last_name", "first_name"} <= set(used) or "full_name" in used
    if not has_names:
        raise DomainError(ErrorCode.REQUIRED,
                          "姓と名（または氏名）の列が見つかりません。見出しを確認するか、列の対応を指定してください。",
                          "mapping")
    return mapping


def header_signature(headers: list[str]) -> str:
    """Identifies a file layout (another system's export) so its mapping can be reused next time."""
    return hashlib.sha256(json.dumps([header_key(h) for h in headers]).encode()).hexdigest()
