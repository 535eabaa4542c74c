"""Input of a customer's withdrawal (退会)."""

from __future__ import annotations

import strawberry


@strawberry.input(description="退会 (a customer token only: the customer withdraws)")
class WithdrawInput:
    reason: str | None = strawberry.field(default=None, description="退会理由 (required, at most 255 characters)")
