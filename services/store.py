"""Store settings (the single ``store_settings`` row)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import PREPAYMENT_ONLY_STATUSES, Reservation, ReservationStatus, StoreSetting


#: The one row of ``store_settings``.
SETTINGS_ID = 1
#: Whether the store uses prepayment, for a reader with no session of its own (an admin filter).
USES_PREPAYMENT = select(StoreSetting.use_prepayment).where(StoreSetting.id == SETTINGS_ID)


async def get_store_settings(session: AsyncSession) -> StoreSetting:
    """The store's settings, created with defaults on first use."""
    settings = await session.get(StoreSetting, SETTINGS_ID)
    if settings is None:
        settings = StoreSetting(id=SETTINGS_ID)
        session.add(settings)
        await session.flush()
    return settings


async def status_options(session: AsyncSession) -> list[tuple[ReservationStatus, bool]]:
    """Every status a reservation can show now, each with whether it is offered (True) or only remains
    on reservations made before prepayment was switched off (False, e.g. 事前決済店舗都合キャンセル)."""
    settings = await get_store_settings(session)
    return statuses_shown(settings.use_prepayment, set((await session.scalars(REMAINING_PREPAYMENT_STATUSES)).all()))


#: The prepayment-only statuses that reservations still carry (after the store switched prepayment off).
REMAINING_PREPAYMENT_STATUSES = (select(Reservation.status)
                                 .where(Reservation.status.in_(PREPAYMENT_ONLY_STATUSES)).distinct())


def statuses_shown(use_prepayment: bool, remaining: set[ReservationStatus]) -> list[tuple[ReservationStatus, bool]]:
    """:func:`status_options` from the setting and the prepayment-only statuses still in use."""
    if use_prepayment:
        return [(s, True) for s in ReservationStatus]
    offered = [(s, True) for s in ReservationStatus if s not in PREPAYMENT_ONLY_STATUSES]
    return offered + [(s, False) for s in ReservationStatus if s in remaining]
