"""Payloads of a customer's e-mail change: the token for the mail, then the customer."""

from __future__ import annotations

from datetime import datetime

import strawberry

from schema.errors import UserError
from schema.payloads.common import ERRORS as _ERRORS
from schema.types.customer import Customer


@strawberry.type(description="メールアドレス変更の受付の結果 (startEmailChange result)")
class StartEmailChangePayload:
    token: str | None = strawberry.field(
        default=None,
        description="確認トークン (send it to the new address as a link; the same answer whether or not the "
                    "address is in use: that is checked when it is confirmed)")
    expires_at: datetime | None = strawberry.field(default=None, description="有効期限 (the link's expiry)")
    errors: list[UserError] = strawberry.field(default_factory=list, description=_ERRORS)


@strawberry.type(description="メールアドレス変更の確認の結果 (confirmEmailChange result)")
class ConfirmEmailChangePayload:
    customer: Customer | None = strawberry.field(default=None, description="顧客 (the customer, with its new address)")
    errors: list[UserError] = strawberry.field(default_factory=list, description=_ERRORS)
