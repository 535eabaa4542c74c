"""Date and time scalars, described in Japanese like the rest of the schema."""

from __future__ import annotations

import datetime as dt

import strawberry


def _parse_date(value: object) -> dt.date:
    if not isinstance(value, str):
        raise ValueError("Date は文字列 (YYYY-MM-DD) で指定してください。")
    return dt.date.fromisoformat(value)


def _parse_datetime(value: object) -> dt.datetime:
    if not isinstance(value, str):
        raise ValueError("DateTime は文字列 (ISO 8601) で指定してください。")
    parsed = dt.datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError("DateTime にはタイムゾーン (+09:00 など) を付けてください。")
    return parsed


Date = strawberry.scalar(
    name="Date",
    description="日付 (date, ISO 8601: 1990-04-01)",
    serialize=dt.date.isoformat,
    parse_value=_parse_date,
)

DateTime = strawberry.scalar(
    name="DateTime",
    description="日時 (date and time, ISO 8601 with offset; the server answers in UTC)",
    serialize=dt.datetime.isoformat,
    parse_value=_parse_datetime,
)

#: For ``StrawberryConfig(scalar_map=...)``: replaces Strawberry's English-described defaults.
SCALAR_MAP = {dt.date: Date, dt.datetime: DateTime}
