"""出勤表: the week grid a manager fills in (one row per stylist, one column per day), the weekly
pattern in the same grid, and 「前週をコピー」. Every save is a POST with the CSRF token through
services.calendar.shifts; a time the form cannot read is refused before anything is written."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqladmin import BaseView, expose
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from admin.day_sheet import parse_day
from admin.display import JST
from admin.mutation import mutate
from admin.errors import AdminError
from services.calendar import WEEKDAYS
from services.calendar.shifts import (
    Cell,
    copy_previous_week,
    monday_of,
    pattern_cells,
    save_pattern,
    save_week,
    week_cells,
)
from services.errors import DomainError, ErrorCode
from services.permissions import Action, can

def _clock(text: str, label: str) -> time | None:
    text = text.strip()
    if not text:
        return None
    try:
        return time.fromisoformat(text) if len(text) == 5 else _bad(label)
    except ValueError:
        return _bad(label)


def _bad(label: str) -> Any:
    raise DomainError(ErrorCode.INVALID, f"{label}: 時刻は「10:00」の形で入力してください。")


def parse_cells(form: Any, keys: list[date] | list[int], names: dict[int, str]) -> list[Cell]:
    """The grid's cells: ``s-<staff>-<column>`` and ``e-<staff>-<column>``, both blank for 休み."""
    cells = []
    for staff_id, name in names.items():
        for index, key in enumerate(keys):
            label = f"{name}さんの{WEEKDAYS[key] + '曜日' if isinstance(key, int) else f'{key:%m月%d日}'}"
            start = _clock(str(form.get(f"s-{staff_id}-{index}", ""))[:10], label)
            end = _clock(str(form.get(f"e-{staff_id}-{index}", ""))[:10], label)
            if (start is None) != (end is None):
                raise DomainError(ErrorCode.INVALID, f"{label}: 出勤と退勤を両方入力してください（休みは両方空欄）。")
            cells.append(Cell(staff_id, key, None if start is None or end is None else (start, end)))
    return cells


class ShiftGridView(BaseView):
    name = "出勤表"
    identity = "shifts"
    category = "予約"
    icon = "fa-solid fa-user-clock"

    def is_visible(self, request: Request) -> bool:
        return can(getattr(request.state, "actor", None), Action.MANAGE_RESERVATIONS)

    def is_accessible(self, request: Request) -> bool:
        return self.is_visible(request)

    @property
    def session_maker(self) -> Any:  # what admin.mutation writes through
        return self._admin_ref.session_maker

    def _may_edit(self, request: Request) -> bool:
        return can(getattr(request.state, "actor", None), Action.MANAGE_MASTERS)

    async def _grid(self, request: Request, pattern: bool, monday: date, message: str | None,
                    error: str | None = None, status: int = 200) -> Response:
        async with self._admin_ref.session_maker() as session:
            staff, cells = await (pattern_cells(session) if pattern else week_cells(session, monday))
        keys = list(range(7)) if pattern else [monday + timedelta(days=i) for i in range(7)]
        by_cell = {(c.staff_id, c.key): c.hours for c in cells}
        rows = [(member, [by_cell.get((member.id, key)) for key in keys]) for member in staff]
        heads = ([f"{w}曜日" for w in WEEKDAYS] if pattern
                 else [f"{d:%m/%d}（{WEEKDAYS[d.weekday()]}）" for d in keys])
        return await self.templates.TemplateResponse(request, "salon/shifts.html", {
            "title": "出勤パターン（毎週）" if pattern else f"出勤表 {monday:%Y年%m月%d日}の週",
            "pattern": pattern, "monday": monday, "previous": monday - timedelta(days=7),
            "next": monday + timedelta(days=7), "heads": heads, "rows": rows, "message": message,
            "error": error, "may_edit": self._may_edit(request)}, status_code=status)

    @expose("/shifts", methods=["GET", "POST"], identity="shifts")
    async def shifts(self, request: Request) -> Response:
        today = datetime.now(JST).date()
        pattern = request.query_params.get("mode") == "pattern"
        day, message = parse_day(request.query_params.get("week"), today)
        monday = monday_of(day)
        if request.method != "POST":
            if message is None and request.query_params.get("saved") == "1":
                message = "出勤を保存しました。"
            return await self._grid(request, pattern, monday, message)
        form = await request.form()
        async with self._admin_ref.session_maker() as session:
            staff, _ = await pattern_cells(session)
        names = {m.id: m.name for m in staff}
        keys: list[Any] = list(range(7)) if pattern else [monday + timedelta(days=i) for i in range(7)]
        try:
            if form.get("copy") == "1" and not pattern:
                async def perform(session: Any, actor: Any) -> None:
                    await copy_previous_week(session, actor, monday)
            else:
                cells = parse_cells(form, keys, names)

                async def perform(session: Any, actor: Any) -> None:
                    await (save_pattern(session, actor, cells) if pattern else save_week(session, actor, monday, cells))
            await mutate(self, request, perform)
        except DomainError as exc:
            return await self._grid(request, pattern, monday, None, " ".join(e.message for e in exc.errors), 400)
        except AdminError as exc:
            status = 403 if any(e.code == ErrorCode.PERMISSION_DENIED for e in exc.errors) else 400
            return await self._grid(request, pattern, monday, None, str(exc), status)
        back = "?mode=pattern" if pattern else f"?week={monday.isoformat()}"
        return RedirectResponse(request.url.path + back + "&saved=1", status_code=303)
