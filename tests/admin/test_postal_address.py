"""The profile form's address fill (admin/postal.py): a typed postal code answers its address as JSON
for signed-in staff, in Japanese when it cannot; the form and the details page write 164-0001."""

from __future__ import annotations

import pytest

from models import Customer
from tests.admin.test_customers import FORM, HANAKO
from tests.factories import add_customer

NAKANO = {"postalCode": "164-0001", "prefecture": "東京都", "city": "中野区", "town": "中野"}


@pytest.mark.parametrize("code", ["1640001", "164-0001", "１６４－０００１", "〒164-0001"])
async def test_a_postal_code_answers_its_address(staff, code):
    response = await staff.get("/admin/postal-address", params={"code": code})
    assert response.status_code == 200
    assert response.json() == NAKANO
    assert response.headers["cache-control"] == "private, no-store"


@pytest.mark.parametrize(("code", "status", "message"), [
    ("0000000", 404, "郵便番号 000-0000 に該当する住所が見つかりません。"),
    ("16400", 400, "郵便番号は7桁の数字で入力してください（例: 100-0001）。"),
    ("abcdefg", 400, "郵便番号は7桁の数字で入力してください（例: 100-0001）。"),
    ("", 400, "郵便番号を入力してください。"),
    ("1" * 21, 400, "郵便番号は7桁の数字で入力してください（例: 100-0001）。"),
])
async def test_a_bad_postal_code_is_answered_in_japanese(staff, code, status, message):
    response = await staff.get("/admin/postal-address", params={"code": code})
    assert response.status_code == status
    assert response.json() == {"error": message}


async def test_signed_out_nothing_is_looked_up(browser):
    response = await browser.get("/admin/postal-address", params={"code": "1640001"})
    assert response.status_code == 401
    assert response.json() == {"error": "ログインしてください。"}


async def test_the_form_and_the_details_write_the_postal_code_with_its_hyphen(manager, db):
    customer = await add_customer(db, postal_code="1640001", birth_date="1990-04-01")
    form = (await manager.get(f"/admin/customer/edit/{customer.id}")).text
    assert 'value="164-0001"' in form
    assert 'data-postal-code=""' in form and 'inputmode="numeric"' in form
    details = (await manager.get(f"/admin/customer/details/{customer.id}")).text
    assert "164-0001" in details and "1640001" not in details
    assert "1990/04/01（平成2年4月1日）" in details


async def test_the_form_saves_what_it_shows(manager, db):
    """The edit form posts back 164-0001 as it shows it; the service stores the seven digits."""
    customer = await add_customer(db, **HANAKO, postal_code="1640001")
    form = {**FORM, "customer_no": customer.customer_no, **HANAKO, "postal_code": "164-0001"}
    response = await manager.submit(f"/admin/customer/edit/{customer.id}", form)
    assert response.status_code == 302, response.text
    async with db.sessionmaker() as session:
        assert (await session.get(Customer, customer.id)).postal_code == "1640001"
