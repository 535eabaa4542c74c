"""Store settings (the single ``store_settings`` row)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from models import StoreSetting


async def get_store_settings(session: AsyncSession) -> StoreSetting:
    """The store's settings, created with defaults on first use."""
    settings = await session.get(StoreSetting, 1)
    if settings is None:
        settings = StoreSetting(id=1)
        session.add(settings)
        await session.flush()
    return settings
