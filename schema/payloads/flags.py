"""Payloads of the caution / blacklist mutations: the result (null on failure) and ``errors``."""

from __future__ import annotations

import strawberry

from schema.errors import UserError
from schema.payloads.common import ERRORS as _ERRORS
from schema.types.customer import Customer


@strawberry.type(description="ブラックリスト一致の解除の結果 (clearBlacklistMatch result)")
class ClearBlacklistMatchPayload:
    customer: Customer | None = strawberry.field(default=None, description="顧客 (the customer, re-checked)")
    errors: list[UserError] = strawberry.field(default_factory=list, description=_ERRORS)
