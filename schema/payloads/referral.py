"""Payloads of referrals (紹介)."""

from __future__ import annotations

import strawberry

from schema.errors import UserError
from schema.payloads.common import ERRORS as _ERRORS
from schema.types.customer import Customer


@strawberry.type(description="紹介の登録・変更・削除の結果 (addReferral / updateReferral / removeReferral result)")
class ReferralPayload:
    id: strawberry.ID | None = strawberry.field(default=None, description="紹介ID (the link)")
    memo: str | None = strawberry.field(default=None, description="メモ (memo)")
    referrer: Customer | None = strawberry.field(default=None, description="紹介者 (the customer who referred)")
    referred: Customer | None = strawberry.field(default=None, description="紹介されたお客様 (the customer referred)")
    errors: list[UserError] = strawberry.field(default_factory=list, description=_ERRORS)
