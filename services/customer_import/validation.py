"""The one row-validation call of the import: ``services.customer_fields.clean_customer``.

Every value an import writes is validated and normalised by the same code as a registration from
the admin or GraphQL (kana, phones, e-mails, 和暦 dates, postal codes, lengths); this module only
adapts its result to the import's shape. Nothing here knows a rule of its own.
"""

from __future__ import annotations

from typing import Any

from services import customers as customer_service
from services.customer_fields import Mode, clean_customer
from services.errors import Collector, ErrorCode, FieldError


def clean_row(data: dict[str, Any]) -> tuple[dict[str, Any], list[FieldError]]:
    """Normalised values and every problem of one row (pure: no database)."""
    try:
        cleaned = clean_customer(data, Mode.IMPORT)
    except (ValueError, TypeError, OverflowError):
        # A value of the wrong kind for its field: the row is refused, never the whole import.
        return {}, [FieldError(None, ErrorCode.INVALID, "値の形式が正しくありません。")]
    values = dict(cleaned.values)
    errors = Collector(cleaned.errors)
    customer_service.fill_address(values, errors)  # postal code → prefecture / city, as registration
    return values, list(errors.errors)
