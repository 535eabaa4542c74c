"""A record id as the outside world sends it (a GraphQL ``ID``, a form field, a part of a URL).

One rule for every door: ASCII digits only (``"²".isdigit()`` is true) and at most 2,147,483,647,
the largest value of an INTEGER id column (PostgreSQL refuses a larger bind value instead of finding
no row), so the driver never sees a value it would refuse; anything else cannot be an id, and the
door answers as for a record that does not exist.
"""

from __future__ import annotations

from services.errors import NotFound

#: Every id column is an INTEGER (32 bits on PostgreSQL).
MAX_ID = 2**31 - 1


def parse_id(value: object) -> int | None:
    """``value`` as a database id, or None when it cannot be one."""
    text = "" if value is None else str(value).strip()
    if not text.isascii() or not text.isdigit() or len(text) > len(str(MAX_ID)):
        return None
    number = int(text)
    return number if number <= MAX_ID else None


def require_id(value: object, what: str, field: str | None = "id") -> int:
    """``value`` as a database id; one that cannot be an id is refused like a record that does not exist."""
    parsed = parse_id(value)
    if parsed is None:
        raise NotFound(what, field)
    return parsed
