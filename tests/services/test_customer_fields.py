"""services.customer_fields: the field registry and clean_customer (pure, no database)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import inspect

from models import Customer, Gender
from services import customer_fields as cf
from services.customer_fields import CustomerInput, Mode, Role, clean_customer
from services.errors import DomainError, ErrorCode

GOOD = {
    "last_name": "山田", "first_name": "太郎", "last_name_kana": "やまだ", "first_name_kana": "ﾀﾛｳ",
    "phone": "０９０−１２３４−５６７８", "email": "Taro@Example.JP",
}


def _codes(result) -> dict[str, ErrorCode]:
    return {e.field: e.code for e in result.errors}


# --------------------------------------------------------------------------- the registry


def test_every_customer_column_is_classified():
    columns = {c.key for c in inspect(Customer).column_attrs}
    registered = {f.name for f in cf.FIELDS.values() if f.column}
    assert columns == registered


def test_labels_agree_with_the_column_comments():
    """The admin reads labels from the comments: they must say what the registry says."""
    for prop in inspect(Customer).column_attrs:
        comment = prop.columns[0].comment
        if comment:
            assert cf.FIELDS[prop.key].label == comment, prop.key


def test_settable_fields_and_flags():
    assert cf.REQUIRED_ON_FULL == (
        "last_name", "first_name", "last_name_kana", "first_name_kana", "phone", "email")
    assert cf.COLLECTION_FIELDS == ("attributes", "inflow_route_ids", "free_item_choice_ids")
    assert "notes" not in cf.CUSTOMER_EDITABLE and "customer_no" not in cf.CUSTOMER_EDITABLE
    assert {"mail_ok", "phone", "address_line"} <= cf.CUSTOMER_EDITABLE
    assert all(cf.FIELDS[n].role is Role.INPUT for n in cf.SETTABLE)
    assert not cf.FIELDS["visit_count"].settable and not cf.FIELDS["line_user_id"].settable
    for name in ("mail_ok", "phone_ok", "dm_ok", "pre_system_visit_count"):
        assert not cf.FIELDS[name].nullable


def test_every_string_input_fits_its_column():
    for prop in inspect(Customer).column_attrs:
        spec = cf.FIELDS[prop.key]
        length = getattr(prop.columns[0].type, "length", None)
        if spec.settable and length and spec.max_length:
            assert spec.max_length <= length, prop.key


def test_customer_number_cleanup():
    assert cf.normalize_customer_no("　Ａ１３１ ") == "A131"
    assert cf.normalize_customer_no(None) == ""


# --------------------------------------------------------------------------- clean_customer


def test_full_registration_normalises_every_field():
    result = clean_customer({**GOOD, "birth_date": "H2.4.1", "gender": "FEMALE", "mail_ok": "不可",
                             "pre_system_visit_count": "３", "attributes": [" 車椅子の方", "車椅子の方 ", ""],
                             "inflow_route_ids": ["2", 2, 3], "notes": "  コーヒー\r\n好き\t"}, Mode.FULL)
    assert result.ok, result.errors
    v = result.values
    assert (v["last_name_kana"], v["first_name_kana"], v["phone"]) == ("ヤマダ", "タロウ", "09012345678")
    assert v["email"] == "Taro@example.jp" and v["birth_date"] == date(1990, 4, 1)
    assert v["gender"] is Gender.FEMALE and v["mail_ok"] is False and v["pre_system_visit_count"] == 3
    assert v["attributes"] == ["車椅子の方"] and v["inflow_route_ids"] == [2, 3]
    assert v["notes"] == "コーヒー\n好き"


def test_typed_input_gives_only_the_fields_set():
    result = clean_customer(CustomerInput(last_name="山田", first_name="花子", phone="03-1234-5678"), Mode.PHONE)
    assert result.ok and set(result.values) == {"last_name", "first_name", "phone"}
    with pytest.raises(DomainError) as exc:
        cf.customer_input({"last_name": "山田", "visit_count": 3})
    assert exc.value.field == "visit_count"


@pytest.mark.parametrize(("mode", "missing"), [
    (Mode.FULL, {"last_name", "first_name", "last_name_kana", "first_name_kana", "phone", "email"}),
    (Mode.PHONE, {"last_name", "first_name", "phone"}),
    (Mode.IMPORT, {"last_name", "first_name"}),
    (Mode.UPDATE, set()),
])
def test_required_fields_by_mode(mode, missing):
    result = clean_customer({"notes": "メモ"}, mode)
    assert {e.field for e in result.errors if e.code == ErrorCode.REQUIRED} == missing


def test_update_cannot_blank_a_stored_required_field():
    stored = {"last_name_kana": "ヤマダ", "phone": "09012345678", "email": ""}
    result = clean_customer({"last_name_kana": "", "email": "", "first_name": " "}, Mode.UPDATE,
                            current=stored)
    assert _codes(result) == {"last_name_kana": ErrorCode.REQUIRED, "first_name": ErrorCode.REQUIRED}


def test_self_edit_refuses_staff_only_fields():
    result = clean_customer({"notes": "x", "pre_system_visit_count": 3, "phone": "09012345678"},
                            Mode.SELF_EDIT)
    assert _codes(result) == {"notes": ErrorCode.PERMISSION_DENIED,
                              "pre_system_visit_count": ErrorCode.PERMISSION_DENIED}
    assert result.errors[0].message == "備考はお客様ご自身では変更できません。"


def test_every_problem_is_reported_at_once():
    result = clean_customer({**GOOD, "phone": "abc", "email": "x@", "last_name_kana": "山田",
                             "pre_system_visit_count": -1, "mail_ok": None, "visit_count": 9}, Mode.FULL)
    assert _codes(result) == {
        "phone": ErrorCode.INVALID_PHONE, "email": ErrorCode.INVALID_EMAIL,
        "last_name_kana": ErrorCode.INVALID_KANA, "pre_system_visit_count": ErrorCode.INVALID,
        "mail_ok": ErrorCode.REQUIRED, "visit_count": ErrorCode.INVALID,
    }
    with pytest.raises(DomainError) as exc:
        result.raise_if_errors()
    assert len(exc.value.errors) == 6


@pytest.mark.parametrize("field", ["mail_ok", "phone_ok", "dm_ok", "pre_system_visit_count"])
def test_null_is_refused_where_there_is_no_empty_value(field):
    result = clean_customer({field: None}, Mode.UPDATE)
    assert [(e.field, e.code, e.message) for e in result.errors] == [
        (field, ErrorCode.REQUIRED, f"{cf.FIELDS[field].label}にnullは指定できません。")]


@pytest.mark.parametrize("value", [-1, 10001, 2147483647, 99999999999999999999, "1.5", "abc", True, 2.5])
def test_pre_system_visit_count_is_bounded(value):
    result = clean_customer({"pre_system_visit_count": value}, Mode.UPDATE)
    assert [(e.code, e.message) for e in result.errors] == [
        (ErrorCode.INVALID, "システム導入前来店回数は0〜10,000の整数で入力してください。")]


@pytest.mark.parametrize(("field", "limit"), [
    ("last_name", 64), ("first_name_kana", 64), ("prefecture", 16), ("city", 64), ("address_line", 200),
    ("notes", 2000),
])
def test_text_over_its_limit_is_an_error_not_a_cut(field, limit):
    ok = clean_customer({field: "ア" * limit}, Mode.UPDATE)
    assert ok.ok and len(ok.values[field]) == limit
    for length in (limit + 1, 100_000):
        result = clean_customer({field: "ア" * length}, Mode.UPDATE)
        assert [(e.field, e.code) for e in result.errors] == [(field, ErrorCode.TOO_LONG)]
        assert f"{limit}文字以内" in result.errors[0].message


@pytest.mark.parametrize(("field", "value", "code"), [
    ("last_name", "山田\x00", ErrorCode.INVALID),
    ("first_name", "\u202e太郎", ErrorCode.INVALID),
    ("last_name_kana", "ヤマダ\x07", ErrorCode.INVALID_KANA),
    ("phone", "090\x001234\u202e5678", ErrorCode.INVALID_PHONE),
    ("email", "taro\u202e@example.jp", ErrorCode.INVALID_EMAIL),
    ("last_name", "\ud800", ErrorCode.INVALID),
    ("notes", "\ud800", ErrorCode.INVALID),
])
def test_control_characters_are_refused_in_identifying_text(field, value, code):
    result = clean_customer({field: value}, Mode.UPDATE)
    assert [(e.field, e.code) for e in result.errors] == [(field, code)]


def test_free_text_drops_control_characters_but_keeps_layout():
    result = clean_customer({"notes": "ab\x00c\u202e\n\tdef", "address_line": "神南\x001-2\n3",
                             "city": "渋谷\u202e区"}, Mode.UPDATE)
    assert result.values == {"notes": "abc\n\tdef", "address_line": "神南1-2 3", "city": "渋谷区"}


def test_collections_are_bounded():
    result = clean_customer({"attributes": ["a"] * 31, "inflow_route_ids": list(range(1, 102)),
                             "free_item_choice_ids": [2**63], "occupation_id": "x"}, Mode.UPDATE)
    assert _codes(result) == {"attributes": ErrorCode.INVALID, "inflow_route_ids": ErrorCode.INVALID,
                              "free_item_choice_ids": ErrorCode.NOT_FOUND,
                              "occupation_id": ErrorCode.NOT_FOUND}
