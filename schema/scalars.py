"""Date and time scalars, described in Japanese like the rest of the schema.

A value the scalar refuses raises :class:`InvalidScalar` with the Japanese message, whether it came
as a variable or written into the document as a literal; ``resolvers/input_errors.py`` turns both
into the same answer (that message, ``extensions.code`` ``INVALID``).
"""

from __future__ import annotations

import datetime as dt

import strawberry

from services.japan_time import in_japan

DATE_FORMAT = "Date は YYYY-MM-DD の形式の、実在する日付で指定してください（例: 2026-04-01）。"
DATETIME_FORMAT = "DateTime は ISO 8601 の形式の、実在する日時で指定してください（例: 2026-04-01T10:30:00+09:00）。"
DATETIME_NAIVE = "DateTime にはタイムゾーン (+09:00 など) を付けてください。"
DATETIME_OFFSET = "DateTime のタイムゾーンは -12:00 から +14:00 までの実在するもの（+09:00 など）で指定してください。"
#: The offsets in use somewhere on earth lie between these (Baker Island, Kiribati's Line Islands).
MIN_OFFSET = dt.timedelta(hours=-12)
MAX_OFFSET = dt.timedelta(hours=14)


class InvalidScalar(ValueError):
    """A value a scalar of ours refuses; its message is the Japanese answer to the client."""


def _parse_date(value: object) -> dt.date:
    if not isinstance(value, str) or len(value) > 10:
        raise InvalidScalar(DATE_FORMAT)
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidScalar(DATE_FORMAT) from None


def _parse_datetime(value: object) -> dt.datetime:
    if not isinstance(value, str) or len(value) > 40:
        raise InvalidScalar(DATETIME_FORMAT)
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise InvalidScalar(DATETIME_FORMAT) from None
    offset = parsed.utcoffset()
    if offset is None:
        raise InvalidScalar(DATETIME_NAIVE)
    # Offsets are whole quarter hours (+05:45, +09:30); +23:59 or +09:00:30 exist nowhere.
    if not MIN_OFFSET <= offset <= MAX_OFFSET or offset % dt.timedelta(minutes=15):
        raise InvalidScalar(DATETIME_OFFSET)
    return parsed


def _serialize_datetime(value: dt.datetime) -> str:
    return in_japan(value).isoformat()


Date = strawberry.scalar(
    name="Date",
    description="日付 (date, ISO 8601: 1990-04-01; days are Japan's calendar days)",
    serialize=dt.date.isoformat,
    parse_value=_parse_date,
)

DateTime = strawberry.scalar(
    name="DateTime",
    description=(
        "日時 (date and time, ISO 8601 with an offset). Every DateTime the server writes — in queries, "
        "payloads and errors — is in Japan time, +09:00 (2026-12-10T10:00:00+09:00). An input may carry "
        "any real offset (-12:00 to +14:00, whole quarter hours) and is stored as the same instant; "
        "one without an offset is refused."
    ),
    serialize=_serialize_datetime,
    parse_value=_parse_datetime,
)

#: For ``StrawberryConfig(scalar_map=...)``: replaces Strawberry's English-described defaults.
SCALAR_MAP = {dt.date: Date, dt.datetime: DateTime}
