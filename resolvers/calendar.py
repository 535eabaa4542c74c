"""The store calendar: opening hours, closed days and shifts for a range of days (services.calendar)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from models.base import utcnow
from resolvers.access import reader, to_int
from resolvers.errors import graphql_error, invalid_argument
from resolvers.mutation import mutate
from resolvers.runtime.context import Info
from schema.inputs.reservation import UpdateStoreCalendarInput
from schema.payloads.reservation import StoreCalendarPayload
from schema.types.calendar import CalendarDay, SlotDay, SlotStylist, StaffShiftDay, StoreCalendar, TimeSlot
from services.actor import Actor
from services.booking.rules import MAX_MENUS
from services.calendar import load_calendar
from services.calendar.days import check_range
from services.calendar.settings import CalendarChange, WeekdayHours, update_calendar
from services.calendar.slots import available_slots
from services.errors import DomainError
from services.permissions import Action
from services.store import get_store_settings

From = Annotated[dt.date, strawberry.argument(name="from", description="開始日 (Japan time)")]
To = Annotated[dt.date, strawberry.argument(description="終了日 (inclusive; at most 92 days after from)")]


@strawberry.type
class CalendarMutation:
    @strawberry.mutation(description="営業カレンダーの設定 (managers: slot step, horizon, notice, hold time, weekly hours)")
    async def update_store_calendar(
        self, info: Info, input: Annotated[UpdateStoreCalendarInput, strawberry.argument(description="入力 (input)")]
    ) -> StoreCalendarPayload:
        async def perform(session: AsyncSession, actor: Actor) -> StoreCalendarPayload:
            weekly = None if input.weekly_hours is None else [
                WeekdayHours(h.weekday, h.opens_at, h.closes_at) for h in input.weekly_hours]
            settings = await update_calendar(session, actor, CalendarChange(
                input.slot_minutes, input.booking_horizon_days, input.booking_notice_minutes, input.hold_minutes,
                weekly))
            return StoreCalendarPayload(slot_minutes=settings.slot_minutes,
                                        booking_horizon_days=settings.booking_horizon_days,
                                        booking_notice_minutes=settings.booking_notice_minutes,
                                        hold_minutes=settings.hold_minutes)

        return await mutate(info, StoreCalendarPayload, perform, permission=Action.MANAGE_MASTERS)


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

    @strawberry.field(description="空き枠 (per day, the start times at which the menus fit the hours and a free "
                                  "stylist's shift; the customer channel — a customer token or no token — gets "
                                  "the free times only, the same for everyone; staff get every step with the "
                                  "free stylists and why a time is not free)")
    async def available_slots(
        self, info: Info, from_: From,
        to: Annotated[dt.date, strawberry.argument(description="終了日 (inclusive; at most 62 days after from)")],
        menu_ids: Annotated[list[strawberry.ID], strawberry.argument(description="メニューID (1 to 10)")],
        staff_id: Annotated[strawberry.ID | None, strawberry.argument(
            description="スタッフID (指名; null = 指名なし)")] = None,
    ) -> list[SlotDay]:
        actor = info.context.actor
        if len(menu_ids) > MAX_MENUS:
            raise invalid_argument(f"メニューは{MAX_MENUS}個までです。")
        menus = [to_int(m) for m in menu_ids]
        stylist = None if staff_id is None else to_int(staff_id)
        if any(m is None for m in menus) or (staff_id is not None and stylist is None):
            raise invalid_argument("menuIds または staffId の形式が正しくありません。")
        staff_view = info.context.may(Action.READ_STAFF_FIELDS)
        try:
            async with info.context.db.transaction(write=False) as session:
                days = await available_slots(session, from_, to, [m for m in menus if m is not None], stylist,
                                             actor if staff_view else None, utcnow())
                names = {} if not staff_view else {
                    s.id: s.name for s in (await load_calendar(session, from_, from_)).staff.values()}
        except DomainError as exc:
            raise graphql_error(exc) from None
        return [SlotDay(date=d.day, closed=d.closed, mark=d.mark, slots=[
            TimeSlot(start_at=s.start, end_at=s.end, available=s.available, reason=s.reason,
                     staff=[SlotStylist(id=strawberry.ID(str(i)), name=names.get(i, "")) for i in s.staff_ids])
            for s in d.slots]) for d in days]
