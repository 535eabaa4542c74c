"""Store settings (the single ``store_settings`` row)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from models import PREPAYMENT_ONLY_STATUSES, ReservationStatus, StoreSetting


async def get_store_settings(session: AsyncSession) -> StoreSetting:
    """The store's settings, created with defaults on first use."""
    settings = await session.get(StoreSetting, 1)
    if settings is None:
        settings = StoreSetting(id=1)
        session.add(settings)
        await session.flush()
    return settings


async def offered_statuses(session: AsyncSession) -> list[ReservationStatus]:
    """The reservation statuses offered under the store's prepayment setting (SPEC §3)."""
    settings = await get_store_settings(session)
    return [s for s in ReservationStatus if settings.use_prepayment or s not in PREPAYMENT_ONLY_STATUSES]
