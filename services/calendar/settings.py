"""The calendar's store settings written by a manager through GraphQL (the admin writes the same rows
through its generic forms): the slot step, the horizon, the shortest notice, the hold time and the
weekly opening hours, every problem of one input reported at once, nothing written on a refusal."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from models import BusinessHours, StoreSetting
from services import audit
from services.actor import Actor
from services.audit import AuditAction, AuditEntity
from services.calendar.hours import WEEKDAYS
from services.errors import DomainError, ErrorCode, FieldError
from services.permissions import Action, check
from services.store import SETTINGS_ID, get_store_settings

SLOT_STEPS = (10, 15, 30, 60)
_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
#: (field, low, high, the words of its range)
RANGES = {"booking_horizon_days": ("bookingHorizonDays", 1, 366, "予約受付期間は1〜366日"),
          "booking_notice_minutes": ("bookingNoticeMinutes", 0, 20160, "予約受付の締切は0〜20,160分"),
          "hold_minutes": ("holdMinutes", 1, 60, "仮押さえの時間は1〜60分")}


@dataclass(frozen=True)
class WeekdayHours:
    weekday: int
    opens_at: str | None = None
    closes_at: str | None = None


@dataclass(frozen=True)
class CalendarChange:
    """Fields left None stay as they are; ``weekly`` (when given) replaces every weekday's hours."""

    slot_minutes: int | None = None
    booking_horizon_days: int | None = None
    booking_notice_minutes: int | None = None
    hold_minutes: int | None = None
    weekly: list[WeekdayHours] | None = None


def _clock(text: str | None, field: str, problems: list[FieldError]) -> time | None:
    if text is None or text == "":
        return None
    match = _CLOCK.match(text)
    if not match:
        problems.append(FieldError(field, ErrorCode.INVALID, "時刻は「10:00」の形（00:00〜23:59）で入力してください。"))
        return None
    return time(int(match[1]), int(match[2]))


def _weekly(rows: list[WeekdayHours], problems: list[FieldError]) -> list[BusinessHours]:
    if len(rows) > 7 or len({r.weekday for r in rows}) != len(rows):
        problems.append(FieldError("weeklyHours", ErrorCode.INVALID, "曜日は重複なく7つまで指定してください。"))
        return []
    result = []
    for row in rows:
        if not 0 <= row.weekday <= 6:
            problems.append(FieldError("weeklyHours", ErrorCode.INVALID, "曜日は0（月）〜6（日）で指定してください。"))
            continue
        opens = _clock(row.opens_at, "weeklyHours", problems)
        closes = _clock(row.closes_at, "weeklyHours", problems)
        if (opens is None) != (closes is None) or (opens and closes and closes <= opens):
            problems.append(FieldError("weeklyHours", ErrorCode.INVALID,
                                       f"{WEEKDAYS[row.weekday]}曜日: 開店と閉店を両方入力し、閉店は開店より後にして"
                                       f"ください（定休日は両方空欄）。"))
            continue
        result.append(BusinessHours(weekday=row.weekday, opens_at=opens, closes_at=closes))
    return result


async def update_calendar(session: AsyncSession, actor: Actor, change: CalendarChange) -> StoreSetting:
    check(actor, Action.MANAGE_MASTERS)
    problems: list[FieldError] = []
    if change.slot_minutes is not None and change.slot_minutes not in SLOT_STEPS:
        problems.append(FieldError("slotMinutes", ErrorCode.INVALID, "予約枠の間隔は10・15・30・60分から選んでください。"))
    for name, (field, low, high, words) in RANGES.items():
        value = getattr(change, name)
        if value is not None and not low <= value <= high:
            problems.append(FieldError(field, ErrorCode.INVALID, f"{words}で入力してください。"))
    weekly = None if change.weekly is None else _weekly(change.weekly, problems)
    if problems:
        raise DomainError.many(problems)
    settings = await get_store_settings(session)
    changes = {}
    for name in ("slot_minutes", *RANGES):
        value = getattr(change, name)
        if value is not None and value != getattr(settings, name):
            changes[name] = [getattr(settings, name), value]
            setattr(settings, name, value)
    if weekly is not None:
        await session.execute(delete(BusinessHours))
        session.add_all(weekly)
        changes["weekly_hours"] = [[h.weekday, None if h.opens_at is None else f"{h.opens_at:%H:%M}",
                                    None if h.closes_at is None else f"{h.closes_at:%H:%M}"] for h in weekly]
    await session.flush()
    if changes:
        await audit.record(session, actor, entity=AuditEntity.STORE_SETTING, entity_id=SETTINGS_ID,
                           action=AuditAction.UPDATE, changes=changes)
    return settings
