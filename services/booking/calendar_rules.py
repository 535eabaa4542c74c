"""The calendar's booking rules (SPEC §3): opening hours, closed days, the slot step, the shortest
notice, the booking horizon, the stylist's shift, and no future-status reservation in the past.

The customer channel is refused, each reason with its own code and a Japanese message (a stylist
who is not working makes the slot simply not free: the masked SLOT_FULL, as for a taken one).
Staff channels may book outside hours or on a closed day: they get a warning naming why
(「定休日です」「営業時間外です」「田中さんはお休みです」). No channel creates 予約中来店前 (or any status
still to come) in the past; staff record a past visit as 来店済み through ``BookingRequest.visited``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from services.actor import Actor
from services.calendar import Calendar, load_calendar
from services.calendar.hours import Period
from services.errors import ErrorCode, FieldError
from services.japan_time import in_japan
from services.store import get_store_settings

#: A staff form has minute precision and takes a moment to fill in: a start this little in the
#: past is "now" (a walk-in booked as it arrives), not a past reservation.
NOW_GRACE = timedelta(minutes=10)
IN_PAST = "過去の日時には予約を登録できません。来店済みの記録は「来店済みで登録」から行ってください。"
VISIT_NOT_PAST = "来店済みで登録できるのは、開始日時が過ぎた予約だけです。"


def _clock(value: datetime) -> str:
    return f"{in_japan(value):%H:%M}"


def _notice_words(minutes: int) -> str:
    if minutes % 1440 == 0:
        return f"{minutes // 1440}日"
    if minutes % 60 == 0:
        return f"{minutes // 60}時間"
    return f"{minutes}分"


def past_problems(start_at: datetime, now: datetime, visited: bool) -> list[FieldError]:
    """A reservation still to come cannot start in the past; a recorded visit must have."""
    if visited:
        return [] if start_at <= now else [FieldError("startAt", ErrorCode.INVALID, VISIT_NOT_PAST)]
    if start_at < now - NOW_GRACE:
        return [FieldError("startAt", ErrorCode.IN_PAST, IN_PAST)]
    return []


@dataclass
class Verdict:
    """What the calendar says of a booking's time."""

    warnings: list[str] = field(default_factory=list)
    #: The customer channel's refusals: the same for whoever asks (raised before the customer's
    #: standing is looked at, so they tell nothing about it).
    problems: list[FieldError] = field(default_factory=list)
    #: The named stylist does not work then: on the customer channel the slot is not free (SLOT_FULL,
    #: decided with the other slot checks).
    stylist_off: bool = False
    #: The stylists on shift for the whole time, for a booking without one (None: not asked, any).
    working: list[int] | None = None


async def calendar_check(session: AsyncSession, period: Period, staff_id: int | None, actor: Actor,
                         now: datetime) -> Verdict:
    """The calendar's verdict on ``period`` with ``staff_id`` (None: 指名なし)."""
    settings = await get_store_settings(session)
    start_at, end_at = period
    first, last = in_japan(start_at).date(), in_japan(end_at - timedelta(microseconds=1)).date()
    calendar = await load_calendar(session, first, last)
    warnings: list[str] = []
    problems: list[FieldError] = []
    if not actor.is_staff:
        notice = timedelta(minutes=settings.booking_notice_minutes)
        if start_at < now + notice:
            problems.append(FieldError("startAt", ErrorCode.TOO_SHORT_NOTICE,
                                       f"ご予約は開始の{_notice_words(settings.booking_notice_minutes)}前までに"
                                       f"お願いいたします。"))
        elif start_at > now + timedelta(days=settings.booking_horizon_days):
            problems.append(FieldError("startAt", ErrorCode.BEYOND_HORIZON,
                                       f"ご予約は{settings.booking_horizon_days}日先までお受けしています。"))
    store = _store_problem(calendar, period, settings.slot_minutes, actor)
    if store is not None and actor.is_staff:
        warnings.append(store.message)
    elif store is not None:
        problems.append(store)
    working = [s for s in calendar.staff if _covers(calendar, s, period)]
    off = staff_id is not None and staff_id in calendar.staff and staff_id not in working
    if off and actor.is_staff:
        assert staff_id is not None
        warnings.append(_off_words(calendar, staff_id, period))
    return Verdict(warnings, problems, off and not actor.is_staff, working)


def _store_problem(calendar: Calendar, period: Period, step: int, actor: Actor) -> FieldError | None:
    start_at, end_at = period
    hours = calendar.hours(in_japan(start_at).date())
    if hours.closed:
        words = "定休日です。" if hours.mark == "定休日" else f"臨時休業日です。{hours.note}".strip()
        if not actor.is_staff:
            words = f"{'定休日' if hours.mark == '定休日' else '臨時休業日'}のため、ご予約をお受けできません。"
        return FieldError("startAt", ErrorCode.STORE_CLOSED, words)
    assert hours.opens is not None and hours.closes is not None
    if not (hours.opens <= start_at and end_at <= hours.closes):
        span = f"営業時間 {_clock(hours.opens)}〜{_clock(hours.closes) if hours.closes.date() == hours.opens.date() else '24:00'}"
        words = f"営業時間外です（{span}）。" if actor.is_staff else f"{span}の範囲でお選びください。"
        return FieldError("startAt", ErrorCode.OUTSIDE_HOURS, words)
    if not actor.is_staff and (start_at - hours.opens) % timedelta(minutes=step):
        return FieldError("startAt", ErrorCode.NOT_A_SLOT,
                          f"ご予約の開始時刻は{_clock(hours.opens)}から{step}分ごとの時刻からお選びください。")
    return None


def _covers(calendar: Calendar, staff_id: int, period: Period) -> bool:
    shift = calendar.shift(staff_id, in_japan(period[0]).date())
    return shift is not None and shift[0] <= period[0] and period[1] <= shift[1]


def _off_words(calendar: Calendar, staff_id: int, period: Period) -> str:
    name = calendar.staff[staff_id].name
    shift = calendar.shift(staff_id, in_japan(period[0]).date())
    if shift is None:
        return f"{name}さんはお休みです。"
    return f"{name}さんの勤務時間外です（出勤 {_clock(shift[0])}〜{_clock(shift[1])}）。"
