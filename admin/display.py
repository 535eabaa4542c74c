"""How the admin shows values: Japan time, yen with separators, Japanese enum labels, the ❗ mark."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from markupsafe import Markup
from sqladmin.formatters import BASE_FORMATTERS

JST = ZoneInfo("Asia/Tokyo")
#: 月 … 日, by ``date.weekday()``.
WEEKDAYS = "月火水木金土日"


def format_datetime(value: datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(JST)
    return value.strftime("%Y/%m/%d %H:%M")


def format_date(value: date) -> str:
    return value.strftime("%Y/%m/%d")


def format_day(value: date) -> str:
    """A day with its weekday, as staff read a booking: 2026/12/06（日）."""
    return f"{format_date(value)}（{WEEKDAYS[value.weekday()]}）"


def format_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


TYPE_FORMATTERS = {
    **BASE_FORMATTERS,
    datetime: format_datetime,
    date: format_date,
    dict: format_json,
}
#: A details page states a yes/no field in words (直前キャンセル: いいえ): sqladmin's red ✕ for False
#: reads as an error there.
DETAIL_TYPE_FORMATTERS = {**TYPE_FORMATTERS, bool: lambda value: "はい" if value else "いいえ"}


def enum_label_formatter(model: Any, attribute: str) -> str:
    value = getattr(model, attribute, None)
    if value is None:
        return ""
    return getattr(value, "label", None) or str(getattr(value, "value", value))


def format_yen(value: int | None) -> str:
    """24750 → 「24,750円」, as prices are written in a Japanese salon."""
    return "" if value is None else f"{value:,}円"


def yen_formatter(model: Any, attribute: str) -> str:
    return format_yen(getattr(model, attribute, None))


def wrapping(text: Any) -> Markup:
    """A list cell that may break at its spaces (never inside a word) when the table is short of room."""
    return Markup('<span class="list-wrap">{}</span>').format(text)


def datetime_cell(model: Any, attribute: str) -> Markup:
    """A list's date and time: 「2026/12/04 19:00」, or the time under the date in a narrow column."""
    value = getattr(model, attribute, None)
    return wrapping(format_datetime(value)) if value is not None else Markup("")


def memo_cell(model: Any, attribute: str) -> Markup:
    """A memo column: the text wraps in a column of readable width instead of widening the table."""
    return Markup('<div class="list-memo">{}</div>').format(getattr(model, attribute, None) or "")


def mark(text: str, memo: str | None, *, symbol: str = "❗", with_memo: bool = True) -> Markup:
    """A name with the caution mark and its memo (SPEC §3: every list shows both); ``with_memo=False``
    where the row's own memo column already shows it (the caution list)."""
    if memo is None:
        return Markup("{}").format(text)
    if not with_memo:
        return Markup('<span class="text-danger" title="{memo}">{symbol}</span> {text}').format(
            symbol=symbol, text=text, memo=memo)
    short = memo if len(memo) <= 30 else memo[:30] + "…"
    return Markup(
        '<span class="text-danger" title="{memo}">{symbol}</span> {text}'
        ' <small class="text-danger d-block text-wrap" title="{memo}">{short}</small>'
    ).format(symbol=symbol, text=text, memo=memo, short=short)
