"""画像カルテ over GraphQL: a multipart upload, every refusal, three at most, GPS stripped, and the JPEG
served to staff tokens only with a private cache header."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image

from models import KarteImage
from tests.factories import count_rows
from tests.services.test_karte_images import GPS, jpeg, png

UPLOAD = """
mutation($input: UploadKarteImageInput!) { uploadKarteImage(input: $input) {
  image { id width height byteSize caption url } errors { field code message } } }
"""
REMOVE = """
mutation($input: RemoveKarteImageInput!) { removeKarteImage(input: $input) { removedId errors { code } } }
"""
IMAGES = """query($id: ID!) { customer(id: $id) { images { id width height byteSize url } } }"""


async def upload(client, token, data: bytes, name: str = "photo.jpg", **fields) -> dict:
    operations = {"query": UPLOAD, "variables": {"input": {"file": None, **fields}}}
    response = await client.post("/graphql", headers={"Authorization": f"Bearer {token}"}, data={
        "operations": json.dumps(operations), "map": json.dumps({"0": ["variables.input.file"]})},
        files={"0": (name, data, "image/jpeg")})
    assert response.status_code == 200, response.text
    return response.json()["data"]["uploadKarteImage"]


async def test_upload_strips_gps_and_the_image_is_served_to_staff_only(client, gql, given, staff_token, db):
    customer = await given.customer()
    payload = await upload(client, staff_token, jpeg(orientation=6, gps=True), customerId=str(customer.id),
                           caption="施術前")
    assert payload["errors"] == []
    image = payload["image"]
    assert (image["width"], image["height"], image["caption"]) == (30, 60, "施術前")
    assert image["url"] == f"/karte-images/{image['id']}"
    served = await client.get(image["url"], headers={"Authorization": f"Bearer {staff_token}"})
    assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"
    assert "private" in served.headers["cache-control"] and "no-store" in served.headers["cache-control"]
    stored = Image.open(io.BytesIO(served.content))
    assert not stored.getexif().get_ifd(GPS) and dict(stored.getexif()) == {}
    assert len(served.content) == image["byteSize"]
    assert (await client.get(image["url"])).status_code == 401  # signed out
    token = await given.customer_token(customer)
    assert (await client.get(image["url"], headers={"Authorization": f"Bearer {token}"})).status_code == 403
    data = await gql(IMAGES, {"id": str(customer.id)}, token=token)
    assert data["customer"]["images"] is None  # not for a customer token
    data = await gql(IMAGES, {"id": str(customer.id)}, token=staff_token)
    assert [i["id"] for i in data["customer"]["images"]] == [image["id"]]
    missing = await client.get("/karte-images/999999", headers={"Authorization": f"Bearer {staff_token}"})
    assert missing.status_code == 404


@pytest.mark.parametrize(("data", "name", "message"), [
    (png(), "photo.png", "JPEG形式の画像のみ登録できます。"),
    ("テキストです".encode(), "photo.jpg", "JPEG形式の画像のみ登録できます。"),
    (jpeg(400, 300)[:600], "photo.jpg", "画像ファイルが壊れているため読み込めません。"),
    (b"\xff\xd8\xff" + b"\x00" * 8_000_001, "big.jpg", "画像のサイズは8MB以内にしてください。"),
])
async def test_refusals_write_nothing(client, given, staff_token, db, data, name, message):
    customer = await given.customer()
    payload = await upload(client, staff_token, data, name, customerId=str(customer.id))
    assert payload["image"] is None
    assert [e["message"] for e in payload["errors"]] == [message]
    assert await count_rows(db, KarteImage) == 0


async def test_a_fourth_image_is_refused_then_replace_and_remove(client, gql, given, staff_token, db):
    customer = await given.customer()
    ids = []
    for _ in range(3):
        ids.append((await upload(client, staff_token, jpeg(), customerId=str(customer.id)))["image"]["id"])
    payload = await upload(client, staff_token, jpeg(), customerId=str(customer.id))
    assert payload["errors"][0]["message"].startswith("画像は1人3枚まで登録できます。")
    assert await count_rows(db, KarteImage) == 3
    payload = await upload(client, staff_token, jpeg(90, 90), replaceId=ids[0])
    assert payload["errors"] == [] and payload["image"]["width"] == 90
    data = await gql(REMOVE, {"input": {"id": ids[1]}}, token=staff_token)
    assert data["removeKarteImage"] == {"removedId": ids[1], "errors": []}
    assert await count_rows(db, KarteImage) == 2


async def test_a_customer_token_cannot_upload(client, given, db):
    customer = await given.customer()
    token = await given.customer_token(customer)
    payload = await upload(client, token, jpeg(), customerId=str(customer.id))
    assert payload["errors"][0]["code"] == "PERMISSION_DENIED"
    assert await count_rows(db, KarteImage) == 0
