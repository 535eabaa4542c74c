"""How each kind of customer field is checked and normalised (pure functions)."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

from models import Gender
from services import normalize, text_rules
from services.customer_fields.registry import (
    CUSTOMER_NO_RE,
    MAX_ATTRIBUTES,
    MAX_ID,
    MAX_IDS,
    CustomerField,
    Kind,
    normalize_customer_no,
)
from services.errors import DomainError, ErrorCode

_TRUE = frozenset({"1", "true", "yes", "y", "on", "可", "はい", "○", "〇"})
_FALSE = frozenset({"0", "false", "no", "n", "off", "不可", "いいえ", "×", "✕"})


def clean_value(spec: CustomerField, raw: Any) -> Any:
    """One field's value normalised, or a DomainError naming the field."""
    if raw is None and not spec.nullable:
        raise DomainError(ErrorCode.REQUIRED, f"{spec.label}にnullは指定できません。", spec.name)
    return _CLEANERS[spec.kind](spec, raw)


def _customer_no(spec: CustomerField, raw: Any) -> str | None:
    text = normalize_customer_no(text_rules.as_text(raw if raw is not None else "", spec.label, spec.name,
                                                    spec.max_length))
    if text and not CUSTOMER_NO_RE.fullmatch(text):
        raise DomainError(ErrorCode.INVALID_CUSTOMER_NO, "お客様番号は半角英数字(32文字以内)で入力してください。",
                          spec.name)
    return text or None


def _name(spec: CustomerField, raw: Any) -> str:
    if raw is None:
        return ""
    text = text_rules.strict_text(raw, spec.label, spec.name, spec.max_length)
    return text_rules.check_length(normalize.normalize_name(text), spec.label, spec.name, spec.max_length)


def _kana(spec: CustomerField, raw: Any) -> str:
    if raw is None:
        return ""
    text = text_rules.strict_text(raw, spec.label, spec.name, spec.max_length, ErrorCode.INVALID_KANA)
    kana = normalize.to_katakana(text, spec.name, spec.label)
    return text_rules.check_length(kana, spec.label, spec.name, spec.max_length)


def _phone(spec: CustomerField, raw: Any) -> str | None:
    if raw is None:
        return None
    text = text_rules.strict_text(raw, spec.label, spec.name, 32, ErrorCode.INVALID_PHONE)
    return normalize.normalize_phone(text, spec.name) or None


def _email(spec: CustomerField, raw: Any) -> str | None:
    if raw is None:
        return None
    text = text_rules.strict_text(raw, spec.label, spec.name, spec.max_length, ErrorCode.INVALID_EMAIL)
    email = normalize.normalize_email(text, spec.name)
    return text_rules.check_length(email, spec.label, spec.name, spec.max_length) or None


def _date(spec: CustomerField, raw: Any) -> Any:
    if isinstance(raw, str):
        raw = text_rules.strict_text(raw, spec.label, spec.name, 32, ErrorCode.INVALID_DATE)
    return normalize.parse_japanese_date(raw, spec.name)


def _postal_code(spec: CustomerField, raw: Any) -> str | None:
    if raw is None:
        return None
    text = text_rules.strict_text(raw, spec.label, spec.name, 16, ErrorCode.INVALID_POSTAL_CODE)
    return normalize.normalize_postal_code(text, spec.name) or None


def _gender(spec: CustomerField, raw: Any) -> Gender:
    if raw is None or raw == "":
        return Gender.UNANSWERED
    try:
        return Gender(raw)
    except ValueError:
        raise DomainError(ErrorCode.INVALID, f"{spec.label}の値が正しくありません。", spec.name) from None


def _line_text(spec: CustomerField, raw: Any) -> str | None:
    return text_rules.free_text(raw, spec.label, spec.name, spec.max_length)


def _notes(spec: CustomerField, raw: Any) -> str | None:
    return text_rules.free_text(raw, spec.label, spec.name, spec.max_length, multiline=True)


def _bool(spec: CustomerField, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int) and raw in (0, 1):
        return bool(raw)
    text = None
    if isinstance(raw, str) and len(raw) < 16:
        text = unicodedata.normalize("NFKC", raw).strip().lower()
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    raise DomainError(ErrorCode.INVALID, f"{spec.label}は「可」か「不可」で指定してください。", spec.name)


def _count(spec: CustomerField, raw: Any) -> int:
    if raw == "":
        return 0
    return text_rules.bounded_int(raw, spec.label, spec.name, 0, spec.max_value or 0)


def _ref(spec: CustomerField, raw: Any) -> int | None:
    if raw is None or raw == "" or raw == 0:
        return None
    return _one_id(spec, raw)


def _one_id(spec: CustomerField, raw: Any) -> int:
    try:
        return text_rules.bounded_int(raw, spec.label, spec.name, 1, MAX_ID)
    except DomainError:
        raise DomainError(ErrorCode.NOT_FOUND, f"指定された{spec.label}が見つかりません。", spec.name) from None


def _ref_list(spec: CustomerField, raw: Any) -> list[int]:
    items = _as_list(spec, raw, MAX_IDS)
    return list(dict.fromkeys(_one_id(spec, item) for item in items))


def _tags(spec: CustomerField, raw: Any) -> list[str]:
    items = _as_list(spec, raw, MAX_ATTRIBUTES)
    limit = spec.max_length or 0
    tags: list[str] = []
    for item in items:
        text = text_rules.strict_text(item if item is not None else "", spec.label, spec.name, limit)
        tag = normalize.normalize_name(text)
        if len(tag) > limit:
            raise DomainError(ErrorCode.TOO_LONG, f"{spec.label}は1件{limit}文字以内で入力してください。",
                              spec.name)
        if tag and tag not in tags:
            tags.append(tag)
    return tags


def _as_list(spec: CustomerField, raw: Any, limit: int) -> list[Any]:
    if raw is None:
        return []
    if isinstance(raw, (str, bytes, Mapping)) or not hasattr(raw, "__iter__"):
        raise DomainError(ErrorCode.INVALID, f"{spec.label}の形式が正しくありません。", spec.name)
    items = list(raw)[: limit + 1]
    if len(items) > limit:
        raise DomainError(ErrorCode.INVALID, f"{spec.label}は{limit}件までです。", spec.name)
    return items


def _not_input(spec: CustomerField, raw: Any) -> Any:  # pragma: no cover - refused before
    raise DomainError(ErrorCode.INVALID, f"{spec.label}は入力できない項目です。", spec.name)


_CLEANERS = {
    Kind.CUSTOMER_NO: _customer_no,
    Kind.NAME: _name,
    Kind.KANA: _kana,
    Kind.PHONE: _phone,
    Kind.EMAIL: _email,
    Kind.DATE: _date,
    Kind.POSTAL_CODE: _postal_code,
    Kind.ENUM: _gender,
    Kind.LINE_TEXT: _line_text,
    Kind.NOTES: _notes,
    Kind.BOOL: _bool,
    Kind.COUNT: _count,
    Kind.REF: _ref,
    Kind.REF_LIST: _ref_list,
    Kind.TAGS: _tags,
    Kind.OTHER: _not_input,
}
