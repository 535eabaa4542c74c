"""Rules for any text or number that comes from outside (forms, GraphQL, files).

- A value longer than its limit is an error, never silently cut.
- Identifying text (names, kana, phone, e-mail, codes) refuses control characters and
  bidi overrides: a NUL or a right-to-left override in a name hides or reverses what staff see.
- Free text (addresses, notes, master names) drops them instead, keeping newlines and tabs
  where the field is multi-line.
- A lone surrogate (``\\ud800``, possible in JSON) is never text: refused everywhere.
- Numbers are bounded to a sensible range, with the range in the message.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from services.errors import DomainError, ErrorCode

# Explicit bidi embedding / override / isolate marks and the implicit direction marks.
_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f" + _BIDI + "]")
_CONTROL_EXCEPT_LAYOUT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f" + _BIDI + "]")
_SPACES = re.compile(r"\s+")
#: Raw input many times over its limit is refused before any normalisation runs on it.
RAW_FACTOR = 4
RAW_SLACK = 64


def has_surrogate(value: str) -> bool:
    return _SURROGATE.search(value) is not None


def has_control(value: str) -> bool:
    """Control characters (other than plain whitespace) or bidi marks."""
    return _CONTROL.search(value.replace("\t", " ").replace("\n", " ").replace("\r", " ")) is not None


def bad_characters(label: str, field: str | None, code: ErrorCode = ErrorCode.INVALID) -> DomainError:
    return DomainError(code, f"{label}に使用できない文字（制御文字など）が含まれています。", field)


def too_long(label: str, field: str | None, limit: int) -> DomainError:
    return DomainError(ErrorCode.TOO_LONG, f"{label}は{limit}文字以内で入力してください。", field)


def as_text(value: Any, label: str, field: str | None, limit: int | None = None) -> str:
    """``value`` as a str; refuses surrogates and input far over ``limit`` before any further work."""
    text = value if isinstance(value, str) else str(value)
    if limit is not None and len(text) > limit * RAW_FACTOR + RAW_SLACK:
        raise too_long(label, field, limit)
    if has_surrogate(text):
        raise bad_characters(label, field)
    return text


def check_length(text: str, label: str, field: str | None, limit: int | None) -> str:
    if limit is not None and len(text) > limit:
        raise too_long(label, field, limit)
    return text


def strict_text(value: Any, label: str, field: str | None, limit: int | None,
                code: ErrorCode = ErrorCode.INVALID) -> str:
    """Identifying text: surrogates, control characters and bidi marks refused."""
    text = as_text(value, label, field, limit)
    if has_control(text):
        raise bad_characters(label, field, code)
    return text


def free_text(value: Any, label: str, field: str | None, limit: int | None, *,
              multiline: bool = False) -> str | None:
    """Free text: NFC, control and bidi characters dropped (newlines and tabs kept when
    ``multiline``, else every run of whitespace becomes one space), stripped, then the
    length checked.  Empty becomes None."""
    if value is None:
        return None
    text = unicodedata.normalize("NFC", as_text(value, label, field, limit))
    if multiline:
        text = _CONTROL_EXCEPT_LAYOUT.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    else:
        text = _SPACES.sub(" ", _CONTROL.sub("", _SPACES.sub(" ", text)))
    text = text.strip()
    check_length(text, label, field, limit)
    return text or None


def bounded_int(value: Any, label: str, field: str | None, low: int, high: int) -> int:
    """An integer in ``low..high`` from an int or a digit string (full-width digits accepted)."""
    message = f"{label}は{low:,}〜{high:,}の整数で入力してください。"
    if isinstance(value, bool):
        raise DomainError(ErrorCode.INVALID, message, field)
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():  # a spreadsheet's 3.0
        number = int(value)
    elif isinstance(value, str) and len(value) <= 32:
        text = unicodedata.normalize("NFKC", value).strip().replace(",", "")
        if not re.fullmatch(r"[+-]?[0-9]+", text):
            raise DomainError(ErrorCode.INVALID, message, field)
        number = int(text)
    else:
        raise DomainError(ErrorCode.INVALID, message, field)
    if not low <= number <= high:
        raise DomainError(ErrorCode.INVALID, message, field)
    return number
