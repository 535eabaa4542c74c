"""Payload of a customer's withdrawal (退会)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from schema.errors import UserError
from schema.payloads.common import ERRORS as _ERRORS


@strawberry.type(description="退会の結果 (withdraw result)")
class WithdrawPayload:
    withdrawn_at: datetime | None = strawberry.field(default=None, description="退会日時 (when; null on failure)")
    cancelled_reservations: int = strawberry.field(
        default=0, description="キャンセルした予約の件数 (reservations still to come, cancelled without a fee)")
    errors: list[UserError] = strawberry.field(default_factory=list, description=_ERRORS)
