"""予約表 (day sheet): one column per stylist, the day's reservations by time, ❗ on caution customers.

A custom page (sqladmin ``BaseView``): the front desk opens it in the morning and
keeps it open on a tablet, so it must read at 820 px wide (columns scroll sideways,
each at least one card wide).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from markupsafe import Markup
from sqladmin import BaseView, expose
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload
from starlette.requests import Request
from starlette.responses import Response

from admin.display import JST, WEEKDAYS, mark
from admin.flags import caution_memos, remember_flags, shows_blacklist
from models import Reservation, ReservationMenu, ReservationStatus, StaffMember
from services.calendar import load_calendar
from services.normalize import format_phone

CANCELLED = frozenset({ReservationStatus.CANCELLED, ReservationStatus.CANCEL_FEE_UNPAID,
                       ReservationStatus.STORE_CANCELLED_PREPAID})
EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2100, 12, 31)


@dataclass
class Card:
    id: int
    time: str
    who: Markup
    menus: str
    status: str
    cancelled: bool
    blacklisted: bool = False


@dataclass
class Column:
    title: str
    cards: list[Card] = field(default_factory=list)
    #: The stylist's hours that day (「10:00〜15:00」), 「お休み」, or "" (the 担当なし column).
    shift: str = ""
    off: bool = False


@dataclass
class DayInfo:
    """The store that day: 定休日・臨時休業・特別営業 and the hours, from the calendar."""

    closed: bool
    mark: str | None
    hours: str
    note: str


def parse_day(text: str | None, today: date) -> tuple[date, str | None]:
    """The requested day, or today with a message when the text is not a date the sheet can show."""
    if not text:
        return today, None
    try:
        day = date.fromisoformat(text.strip()[:10])
    except ValueError:
        return today, "日付の形式が正しくありません（例: 2026-04-01）。今日の予約表を表示しています。"
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        return today, "2000年から2100年までの日付を指定してください。今日の予約表を表示しています。"
    return day, None


def _time(start: datetime, end: datetime) -> str:
    return f"{start.astimezone(JST):%H:%M}〜{end.astimezone(JST):%H:%M}"


def _who(r: Reservation, request: Request) -> Markup:
    if r.customer is None:
        phone = f" {format_phone(r.guest_phone)}" if r.guest_phone else ""
        return Markup("{}（非会員）{}").format(r.guest_name or "", phone)
    return mark(f"{r.customer.full_name} 様", caution_memos(request).get(r.customer_id))


def _clock(period: tuple[datetime, datetime]) -> str:
    start, end = period[0].astimezone(JST), period[1].astimezone(JST)
    return f"{start:%H:%M}〜{end:%H:%M}" if end.date() == start.date() else f"{start:%H:%M}〜24:00"


async def load_day(session_maker: Any, request: Request, day: date, with_cancelled: bool,
                   everyone: bool = True) -> tuple[list[Column], DayInfo]:
    """The day's columns (stylists off that day only with ``everyone`` or a reservation) and the store's day."""
    start = datetime.combine(day, datetime.min.time(), JST)
    async with session_maker() as session:
        calendar = await load_calendar(session, day, day)
        query = (select(Reservation)
                 .where(Reservation.start_at >= start, Reservation.start_at < start + timedelta(days=1))
                 .options(selectinload(Reservation.customer),
                          selectinload(Reservation.items).selectinload(ReservationMenu.menu))
                 .order_by(Reservation.start_at, Reservation.id))
        if not with_cancelled:
            query = query.where(Reservation.status.not_in(CANCELLED))
        reservations = list((await session.scalars(query)).all())
        used = {r.staff_member_id for r in reservations}
        staff = list((await session.scalars(
            select(StaffMember).where(or_(StaffMember.active.is_(True), StaffMember.id.in_(used - {None})))
            .order_by(StaffMember.display_order, StaffMember.id))).all())
    await remember_flags(session_maker, request, [r.customer for r in reservations], blacklist=True)
    hours = calendar.hours(day)
    info = DayInfo(hours.closed, hours.mark, "" if hours.opens is None or hours.closes is None
                   else _clock((hours.opens, hours.closes)), hours.note)
    columns: dict[int | None, Column] = {}
    for s in staff:
        shift = calendar.shift(s.id, day) if s.active else None
        if shift is None and not everyone and s.id not in used:
            continue
        columns[s.id] = Column(s.name, shift=_clock(shift) if shift else "お休み", off=shift is None)
    if None in used:
        columns[None] = Column("担当なし")
    for r in reservations:
        columns[r.staff_member_id].cards.append(Card(
            id=r.id, time=_time(r.start_at, r.end_at), who=_who(r, request),
            menus="、".join(item.menu.name for item in r.items), status=r.status.label,
            cancelled=r.status in CANCELLED, blacklisted=shows_blacklist(request, r.customer_id)))
    return list(columns.values()), info


async def _open_day(session_maker: Any, today: date) -> tuple[date, str | None]:
    """Today, or the next open day within a month with a note when the store is closed today."""
    async with session_maker() as session:
        calendar = await load_calendar(session, today, today + timedelta(days=31))
    hours = calendar.hours(today)
    if not hours.closed:
        return today, None
    for day in calendar.days()[1:]:
        if not calendar.hours(day).closed:
            return day, (f"本日（{today:%m月%d日}）は{hours.mark}です。"
                         f"次の営業日 {day:%m月%d日}（{WEEKDAYS[day.weekday()]}）の予約表を表示しています。")
    return today, None


class DaySheetView(BaseView):
    name = "予約表"
    category = "予約"
    icon = "fa-solid fa-table-columns"

    @expose("/day-sheet", methods=["GET"], identity="day-sheet")
    async def day_sheet(self, request: Request) -> Response:
        today = datetime.now(JST).date()
        day, message = parse_day(request.query_params.get("date"), today)
        with_cancelled = request.query_params.get("cancelled") == "1"
        everyone = request.query_params.get("all") == "1"
        if not request.query_params.get("date"):
            day, message = await _open_day(self._admin_ref.session_maker, today)
        columns, info = await load_day(self._admin_ref.session_maker, request, day, with_cancelled, everyone)
        weekday = WEEKDAYS[day.weekday()]
        return await self.templates.TemplateResponse(request, "salon/day_sheet.html", {
            "title": f"予約表 {day:%Y年%m月%d日}（{weekday}）", "day": day, "today": today,
            "previous": day - timedelta(days=1) if day > EARLIEST_DAY else day,
            "next": day + timedelta(days=1) if day < LATEST_DAY else day,
            "columns": columns, "message": message, "with_cancelled": with_cancelled,
            "count": sum(len(c.cards) for c in columns), "info": info, "everyone": everyone,
        })
