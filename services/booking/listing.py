"""The reservation list: filters by day range (Japan time), status, stylist, customer and channel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, bindparam, select

from models import Reservation, ReservationChannel, ReservationStatus
from services.errors import DomainError, ErrorCode
from services.normalize import check_day

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


def reservation_list_shape(f: ReservationFilter) -> tuple[Select[Any], dict[str, Any]]:
    """The reservations matching ``f``: a statement that depends only on which filters are set
    (built once per shape, reusable) and the parameters that carry their values. A range longer
    than a year or ending before it starts is refused, and so is a day outside ``check_day``'s years."""
    for day, field in ((f.date_from, "dateFrom"), (f.date_to, "dateTo")):
        if day is not None:
            check_day(day, field, "予約日")
    if f.date_from and f.date_to and (f.date_to < f.date_from
                                      or (f.date_to - f.date_from).days >= MAX_RANGE_DAYS):
        raise DomainError(ErrorCode.INVALID, "予約日の範囲は開始日から1年以内で指定してください。", "dateTo")
    statuses = tuple(dict.fromkeys(f.statuses))
    parameters: dict[str, Any] = {}
    if f.date_from:
        parameters["start_from"] = day_start(f.date_from)
    if f.date_to:
        parameters["start_before"] = day_start(f.date_to + timedelta(days=1))
    for number, status in enumerate(statuses):
        parameters[f"status_{number}"] = status
    if f.staff_member_id is not None:
        parameters["staff_member_id"] = f.staff_member_id
    if f.customer_id is not None:
        parameters["customer_id"] = f.customer_id
    if f.channel is not None:
        parameters["channel"] = f.channel
    shape = _list_shape(bool(f.date_from), bool(f.date_to), len(statuses), f.staff_member_id is not None,
                        f.customer_id is not None, f.channel is not None)
    return shape, parameters


@lru_cache(maxsize=256)
def _list_shape(date_from: bool, date_to: bool, statuses: int, staff: bool, customer: bool,
                channel: bool) -> Select[Any]:
    query = select(Reservation)
    if date_from:
        query = query.where(Reservation.start_at >= bindparam("start_from", type_=Reservation.start_at.type))
    if date_to:
        query = query.where(Reservation.start_at < bindparam("start_before", type_=Reservation.start_at.type))
    if statuses:
        query = query.where(Reservation.status.in_(
            [bindparam(f"status_{n}", type_=Reservation.status.type) for n in range(statuses)]))
    if staff:
        query = query.where(Reservation.staff_member_id == bindparam("staff_member_id"))
    if customer:
        query = query.where(Reservation.customer_id == bindparam("customer_id"))
    if channel:
        query = query.where(Reservation.channel == bindparam("channel", type_=Reservation.channel.type))
    return query


ORDER = [Reservation.start_at, Reservation.id]
