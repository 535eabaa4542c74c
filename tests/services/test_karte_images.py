"""画像カルテ: a JPEG by its content, re-encoded upright and without metadata, at most three per customer."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from models import AuditLog, KarteImage
from services import karte_images
from services.config import Settings
from services.errors import DomainError, ErrorCode
from tests import factories
from tests.factories import count_rows

SETTINGS = Settings(karte_image_max_bytes=2_000_000, karte_image_max_pixels=4_000_000)
GPS = 0x8825
ORIENTATION = 0x0112


def jpeg(width: int = 60, height: int = 30, *, orientation: int | None = None, gps: bool = False,
         colour: str = "red") -> bytes:
    image = Image.new("RGB", (width, height), colour)
    image.paste((0, 0, 255), (0, 0, width // 2, height))  # the left half blue: which way is up
    exif = Image.Exif()
    if orientation is not None:
        exif[ORIENTATION] = orientation
    if gps:
        exif[GPS] = {1: "N", 2: (35.0, 41.0, 22.0), 3: "E", 4: (139.0, 41.0, 30.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes(), comment=b"secret")
    return out.getvalue()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="PNG")
    return out.getvalue()


def test_gps_and_every_metadata_block_are_stripped_and_the_picture_turned_upright():
    original = jpeg(orientation=6, gps=True)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS)  # the upload carries a position
    clean = karte_images.clean_jpeg(original, SETTINGS)
    stored = Image.open(io.BytesIO(clean.data))
    assert stored.format == "JPEG"
    assert dict(stored.getexif()) == {} and not stored.getexif().get_ifd(GPS)
    assert "exif" not in stored.info and "comment" not in stored.info and "icc_profile" not in stored.info
    assert b"Exif" not in clean.data and b"secret" not in clean.data
    # Orientation 6: the camera was turned; the stored picture is 30 wide, 60 high, blue on top.
    assert (clean.width, clean.height) == (30, 60) == stored.size
    top = stored.convert("RGB").getpixel((15, 5))
    assert top[2] > 150 and top[0] < 100


@pytest.mark.parametrize(("data", "code", "message"), [
    (png(), ErrorCode.INVALID_FILE, "JPEG形式の画像のみ登録できます。"),
    ("これは画像ではありません".encode(), ErrorCode.INVALID_FILE, "JPEG形式の画像のみ登録できます。"),
    (b"\xff\xd8\xff" + b"\x00" * 100, ErrorCode.INVALID_FILE, "JPEG形式の画像のみ登録できます。"),
    (jpeg(400, 300)[:600], ErrorCode.INVALID_FILE, "画像ファイルが壊れているため読み込めません。"),
    (b"", ErrorCode.REQUIRED, "画像ファイルを選択してください。"),
    (b"\xff\xd8\xff" + b"\x00" * 2_000_000, ErrorCode.FILE_TOO_LARGE, "画像のサイズは2MB以内にしてください。"),
    (jpeg(2100, 2000, colour="white"), ErrorCode.FILE_TOO_LARGE, "画像の画素数は4,000,000画素以内にしてください。"),
])
def test_what_is_not_a_whole_jpeg_within_the_limits_is_refused(data, code, message):
    with pytest.raises(DomainError) as refused:
        karte_images.clean_jpeg(data, SETTINGS)
    assert (refused.value.errors[0].code, refused.value.errors[0].message) == (code, message)


async def test_at_most_three_per_customer_and_a_fourth_writes_nothing(db):
    customer = await factories.add_customer(db)
    for _ in range(3):
        async with db.transaction() as session:
            await karte_images.upload_karte_image(session, customer.id, jpeg(), factories.SYSTEM, SETTINGS)
    with pytest.raises(DomainError) as refused:
        async with db.transaction() as session:
            await karte_images.upload_karte_image(session, customer.id, jpeg(), factories.SYSTEM, SETTINGS)
    assert refused.value.errors[0].message.startswith("画像は1人3枚まで登録できます。")
    assert await count_rows(db, KarteImage) == 3
    assert await count_rows(db, AuditLog, AuditLog.entity == "karte_image") == 3
