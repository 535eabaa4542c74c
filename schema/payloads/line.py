"""Payloads of LINE linking and unlinking."""

from __future__ import annotations

import strawberry

from schema.errors import UserError
from schema.payloads.common import ERRORS as _ERRORS
from schema.types.customer import Customer


@strawberry.type(description="LINE連携の結果 (linkLineAccount result)")
class LinkLineAccountPayload:
    customer: Customer | None = strawberry.field(
        default=None, description="顧客 (the linked customer: matched by name and e-mail, or registered now)")
    created: bool = strawberry.field(
        default=False, description="新規登録した (nobody matched: a new customer with path LINE)")
    linked: bool = strawberry.field(
        default=False, description="連携した (false: already linked to this customer, nothing changed)")
    errors: list[UserError] = strawberry.field(default_factory=list, description=_ERRORS)


@strawberry.type(description="LINE連携の解除の結果 (unlinkLineAccount result)")
class UnlinkLineAccountPayload:
    customer: Customer | None = strawberry.field(default=None, description="顧客 (the customer, unlinked)")
    errors: list[UserError] = strawberry.field(default_factory=list, description=_ERRORS)
