"""新規電話予約 in the admin: the placeholder customers' list, 「+新規登録」 and the booking form after it."""

from __future__ import annotations

import html
import json
import re

from sqlalchemy import select

from models import AuditLog, Customer, RegistrationPath
from tests.factories import add_customer, count_rows

FORM = {"last_name": "鈴木", "first_name": "ﾊﾅｺ", "last_name_kana": "すずき", "first_name_kana": "",
        "phone": "090-1111-1111"}


async def written(db) -> tuple[int, int]:
    return await count_rows(db), await count_rows(db, AuditLog)


async def test_the_form_asks_for_names_and_phone_only(staff):
    page = await staff.get("/admin/phone-customer/create")

    assert page.status_code == 200
    names = set(re.findall(r'<input[^>]*name="([a-z_]+)"', page.text)) - {"csrf_token", "save",
                                                                                        "save_and_continue",
                                                                                        "save_and_add_another"}
    assert names == {"last_name", "first_name", "last_name_kana", "first_name_kana", "phone"}


async def test_a_save_registers_with_the_placeholder_and_opens_the_booking_form(staff, db):
    response = await staff.submit("/admin/phone-customer/create", FORM)

    assert response.status_code == 302, response.text
    async with db.sessionmaker() as session:
        customer = await session.scalar(select(Customer))
    assert (customer.last_name, customer.first_name, customer.last_name_kana) == ("鈴木", "ハナコ", "スズキ")
    assert customer.email == "09011111111@leporto.com" and customer.email_is_placeholder
    assert customer.registration_path == RegistrationPath.PHONE
    assert response.headers["location"].endswith(f"/admin/reservation/create?customer_id={customer.id}")

    # the booking form starts with the customer chosen, and says what was done
    form = await staff.get(response.headers["location"])
    assert form.status_code == 200
    chosen = json.loads(html.unescape(re.search(r'<select[^>]*data-json="([^"]*)"[^>]*name="customer"',
                                                form.text).group(1)))
    assert chosen == [{"id": str(customer.id), "text": f"{customer.customer_no} 鈴木 ハナコ"}]
    assert "鈴木 ハナコ 様" in form.text and "を登録しました。" in form.text


async def test_a_customer_id_that_is_no_customer_chooses_nobody(staff):
    for value in ("999999", "abc", "-1", ""):
        page = await staff.get(f"/admin/reservation/create?customer_id={value}")
        assert page.status_code == 200


async def test_missing_names_are_named_and_nothing_is_written(staff, db):
    before = await written(db)

    response = await staff.submit("/admin/phone-customer/create", {**FORM, "last_name": "", "first_name": ""})

    assert response.status_code == 400
    assert "姓を入力してください。" in response.text and "名を入力してください。" in response.text
    assert await written(db) == before


async def test_a_bad_phone_is_named_and_nothing_is_written(staff, db):
    before = await written(db)

    bad = await staff.submit("/admin/phone-customer/create", {**FORM, "phone": "00011111111"})
    missing = await staff.submit("/admin/phone-customer/create", {**FORM, "phone": ""})

    assert bad.status_code == 400 and "電話番号の形式が正しくありません。" in bad.text
    assert missing.status_code == 400 and "電話番号を入力してください。" in missing.text
    assert await written(db) == before


async def test_a_phone_of_an_active_customer_names_that_customer(staff, db):
    owner = await add_customer(db, last_name="青木", first_name="花子", phone="09011111111")
    before = await written(db)

    response = await staff.submit("/admin/phone-customer/create", FORM)

    assert response.status_code == 400
    assert f"この電話番号は既にお客様番号「{owner.customer_no}」青木 花子様が登録しています。" in response.text
    assert await written(db) == before


async def test_the_list_shows_the_placeholders_until_a_real_email(staff, db):
    await add_customer(db, last_name="本登録", first_name="様")
    await staff.submit("/admin/phone-customer/create", FORM)
    async with db.sessionmaker() as session:
        phone_only = await session.scalar(select(Customer).where(Customer.email_is_placeholder.is_(True)))

    listed = (await staff.get("/admin/phone-customer/list")).text
    assert "鈴木 ハナコ" in listed and "本登録" not in listed

    edit = await staff.get(f"/admin/customer/edit/{phone_only.id}")
    assert edit.status_code == 200
    form = {"customer_no": phone_only.customer_no, "last_name": "鈴木", "first_name": "ハナコ",
            "last_name_kana": "スズキ", "first_name_kana": "ハナコ", "phone": "090-1111-1111",
            "email": "hanako@example.jp", "birth_date": "", "gender": "FEMALE", "postal_code": "", "prefecture": "",
            "city": "", "address_line": "", "occupation_id": "__None", "first_visit_motive_id": "__None",
            "attributes": "", "notes": "", "pre_system_visit_count": "0"}
    saved = await staff.submit(f"/admin/customer/edit/{phone_only.id}", form)
    assert saved.status_code == 302, saved.text
    await staff.get(saved.headers["location"])  # the page that says it was saved

    assert "鈴木 ハナコ" not in (await staff.get("/admin/phone-customer/list")).text
    assert "鈴木 ハナコ" in (await staff.get("/admin/customer/list")).text
