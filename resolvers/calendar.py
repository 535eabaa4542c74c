"""The store calendar: opening hours, closed days and shifts for a range of days (services.calendar)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from resolvers.access import reader
from resolvers.errors import graphql_error
from resolvers.runtime.context import Info
from schema.types.calendar import CalendarDay, StaffShiftDay, StoreCalendar
from services.calendar import load_calendar
from services.calendar.days import check_range
from services.errors import DomainError
from services.permissions import Action
from services.store import get_store_settings

From = Annotated[dt.date, strawberry.argument(name="from", description="開始日 (Japan time)")]
To = Annotated[dt.date, strawberry.argument(description="終了日 (inclusive; at most 92 days after from)")]


@strawberry.type
class CalendarQuery:
    @strawberry.field(description="営業カレンダー (hours per day, 定休日・臨時休業・特別営業, the booking settings; "
                                  "staff also see each day's shifts)")
    async def store_calendar(self, info: Info, from_: From, to: To) -> StoreCalendar:
        reader(info)
        try:
            check_range(from_, to)
        except DomainError as exc:
            raise graphql_error(exc) from None
        with_shifts = info.context.may(Action.READ_STAFF_FIELDS)
        # get_store_settings creates the settings row on first use, hence a transaction.
        async with info.context.db.transaction() as session:
            settings = await get_store_settings(session)
            calendar = await load_calendar(session, from_, to)
        days = []
        for day in calendar.days():
            hours = calendar.hours(day)
            shifts = [StaffShiftDay(staff_id=strawberry.ID(str(s)), staff_name=calendar.staff[s].name,
                                    starts_at=period[0], ends_at=period[1])
                      for s in calendar.staff if with_shifts and (period := calendar.shift(s, day)) is not None]
            days.append(CalendarDay(date=day, closed=hours.closed, mark=hours.mark, note=hours.note,
                                    opens_at=hours.opens, closes_at=hours.closes, shifts=shifts))
        return StoreCalendar(configured=calendar.configured, slot_minutes=settings.slot_minutes,
                             booking_horizon_days=settings.booking_horizon_days,
                             booking_notice_minutes=settings.booking_notice_minutes, days=days)
