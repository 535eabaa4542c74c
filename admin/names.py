"""Staff accounts by name on list and detail pages: 「登録者 山田」, not 「登録者 1」.

Every column that refers to ``staff_accounts.id`` (``created_by_id``, ``uploaded_by_id``,
``cancel_fee_waived_by_id`` …) is shown as the account's display name. The names of one page
are read in one query before it renders and kept on ``request.state``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
from starlette.requests import Request

from models import StaffAccount

GONE = "（削除されたアカウント）"


def staff_columns(model: type) -> list[str]:
    """Attribute names of the model's columns that hold a staff account id."""
    names = []
    for prop in sa_inspect(model).column_attrs:
        column = prop.columns[0]
        if any(fk.column.table.name == "staff_accounts" for fk in column.foreign_keys):
            names.append(prop.key)
    return names


def staff_name_cell(model: Any, attribute: str, request: Request) -> str:
    account_id = getattr(model, attribute, None)
    if account_id is None:
        return ""
    return getattr(request.state, "staff_names", {}).get(account_id, GONE)


async def remember_staff_names(session_maker: Any, request: Request, rows: list[Any],
                               columns: list[str]) -> None:
    """Load the display names the page's staff columns refer to (one query)."""
    wanted = {getattr(row, c) for row in rows for c in columns} - {None}
    names: dict[int, str] = dict(getattr(request.state, "staff_names", {}))
    wanted -= set(names)
    if wanted:
        async with session_maker() as session:
            result = await session.execute(
                select(StaffAccount.id, StaffAccount.display_name).where(StaffAccount.id.in_(wanted)))
            names.update({r.id: r.display_name for r in result})
    request.state.staff_names = names
