"""Payloads of walk-ins (非会員)."""

from __future__ import annotations

import strawberry

from schema.errors import UserError
from schema.payloads.common import ERRORS as _ERRORS
from schema.types.customer import Customer
from schema.types.reservation import Reservation


@strawberry.type(description="非会員の来店の記録の結果 (recordWalkIn result)")
class RecordWalkInPayload:
    reservation: Reservation | None = strawberry.field(default=None, description="来店 (the visit)")
    errors: list[UserError] = strawberry.field(default_factory=list, description=_ERRORS)


@strawberry.type(description="非会員の会員登録の結果 (registerNonMember result)")
class RegisterNonMemberPayload:
    customer: Customer | None = strawberry.field(default=None, description="顧客 (the new customer, visits counted)")
    errors: list[UserError] = strawberry.field(default_factory=list, description=_ERRORS)
