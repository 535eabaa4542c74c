"""Every customer field: label, role, kind, who may set it, required on full registration, limits."""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from services.ids import MAX_ID  # noqa: F401 (re-exported: the INTEGER id columns; a larger id matches nothing)

MAX_ATTRIBUTES = 30
MAX_IDS = 100  # inflow routes / free-item choices of one customer
CUSTOMER_NO_RE = re.compile(r"[A-Za-z0-9]{1,32}")


class Mode(str, enum.Enum):
    FULL = "full"
    PHONE = "phone"
    IMPORT = "import"
    UPDATE = "update"
    SELF_EDIT = "self_edit"
    LINE = "line"


class Role(str, enum.Enum):
    INPUT = "input"  # a caller (staff, import, the customer) may set it
    LINE = "line"  # written by LINE linking only
    KEY = "key"  # normalised keys derived from the inputs (services.customers.derive_keys)
    DERIVED = "derived"  # figures derived from reservations and flag entries (services.customer_stats)
    SYSTEM = "system"  # ids, timestamps, registration path, withdrawal


class Kind(str, enum.Enum):
    """How an input field is checked and normalised."""

    CUSTOMER_NO = "customer_no"
    NAME = "name"
    KANA = "kana"
    PHONE = "phone"
    EMAIL = "email"
    DATE = "date"
    POSTAL_CODE = "postal_code"
    ENUM = "enum"
    LINE_TEXT = "line_text"  # one-line free text (prefecture, city, address)
    NOTES = "notes"  # multi-line free text
    BOOL = "bool"
    COUNT = "count"
    REF = "ref"  # id of a master row
    REF_LIST = "ref_list"  # ids of master rows
    TAGS = "tags"  # 顧客属性
    OTHER = "other"  # not an input


@dataclass(frozen=True)
class CustomerField:
    name: str
    label: str
    role: Role
    kind: Kind = Kind.OTHER
    customer_editable: bool = False
    required_on_full: bool = False
    nullable: bool = True  # may a caller send null (meaning: empty / the default)?
    max_length: int | None = None
    max_value: int | None = None
    column: bool = True  # False for the collections (they live in their own tables)
    #: What the field holds, in English, for the API's descriptions (after the label).
    about: str = ""
    #: What to type, in Japanese, for staff: the admin form's help and the import template's note.
    hint: str = ""
    #: A sample value (the admin form's placeholder, the import template's example row).
    example: str = ""
    #: The value a new customer gets when the field is not given (None: empty).
    default: Any = None

    @property
    def settable(self) -> bool:
        """May a caller (staff, the import, a customer) set this field?"""
        return self.role is Role.INPUT


def _input(name: str, label: str, kind: Kind, **kw: Any) -> CustomerField:
    return CustomerField(name, label, Role.INPUT, kind, **kw)


def _other(name: str, label: str, role: Role) -> CustomerField:
    return CustomerField(name, label, role)


_SELF = {"customer_editable": True}
_KANA = "全角カタカナ（ひらがな・半角カナは自動で変換）"
_CHOICE = "選択肢から"
_FIELD_LIST: tuple[CustomerField, ...] = (
    _other("id", "ID", Role.SYSTEM),
    _input("customer_no", "お客様番号", Kind.CUSTOMER_NO, max_length=32,
           about="letters and digits; empty on registration = the next number",
           hint="半角英数字。空欄のときは自動で採番します"),
    _input("last_name", "姓", Kind.NAME, required_on_full=True, max_length=64, **_SELF,
           about="family name", hint="漢字・カタカナなど", example="山田"),
    _input("first_name", "名", Kind.NAME, required_on_full=True, max_length=64, **_SELF,
           about="given name", hint="漢字・カタカナなど", example="花子"),
    _input("last_name_kana", "セイ", Kind.KANA, required_on_full=True, max_length=64, **_SELF,
           about="katakana; hiragana and half-width kana are converted", hint=_KANA, example="ヤマダ"),
    _input("first_name_kana", "メイ", Kind.KANA, required_on_full=True, max_length=64, **_SELF,
           about="katakana; hiragana and half-width kana are converted", hint=_KANA, example="ハナコ"),
    _other("name_key", "氏名キー(統合判定用)", Role.KEY),
    _other("search_text", "検索用テキスト", Role.KEY),
    _input("phone", "電話番号", Kind.PHONE, required_on_full=True, max_length=20, **_SELF,
           about="any format, full-width digits ok", hint="ハイフンや全角数字も入力できます",
           example="090-1234-5678"),
    _input("email", "メールアドレス", Kind.EMAIL, required_on_full=True, max_length=254, **_SELF,
           about="unique among active customers", example="hanako@example.jp"),
    _other("email_key", "メールアドレス(小文字)", Role.KEY),
    _other("email_is_placeholder", "仮メールアドレス", Role.KEY),
    _other("person_kana", "本人照合用カナ", Role.KEY),
    _other("person_phone", "本人照合用電話番号", Role.KEY),
    _other("person_email", "本人照合用メールアドレス", Role.KEY),
    _input("birth_date", "生年月日", Kind.DATE, **_SELF,
           about="1990-04-01, 1990/4/1, 1990年4月1日, 平成2年4月1日 or H2.4.1",
           hint="和暦も入力できます（例: 平成2年4月1日、H2.4.1）", example="1990/4/1"),
    _input("gender", "性別", Kind.ENUM, **_SELF, about="gender",
           hint="女性・男性・その他・未回答", example="女性", default="UNANSWERED"),
    _input("postal_code", "郵便番号", Kind.POSTAL_CODE, max_length=7, **_SELF,
           about="seven digits; fills prefecture and city when they are empty",
           hint="7桁。都道府県・市区町村が空欄なら補完します", example="150-0041"),
    _input("prefecture", "都道府県", Kind.LINE_TEXT, max_length=16, **_SELF, about="prefecture",
           hint="空欄なら郵便番号から補完します", example="東京都"),
    _input("city", "市区町村", Kind.LINE_TEXT, max_length=64, **_SELF, about="city",
           hint="空欄なら郵便番号から補完します", example="渋谷区"),
    _input("address_line", "住所", Kind.LINE_TEXT, max_length=200, **_SELF,
           about="the rest of the address", hint="番地・建物名など", example="神南1-2-3"),
    _other("line_user_id", "LINEユーザーID", Role.LINE),
    _other("line_name", "LINE名", Role.LINE),
    _other("line_picture_url", "画像(LINE)", Role.LINE),
    _other("line_linked_at", "LINE連携日時", Role.LINE),
    _input("occupation_id", "職業", Kind.REF, about="occupation", hint=_CHOICE),
    _input("first_visit_motive_id", "初回来店動機", Kind.REF, about="first-visit motive", hint=_CHOICE),
    _input("notes", "備考", Kind.NOTES, max_length=2000, about="notes", hint="趣味・お飲み物の好みなど"),
    _input("mail_ok", "メール配信", Kind.BOOL, nullable=False, **_SELF, about="e-mail allowed", default=True),
    _input("phone_ok", "電話連絡", Kind.BOOL, nullable=False, **_SELF, about="phone calls allowed", default=True),
    _input("dm_ok", "DM配信", Kind.BOOL, nullable=False, **_SELF, about="direct mail allowed", default=True),
    _input("pre_system_visit_count", "システム導入前来店回数", Kind.COUNT, nullable=False, max_value=10000,
           about="visits before the system", hint="0以上の整数", default=0),
    _other("registered_at", "初回登録日", Role.SYSTEM),
    _other("registration_path", "登録経路", Role.SYSTEM),
    _other("withdrawn_at", "退会日時", Role.SYSTEM),
    _other("visit_count", "来店回数", Role.DERIVED),
    _other("reservation_count", "予約回数", Role.DERIVED),
    _other("cancel_count", "キャンセル回数", Role.DERIVED),
    _other("has_late_cancel", "直前キャンセルあり", Role.DERIVED),
    _other("has_unpaid_cancel_fee", "キャンセル料未払いあり", Role.DERIVED),
    _other("first_visit_at", "初回来店日", Role.DERIVED),
    _other("last_visit_at", "最終来店日", Role.DERIVED),
    _other("last_menu_id", "最終利用メニュー", Role.DERIVED),
    _other("average_visit_interval_days", "平均来店間隔(日)", Role.DERIVED),
    _other("is_caution", "要注意人物", Role.DERIVED),
    _other("has_blacklist_entry", "ブラックリスト登録あり", Role.DERIVED),
    _other("created_at", "作成日時", Role.SYSTEM),
    _other("updated_at", "更新日時", Role.SYSTEM),
    _input("attributes", "顧客属性", Kind.TAGS, column=False, max_length=100, about="attributes",
           hint="例: 車椅子の方、お子様と一緒にご来店"),
    _input("inflow_route_ids", "流入経路", Kind.REF_LIST, column=False, about="inflow routes", hint=_CHOICE),
    _input("free_item_choice_ids", "フリー項目の選択肢", Kind.REF_LIST, column=False,
           about="one choice per free item", hint=_CHOICE),
)

#: Every customer field by name.
FIELDS: dict[str, CustomerField] = {f.name: f for f in _FIELD_LIST}
#: Fields a caller may set, in form order.
SETTABLE: tuple[str, ...] = tuple(f.name for f in _FIELD_LIST if f.settable)
#: Settable fields stored in the customers table (the rest are the collections).
SCALAR_FIELDS: tuple[str, ...] = tuple(n for n in SETTABLE if FIELDS[n].column)
COLLECTION_FIELDS: tuple[str, ...] = tuple(n for n in SETTABLE if not FIELDS[n].column)
CUSTOMER_EDITABLE: frozenset[str] = frozenset(n for n in SETTABLE if FIELDS[n].customer_editable)
REQUIRED_ON_FULL: tuple[str, ...] = tuple(n for n in SETTABLE if FIELDS[n].required_on_full)
NAMES = ("last_name", "first_name")
REQUIRED_BY_MODE: dict[Mode, tuple[str, ...]] = {
    Mode.FULL: REQUIRED_ON_FULL,
    Mode.PHONE: (*NAMES, "phone"),
    Mode.IMPORT: NAMES,
    Mode.UPDATE: NAMES,
    Mode.SELF_EDIT: NAMES,
    Mode.LINE: (*NAMES, "email"),
}
#: Labels of pseudo-fields that only appear in messages (e.g. one kana box for セイ and メイ).
_EXTRA_LABELS = {"kana": "フリガナ"}


def label_of(name: str) -> str:
    """The Japanese label of a customer field (the name itself for an unknown one)."""
    found = FIELDS.get(name)
    return found.label if found else _EXTRA_LABELS.get(name, name)


def normalize_customer_no(value: Any) -> str:
    """お客様番号 as stored and looked up: NFKC (full-width ａ１ → a1), surrounding spaces dropped."""
    return unicodedata.normalize("NFKC", "" if value is None else str(value)).strip()
