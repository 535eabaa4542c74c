"""画像カルテ (karte images): at most ``karte_image_max_count`` JPEGs per customer.

A file is a JPEG by its content, never its name: the JPEG magic bytes, a header Pillow reads as
JPEG with at most ``karte_image_max_pixels`` pixels (checked before decoding: a decompression
bomb declares a huge picture in a small file), then a full decode (a truncated file fails here).
What is stored is re-encoded from the pixels: the EXIF orientation applied, and no metadata
block kept (EXIF with GPS, XMP, ICC, comments). Too large a file, anything else, or a fourth
image is refused with a Japanese message and nothing is written.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Customer, KarteImage
from services import audit
from services.actor import Actor
from services.config import Settings
from services.errors import DomainError, ErrorCode, NotFound
from services.locking import lock_customers
from services.permissions import Action, check
from services.text_rules import free_text

JPEG_MAGIC = b"\xff\xd8\xff"
QUALITY = 88
CAPTION_MAX = 255
WHAT = "画像"
NOT_JPEG = "JPEG形式の画像のみ登録できます。"
#: How either door answers an image: the staff member's alone (no shared cache keeps it, no other
#: site embeds it, no browser guesses another type).
IMAGE_HEADERS = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff",
                 "Content-Security-Policy": "default-src 'none'", "Cross-Origin-Resource-Policy": "same-origin"}
BROKEN = "画像ファイルが壊れているため読み込めません。"


@dataclass(frozen=True)
class CleanJpeg:
    data: bytes
    width: int
    height: int


def clean_jpeg(data: bytes, settings: Settings, field: str = "file") -> CleanJpeg:
    """The upload as a metadata-free, upright JPEG, or a DomainError saying why not."""
    if len(data) > settings.karte_image_max_bytes:
        raise DomainError(ErrorCode.FILE_TOO_LARGE,
                          f"画像のサイズは{settings.karte_image_max_bytes // 1_000_000}MB以内にしてください。", field)
    if not data:
        raise DomainError(ErrorCode.REQUIRED, "画像ファイルを選択してください。", field)
    if not data.startswith(JPEG_MAGIC):
        raise DomainError(ErrorCode.INVALID_FILE, NOT_JPEG, field)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=["JPEG"]) as image:
                if image.width * image.height > settings.karte_image_max_pixels:
                    raise DomainError(ErrorCode.FILE_TOO_LARGE,
                                      f"画像の画素数は{settings.karte_image_max_pixels:,}画素以内にしてください。", field)
                image.load()  # the whole file: a truncated one fails here
                upright = ImageOps.exif_transpose(image)
                pixels = upright.convert("RGB")
                pixels.info = {}  # Pillow writes what info carries (a comment, EXIF) back out
    except DomainError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise DomainError(ErrorCode.INVALID_FILE, NOT_JPEG if isinstance(exc, UnidentifiedImageError)
                          else "画像の画素数が多すぎます。", field) from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise DomainError(ErrorCode.INVALID_FILE, BROKEN, field) from exc
    out = io.BytesIO()
    # No exif=, icc_profile= or comment=: none of the original's metadata goes into the new file.
    pixels.save(out, format="JPEG", quality=QUALITY, optimize=True)
    return CleanJpeg(out.getvalue(), pixels.width, pixels.height)


def _caption(value: str | None) -> str | None:
    return free_text(value, "説明", "caption", CAPTION_MAX)


async def upload_karte_image(session: AsyncSession, customer_id: int | None, data: bytes, actor: Actor,
                             settings: Settings, caption: str | None = None) -> KarteImage:
    """Store a customer's image (the 4th is refused)."""
    check(actor, Action.WRITE_KARTE)
    if customer_id is None:
        raise DomainError(ErrorCode.REQUIRED, "お客様を選択してください。", "customer_id")
    text = _caption(caption)
    clean = clean_jpeg(data, settings)
    await lock_customers(session, [customer_id])  # two uploads at once cannot both be the 3rd
    if await session.get(Customer, customer_id) is None:
        raise NotFound("お客様", "customer_id")
    held = await session.scalar(select(func.count()).select_from(KarteImage)
                                .where(KarteImage.customer_id == customer_id))
    if held >= settings.karte_image_max_count:
        raise DomainError(ErrorCode.INVALID, f"画像は1人{settings.karte_image_max_count}枚まで登録できます。"
                          "不要な画像を削除するか、差し替えてください。", "file")
    image = KarteImage(customer_id=customer_id, data=clean.data, width=clean.width, height=clean.height,
                       byte_size=len(clean.data), caption=text, uploaded_by_id=actor.account_id)
    session.add(image)
    await session.flush()
    await audit.record(session, actor, entity=audit.AuditEntity.KARTE_IMAGE, entity_id=image.id,
                       action=audit.AuditAction.CREATE,
                       changes={"customer_id": customer_id, "byte_size": [None, image.byte_size],
                                "caption": [None, text]})
    return image


async def replace_karte_image(session: AsyncSession, image_id: int, data: bytes, actor: Actor,
                              settings: Settings) -> KarteImage:
    """A new picture in an image's place (the count is unchanged)."""
    check(actor, Action.WRITE_KARTE)
    clean = clean_jpeg(data, settings)
    image = await session.get(KarteImage, image_id, with_for_update=True)
    if image is None:
        raise NotFound(WHAT, "id")
    before = image.byte_size
    image.data, image.width, image.height, image.byte_size = clean.data, clean.width, clean.height, len(clean.data)
    image.uploaded_by_id = actor.account_id
    await session.flush()
    await audit.record(session, actor, entity=audit.AuditEntity.KARTE_IMAGE, entity_id=image.id,
                       action=audit.AuditAction.UPDATE, changes={"byte_size": [before, image.byte_size]})
    return image


async def remove_karte_image(session: AsyncSession, image_id: int, actor: Actor) -> int:
    """Delete an image; returns its customer's id."""
    check(actor, Action.WRITE_KARTE)
    image = await session.get(KarteImage, image_id, with_for_update=True)
    if image is None:
        raise NotFound(WHAT, "id")
    customer_id = image.customer_id
    await session.delete(image)
    await session.flush()
    await audit.record(session, actor, entity=audit.AuditEntity.KARTE_IMAGE, entity_id=image_id,
                       action=audit.AuditAction.DELETE, changes={"customer_id": customer_id})
    return customer_id


async def image_bytes(session: AsyncSession, image_id: int) -> bytes | None:
    """The stored JPEG of an image, or None (the bytes are deferred on the model)."""
    return await session.scalar(select(KarteImage.data).where(KarteImage.id == image_id))
