"""The reservation list: filters by day range (Japan time), status, stylist, customer and channel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select

from models import Reservation, ReservationChannel, ReservationStatus
from services.errors import DomainError, ErrorCode

SALON_TZ = ZoneInfo("Asia/Tokyo")
MAX_RANGE_DAYS = 366
MAX_STATUSES = len(ReservationStatus)


@dataclass(frozen=True)
class ReservationFilter:
    date_from: date | None = None
    date_to: date | None = None
    statuses: tuple[ReservationStatus, ...] = ()
    staff_member_id: int | None = None
    customer_id: int | None = None
    channel: ReservationChannel | None = None


def day_start(day: date) -> datetime:
    """Midnight of a salon day (Japan time), as an aware datetime."""
    return datetime.combine(day, time(0), SALON_TZ)


def reservation_list_query(f: ReservationFilter) -> Select[Any]:
    """The reservations matching ``f``; a range longer than a year or ending before it starts is refused."""
    if f.date_from and f.date_to and (f.date_to < f.date_from
                                      or (f.date_to - f.date_from).days >= MAX_RANGE_DAYS):
        raise DomainError(ErrorCode.INVALID, "予約日の範囲は開始日から1年以内で指定してください。", "dateTo")
    query = select(Reservation)
    if f.date_from:
        query = query.where(Reservation.start_at >= day_start(f.date_from))
    if f.date_to:
        query = query.where(Reservation.start_at < day_start(f.date_to + timedelta(days=1)))
    if f.statuses:
        query = query.where(Reservation.status.in_(f.statuses))
    if f.staff_member_id is not None:
        query = query.where(Reservation.staff_member_id == f.staff_member_id)
    if f.customer_id is not None:
        query = query.where(Reservation.customer_id == f.customer_id)
    if f.channel is not None:
        query = query.where(Reservation.channel == f.channel)
    return query


ORDER = [Reservation.start_at, Reservation.id]
