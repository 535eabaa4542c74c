"""The one row-validation call of the import: the registration service's own cleaning.

Every value an import writes is validated and normalised by the same code as a registration from
the admin or GraphQL (kana, phones, e-mails, 和暦 dates, postal codes); this module only adapts
its result to the import's shape. Nothing here knows a rule of its own.
"""

from __future__ import annotations

from typing import Any

from models import Customer
from services import customers as customer_service
from services.errors import DomainError, ErrorCode, FieldError

#: What an import requires (SPEC §10: names are required; phone and e-mail strongly recommended).
REQUIRED = ("last_name", "first_name")


def clean_row(data: dict[str, Any]) -> tuple[dict[str, Any], list[FieldError]]:
    """Normalised values and every problem of one row (pure: no database)."""
    errors = customer_service._Collector()
    try:
        values = customer_service._clean_scalars(data, errors)
    except (ValueError, TypeError, OverflowError):
        # A value of the wrong kind for its field: the row is refused, never the whole import.
        return {}, [FieldError(None, ErrorCode.INVALID, "値の形式が正しくありません。")]
    customer_service._check_required(values, REQUIRED, errors)
    _check_lengths(values, errors)
    try:
        customer_service._fill_address(values, errors)
    except DomainError as exc:
        errors.errors.extend(exc.errors)
    return values, errors.errors


def _check_lengths(values: dict[str, Any], errors: Any) -> None:
    """Column widths of the table, so that a long value is a row error and not a failed insert."""
    already = {e.field for e in errors.errors}
    for key, value in values.items():
        column = Customer.__table__.c.get(key)
        limit = getattr(getattr(column, "type", None), "length", None)
        if key not in already and isinstance(value, str) and limit and len(value) > limit:
            label = customer_service.FIELD_LABELS.get(key, key)
            errors.add(key, ErrorCode.TOO_LONG, f"{label}は{limit}文字以内で入力してください。")
