"""Date and time scalars, described in Japanese like the rest of the schema."""

from __future__ import annotations

import datetime as dt

import strawberry

DATE_FORMAT = "Date は YYYY-MM-DD の形式の、実在する日付で指定してください（例: 2026-04-01）。"
DATETIME_FORMAT = "DateTime は ISO 8601 の形式の、実在する日時で指定してください（例: 2026-04-01T10:30:00+09:00）。"


def _parse_date(value: object) -> dt.date:
    if not isinstance(value, str) or len(value) > 10:
        raise ValueError(DATE_FORMAT)
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(DATE_FORMAT) from None


def _parse_datetime(value: object) -> dt.datetime:
    if not isinstance(value, str) or len(value) > 40:
        raise ValueError(DATETIME_FORMAT)
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(DATETIME_FORMAT) from None
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
