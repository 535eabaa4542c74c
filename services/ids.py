"""A record id as the outside world sends it (a GraphQL ``ID``, a form field, a part of a URL).

One rule for every door: ASCII digits only (``"²".isdigit()`` is true) and at most 18 of them, so
the number fits every id column and the driver never sees a value it would refuse; anything else
cannot be an id, and the door answers as for a record that does not exist.
"""

from __future__ import annotations

from services.errors import NotFound

MAX_DIGITS = 18


def parse_id(value: object) -> int | None:
    """``value`` as a database id, or None when it cannot be one."""
    text = "" if value is None else str(value).strip()
    if not text.isascii() or not text.isdigit() or len(text) > MAX_DIGITS:
        return None
    return int(text)


def require_id(value: object, what: str, field: str | None = "id") -> int:
    """``value`` as a database id; one that cannot be an id is refused like a record that does not exist."""
    parsed = parse_id(value)
    if parsed is None:
        raise NotFound(what, field)
    return parsed
