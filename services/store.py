"""Store settings (the single ``store_settings`` row)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import PREPAYMENT_ONLY_STATUSES, Reservation, ReservationStatus, StoreSetting


async def get_store_settings(session: AsyncSession) -> StoreSetting:
    """The store's settings, created with defaults on first use."""
    settings = await session.get(StoreSetting, 1)
    if settings is None:
        settings = StoreSetting(id=1)
        session.add(settings)
        await session.flush()
    return settings


async def status_options(session: AsyncSession) -> list[tuple[ReservationStatus, bool]]:
    """Every status a reservation can show now, each with whether it is offered (True) or only remains
    on reservations made before prepayment was switched off (False, e.g. 事前決済店舗都合キャンセル)."""
    settings = await get_store_settings(session)
    if settings.use_prepayment:
        return [(s, True) for s in ReservationStatus]
    remaining = set((await session.scalars(
        select(Reservation.status).where(Reservation.status.in_(PREPAYMENT_ONLY_STATUSES)).distinct())).all())
    offered = [(s, True) for s in ReservationStatus if s not in PREPAYMENT_ONLY_STATUSES]
    return offered + [(s, False) for s in ReservationStatus if s in remaining]
