"""KarteImage.data (the JPEG bytes) is deferred and raises: no list ever loads it by accident."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.orm import undefer

from models import KarteImage
from services.actor import Actor
from services.customers import create_customer


async def _image(session) -> int:
    customer = await create_customer(session, {
        "last_name": "山田", "first_name": "花子", "last_name_kana": "ヤマダ", "first_name_kana": "ハナコ",
        "phone": "09011112222", "email": "k1@example.jp"}, Actor.system())
    image = KarteImage(customer_id=customer.id, data=b"\xff\xd8jpeg", width=1, height=1, byte_size=6)
    session.add(image)
    await session.flush()
    return image.id


async def test_listing_images_does_not_load_the_bytes(db):
    async with db.transaction() as session:
        await _image(session)
    async with db.sessionmaker() as session:
        image = (await session.scalars(select(KarteImage))).one()
        assert image.byte_size == 6
        with pytest.raises(InvalidRequestError):
            _ = image.data


async def test_the_bytes_load_when_asked_for(db):
    async with db.transaction() as session:
        await _image(session)
    async with db.sessionmaker() as session:
        image = (await session.scalars(select(KarteImage).options(undefer(KarteImage.data)))).one()
        assert image.data == b"\xff\xd8jpeg"
