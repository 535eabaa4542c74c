"""画像カルテ screens: upload, replace and delete a customer's JPEGs; served to signed-in staff only."""

from __future__ import annotations

import html
import io

import pytest
from PIL import Image
from sqlalchemy import select

from models import KarteImage
from tests import factories
from tests.admin.helpers import csrf_from
from tests.factories import count_rows
from tests.services.test_karte_images import GPS, jpeg, png


@pytest.fixture
async def customer(db):
    return await factories.add_customer(db, last_name="山田", first_name="花子")


async def _upload(staff, customer_id: int, data: bytes, name: str = "photo.jpg"):
    page = await staff.get(f"/admin/karte-image/upload?customer_id={customer_id}")
    assert page.status_code == 200, page.text
    return await staff.http.post("/admin/karte-image/upload", data={
        "csrf_token": csrf_from(page.text), "customer_id": str(customer_id), "caption": "施術後"},
        files={"file": (name, data, "image/jpeg")})


async def test_upload_list_serve_replace_and_delete(staff, browser, db, customer):
    response = await _upload(staff, customer.id, jpeg(orientation=6, gps=True))
    assert response.status_code == 303, response.text
    assert response.headers["location"].endswith(f"/admin/karte-image/list?customer_id={customer.id}")
    async with db.sessionmaker() as session:
        image = await session.scalar(select(KarteImage))
    listing = await staff.get(f"/admin/karte-image/list?customer_id={customer.id}")
    assert f"/admin/karte-image/file/{image.id}" in listing.text and "山田 花子" in listing.text
    served = await staff.get(f"/admin/karte-image/file/{image.id}")
    assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"
    assert served.headers["cache-control"] == "private, no-store"
    assert not Image.open(io.BytesIO(served.content)).getexif().get_ifd(GPS)
    signed_out = await browser.get(f"/admin/karte-image/file/{image.id}")
    assert signed_out.status_code in (302, 303) and signed_out.content != served.content
    details = await staff.get(f"/admin/karte-image/details/{image.id}")
    response = await staff.http.post(f"/admin/karte-image/replace/{image.id}", data={
        "csrf_token": csrf_from(details.text)}, files={"file": ("new.jpg", jpeg(80, 40), "image/jpeg")})
    assert response.status_code == 303, response.text
    async with db.sessionmaker() as session:
        image = await session.get(KarteImage, image.id, populate_existing=True)
    assert (image.width, image.height) == (80, 40)
    assert (await staff.delete("karte-image", image.id)).status_code == 200
    assert await count_rows(db, KarteImage) == 0


@pytest.mark.parametrize(("data", "name", "message"), [
    (png(), "photo.png", "JPEG形式の画像のみ登録できます。"),
    ("テキスト".encode(), "photo.jpg", "JPEG形式の画像のみ登録できます。"),
    (jpeg(400, 300)[:600], "photo.jpg", "画像ファイルが壊れているため読み込めません。"),
    (b"\xff\xd8\xff" + b"\x00" * 8_000_001, "big.jpg", "画像のサイズは8MB以内にしてください。"),
])
async def test_refusals_are_shown_and_nothing_is_written(staff, db, customer, data, name, message):
    response = await _upload(staff, customer.id, data, name)
    assert response.status_code == 400
    assert message in html.unescape(response.text)
    assert await count_rows(db, KarteImage) == 0


async def test_a_fourth_image_is_refused(staff, db, customer):
    for _ in range(3):
        assert (await _upload(staff, customer.id, jpeg())).status_code == 303
    response = await _upload(staff, customer.id, jpeg())
    assert response.status_code == 400
    assert "画像は1人3枚まで登録できます。" in html.unescape(response.text)
    assert await count_rows(db, KarteImage) == 3
