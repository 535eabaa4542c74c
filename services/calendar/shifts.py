"""出勤: writing the stylists' weekly pattern and one week's dated shifts (the admin's week grid).

A week is written cell by cell: a cell equal to the pattern stores nothing (the pattern answers),
a cell that differs stores a dated shift (other hours, or 休み with none). Copying the previous
week writes what the previous week was, so a manager starts from it and changes what differs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import StaffMember, StaffShift, StaffShiftException
from services import audit
from services.actor import Actor
from services.audit import AuditAction, AuditEntity
from services.calendar.hours import WEEKDAYS, Calendar, load_calendar
from services.constraints import refusing_violations
from services.errors import DomainError, ErrorCode, FieldError
from services.japan_time import JAPAN
from services.permissions import Action, check

Hours = tuple[time, time] | None


@dataclass(frozen=True)
class Cell:
    """One stylist on one day (a date) or one weekday (0 = Monday): hours, or None for 休み."""

    staff_id: int
    key: date | int
    hours: Hours


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


async def _check_cells(session: AsyncSession, cells: list[Cell], names: dict[int, str]) -> None:
    problems = []
    for cell in cells:
        if cell.staff_id not in names:
            problems.append(FieldError(None, ErrorCode.NOT_FOUND, "指定されたスタッフが見つからないか、在籍していません。"))
        elif cell.hours is not None and cell.hours[1] <= cell.hours[0]:
            when = f"{WEEKDAYS[cell.key]}曜日" if isinstance(cell.key, int) else f"{cell.key:%m月%d日}"
            problems.append(FieldError(None, ErrorCode.INVALID,
                                       f"{names[cell.staff_id]}さんの{when}: 退勤は出勤より後にしてください。"))
    if problems:
        raise DomainError.many(problems)


async def _active_names(session: AsyncSession) -> dict[int, str]:
    rows = await session.execute(select(StaffMember.id, StaffMember.name).where(StaffMember.active.is_(True)))
    return {row.id: row.name for row in rows}


async def save_pattern(session: AsyncSession, actor: Actor, cells: list[Cell]) -> None:
    """The weekly pattern of the stylists in ``cells`` (every weekday of each is given)."""
    check(actor, Action.MANAGE_MASTERS)
    await _check_cells(session, cells, await _active_names(session))
    staff_ids = sorted({c.staff_id for c in cells})
    await session.execute(delete(StaffShift).where(StaffShift.staff_member_id.in_(staff_ids)))
    async with refusing_violations():
        session.add_all([StaffShift(staff_member_id=c.staff_id, weekday=c.key, starts_at=c.hours[0],
                                    ends_at=c.hours[1]) for c in cells if c.hours is not None])
        await session.flush()
    await audit.record(session, actor, entity=AuditEntity.STAFF_SHIFT, entity_id=None, action=AuditAction.UPDATE,
                       changes={"pattern": _plain(cells)})


def _plain(cells: list[Cell]) -> list[list[object]]:
    return [[c.staff_id, c.key if isinstance(c.key, int) else c.key.isoformat(),
             None if c.hours is None else f"{c.hours[0]:%H:%M}-{c.hours[1]:%H:%M}"] for c in cells]


def _pattern_hours(calendar: Calendar, staff_id: int, day: date) -> Hours:
    """What the pattern alone says for the day (the store's hours for a stylist without one)."""
    saved = calendar.dated.pop((staff_id, day), None)
    try:
        period = calendar.shift(staff_id, day)
    finally:
        if saved is not None:
            calendar.dated[(staff_id, day)] = saved
    return clock(period)


def clock(period: tuple[datetime, datetime] | None) -> Hours:
    """A day's period as wall-clock times (a period running to midnight ends at 23:59)."""
    if period is None:
        return None
    start, end = period[0].astimezone(JAPAN), period[1].astimezone(JAPAN)
    return start.time(), end.time() if end.date() == start.date() else time(23, 59)


async def save_week(session: AsyncSession, actor: Actor, monday: date, cells: list[Cell]) -> None:
    """One week's shifts: a dated row where a cell differs from the pattern, none where it agrees."""
    check(actor, Action.MANAGE_MASTERS)
    monday = monday_of(monday)
    days = {monday + timedelta(days=i) for i in range(7)}
    if any(c.key not in days for c in cells):
        raise DomainError(ErrorCode.INVALID, "この週の日付ではありません。")
    await _check_cells(session, cells, await _active_names(session))
    calendar = await load_calendar(session, monday, monday + timedelta(days=6))
    staff_ids = sorted({c.staff_id for c in cells})
    await session.execute(delete(StaffShiftException).where(
        StaffShiftException.staff_member_id.in_(staff_ids), StaffShiftException.day.in_(sorted(days))))
    rows = []
    for cell in cells:
        assert isinstance(cell.key, date)
        if cell.hours != _pattern_hours(calendar, cell.staff_id, cell.key):
            rows.append(StaffShiftException(staff_member_id=cell.staff_id, day=cell.key,
                                            starts_at=None if cell.hours is None else cell.hours[0],
                                            ends_at=None if cell.hours is None else cell.hours[1]))
    async with refusing_violations():
        session.add_all(rows)
        await session.flush()
    await audit.record(session, actor, entity=AuditEntity.STAFF_SHIFT, entity_id=None, action=AuditAction.UPDATE,
                       changes={"week": monday.isoformat(), "cells": _plain(cells)})


async def week_cells(session: AsyncSession, monday: date) -> tuple[list[StaffMember], list[Cell]]:
    """Every active stylist's shift on each day of the week (what the grid shows)."""
    calendar = await load_calendar(session, monday, monday + timedelta(days=6))
    cells = []
    for staff_id in calendar.staff:
        for i in range(7):
            day = monday + timedelta(days=i)
            cells.append(Cell(staff_id, day, clock(calendar.shift(staff_id, day))))
    return list(calendar.staff.values()), cells


async def pattern_cells(session: AsyncSession) -> tuple[list[StaffMember], list[Cell]]:
    calendar = await load_calendar(session, date(2000, 1, 3), date(2000, 1, 3))
    cells = []
    for staff_id in calendar.staff:
        rows = calendar.patterns.get(staff_id, {})
        cells += [Cell(staff_id, w, (rows[w].starts_at, rows[w].ends_at) if w in rows else None) for w in range(7)]
    return list(calendar.staff.values()), cells


async def copy_previous_week(session: AsyncSession, actor: Actor, monday: date) -> None:
    """This week's shifts become what last week's were."""
    monday = monday_of(monday)
    _, previous = await week_cells(session, monday - timedelta(days=7))
    await save_week(session, actor, monday, [Cell(c.staff_id, c.key + timedelta(days=7), c.hours)
                                            for c in previous if isinstance(c.key, date)])
